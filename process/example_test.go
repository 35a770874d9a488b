package process_test

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/loopkit/loopkit/coroutines"
	"github.com/loopkit/loopkit/loop"
	"github.com/loopkit/loopkit/process"
)

// A child's output and exit, in callbacks: asyncio's
// create_subprocess_exec(..., stdout=PIPE), then reading and wait().
func ExampleStart() {
	l, err := loop.New()
	if err != nil {
		panic(err)
	}
	defer l.Close()
	p, err := process.Start(l, process.Command{Args: []string{"/bin/sh", "-c", "echo hello; exit 3"}, Stdout: true})
	if err != nil {
		panic(err)
	}
	p.Stdout.OnRead(func(data []byte, err error) {
		if err != nil {
			fmt.Println("stdout:", err)
			return
		}
		fmt.Printf("stdout: %q\n", data)
	})
	var st process.Status
	p.OnExit(func(s process.Status) { st = s })
	if err := l.Run(); err != nil { // returns once the child is reaped and its pipe read to the end
		fmt.Println(err)
	}
	fmt.Println(st)
	// Output:
	// stdout: "hello\n"
	// stdout: EOF
	// exit status 3
}

// The same in coroutines: each call parks until the loop finds its pipe
// ready or its child exited, as asyncio's awaits do.
func ExampleProcess_Wait() {
	l, err := loop.New()
	if err != nil {
		panic(err)
	}
	defer l.Close()
	hub := coroutines.NewHub(l)
	defer hub.Close()
	hub.Spawn(func(ctx context.Context) error {
		p, err := process.Start(l, process.Command{Args: []string{"cat"}, Stdin: true, Stdout: true})
		if err != nil {
			return err
		}
		if err := p.Stdin.WriteAll(ctx, []byte("through cat\n")); err != nil {
			return err
		}
		p.Stdin.Close()
		out, err := readAll(ctx, p.Stdout)
		if err != nil {
			return err
		}
		st, err := p.Wait(ctx)
		fmt.Printf("%q, %v\n", out, st)
		return err
	})
	if err := hub.Run(); err != nil {
		fmt.Println(err)
	}
	// Output:
	// "through cat\n", exit status 0
}

// readAll reads pipe to its end, and closes it.
func readAll(ctx context.Context, pipe *process.Pipe) ([]byte, error) {
	defer pipe.Close()
	var out []byte
	buf := make([]byte, 512)
	for {
		n, err := pipe.Read(ctx, buf)
		out = append(out, buf[:n]...)
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return out, err
		}
	}
}
