// Command 15-signals-children starts children that exit at once, reaps
// each one as SIGCHLD tells, and stops on Ctrl-C. Both signals reach the
// loop through your OnSignal (exercise/signal.go); the children are reaped
// by your Reaper's reap (exercise/reaper.go).
//
//	go run ./tutorials/15-signals-children           # 5 children, then Ctrl-C stops it
//	go run ./tutorials/15-signals-children -n 50     # 50 children
//	go run ./tutorials/15-signals-children -demo     # the same, and it sends itself the Ctrl-C
//	go run ./tutorials/15-signals-children -ref      # the reference solution
//	go test ./tutorials/15-signals-children          # check your signal.go and reaper.go
package main

import (
	"fmt"
	"io"
	"os"
	"syscall"

	"github.com/loopkit/loopkit/loop"
	"github.com/loopkit/loopkit/tutorials/internal/step"
	"golang.org/x/sys/unix"
)

func main() { step.Main(run) }

// run is the program, with its arguments and output given, so that the
// smoke test can run it in-process. The loop runs on the goroutine that
// calls run.
func run(args []string, out io.Writer) error {
	p := step.New("15-signals-children", "127.0.0.1:7015")
	n := p.Int("n", 5, "how many children to start at once")
	return p.Run(args, out, func(r step.Run) error {
		if *n < 1 {
			return fmt.Errorf("-n %d: want at least 1", *n)
		}
		l, err := r.NewLoop()
		if err != nil {
			return err
		}
		defer l.Close()
		prog := impls[r.Impl]
		children := prog.New(l, prog.OnSignal)
		defer children.Close()
		stopInterrupt := onInterrupt(l, prog.OnSignal, out)
		defer stopInterrupt()
		if err := startChildren(children, *n, r.Demo, out); err != nil {
			return err
		}
		fmt.Fprintf(out, "started %d children of %s; each exits at once\n", *n, r.Impl)
		return l.Run()
	})
}

// onInterrupt keeps the loop running until Ctrl-C, which it hears through
// onSignal. It returns what to call when run ends.
func onInterrupt(l *loop.Loop, onSignal onSignalFunc, out io.Writer) (stop func()) {
	release := l.Hold() // until Ctrl-C: nothing else would keep the loop going
	stopSignal := onSignal(l, os.Interrupt, func() {
		fmt.Fprintln(out, "Ctrl-C (SIGINT) reached the loop as a callback: stopping")
		l.Stop() // even if children not reaped still hold the loop
	})
	return func() {
		stopSignal()
		release()
	}
}

// startChildren starts n children, each exiting at once with 0, 1 or 2,
// and prints each exit as it is reaped; once all are, how many SIGCHLD
// runs it took. With demo, it then sends the program a Ctrl-C.
func startChildren(children reaper, n int, demo bool, out io.Writer) error {
	reaped := 0
	for i := range n {
		code := i % 3
		var pid int
		pid, err := children.Start([]string{"/bin/sh", "-c", fmt.Sprintf("exit %d", code)}, func(status unix.WaitStatus) {
			reaped++
			fmt.Fprintf(out, "  child %d reaped: exit status %d\n", pid, status.ExitStatus())
			if reaped < n {
				return
			}
			fmt.Fprintf(out, "%d children reaped, in %d run(s) of the SIGCHLD handler", n, children.Signals())
			if children.Signals() < n {
				fmt.Fprintln(out, ": fewer than the exits, since signals coalesce.")
			} else {
				fmt.Fprintln(out, ": one per exit, this time (try -n 50).")
			}
			if !demo {
				fmt.Fprintln(out, "Ctrl-C stops the program.")
				return
			}
			fmt.Fprintln(out, "sending the program a Ctrl-C (SIGINT)")
			syscall.Kill(os.Getpid(), syscall.SIGINT)
		})
		if err != nil {
			return err
		}
	}
	return nil
}
