package process

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/loopkit/loopkit/coroutines"
	"github.com/loopkit/loopkit/internal/testutil"
	"github.com/loopkit/loopkit/loop"
	"golang.org/x/sys/unix"
)

// What a child did, as the loop's callbacks saw it.
type seen struct {
	Stdout, Stderr string
	Status         Status
}

func TestOutputAndExitReachTheLoop(t *testing.T) {
	forEachWatch(t, func(t *testing.T, l *loop.Loop, w Watch) {
		var got seen
		var out, errOut strings.Builder
		p, err := Start(l, Command{Args: []string{"/bin/sh", "-c", "echo out; echo err >&2; exit 3"},
			Stdout: true, Stderr: true, Watch: w})
		if err != nil {
			t.Fatal(err)
		}
		p.Stdout.OnRead(collect(&out))
		p.Stderr.OnRead(collect(&errOut))
		p.OnExit(func(st Status) { got.Status = st })
		if st, ok := p.Exited(); ok {
			t.Errorf("Exited() = %v, true before the loop ran: nobody has reaped the child yet", st)
		}
		testutil.Run(t, l, 10*time.Second) // returns once the child and its pipes are done
		if st, ok := p.Exited(); !ok || st != got.Status {
			t.Errorf("Exited() = %v, %v after Run, want %v, true", st, ok, got.Status)
		}
		got.Stdout, got.Stderr = out.String(), errOut.String()
		want := seen{Stdout: "out\n<EOF>", Stderr: "err\n<EOF>", Status: Status{Code: 3}}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("what the loop saw (-want +got):\n%s", diff)
		}
		checkReaped(t, p.Pid)
	})
}

// TestStdinThroughCat sends 1 MiB through cat: more than the pipes hold,
// so Write queues and the writer waits for the child to read, while the
// reader empties cat's stdout.
func TestStdinThroughCat(t *testing.T) {
	forEachWatch(t, func(t *testing.T, l *loop.Loop, w Watch) {
		in := bytes.Repeat([]byte("0123456789abcdef"), 1<<16)
		p, err := Start(l, Command{Args: []string{"cat"}, Stdin: true, Stdout: true, Watch: w})
		if err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		var wrote error = errNotYet
		p.Stdout.OnRead(func(data []byte, err error) { out.Write(data) })
		p.Stdin.Write(in, func(err error) { wrote = err })
		p.Stdin.Close() // once the bytes have gone
		var st Status
		p.OnExit(func(s Status) { st = s })
		testutil.Run(t, l, 10*time.Second)
		if wrote != nil {
			t.Errorf("Write's done got %v, want nil", wrote)
		}
		if out.Len() != len(in) || sha256.Sum256(out.Bytes()) != sha256.Sum256(in) {
			t.Errorf("cat gave back %d bytes, want the %d sent, intact", out.Len(), len(in))
		}
		if !st.Success() {
			t.Errorf("cat ended with %v, want exit status 0", st)
		}
	})
}

var errNotYet = errors.New("done was never called")

func TestKillEndsTheChild(t *testing.T) {
	forEachWatch(t, func(t *testing.T, l *loop.Loop, w Watch) {
		p, err := Start(l, Command{Args: []string{"cat"}, Stdin: true, Watch: w}) // reads for ever
		if err != nil {
			t.Fatal(err)
		}
		var st Status
		p.OnExit(func(s Status) {
			st = s
			p.Stdin.Close()
		})
		if err := p.Kill(syscall.SIGTERM); err != nil {
			t.Fatal(err)
		}
		testutil.Run(t, l, 10*time.Second)
		if diff := cmp.Diff(Status{Code: -1, Signal: syscall.SIGTERM}, st); diff != "" {
			t.Errorf("status (-want +got):\n%s", diff)
		}
		if err := p.Kill(syscall.SIGTERM); err == nil || !strings.Contains(err.Error(), "has exited") {
			t.Errorf("Kill after the exit = %v, want a refusal: the pid may be another process's now", err)
		}
	})
}

// TestManyChildrenExitTogether: their SIGCHLDs coalesce, and every child
// must still be reaped.
func TestManyChildrenExitTogether(t *testing.T) {
	forEachWatch(t, func(t *testing.T, l *loop.Loop, w Watch) {
		var got []Status
		var pids []int
		for i := range 8 {
			args := []string{"true"}
			if i%2 == 1 {
				args = []string{"false"}
			}
			p, err := Start(l, Command{Args: args, Watch: w})
			if err != nil {
				t.Fatal(err)
			}
			pids = append(pids, p.Pid)
			p.OnExit(func(st Status) { got = append(got, st) })
		}
		testutil.Run(t, l, 10*time.Second)
		if len(got) != len(pids) {
			t.Errorf("%d exits reported, want %d", len(got), len(pids))
		}
		for _, pid := range pids {
			checkReaped(t, pid)
		}
	})
}

func TestWaitParksTheCoroutine(t *testing.T) {
	forEachWatch(t, func(t *testing.T, l *loop.Loop, w Watch) {
		hub := coroutines.NewHub(l)
		defer hub.Close()
		var got seen
		co := hub.Spawn(func(ctx context.Context) error {
			p, err := Start(l, Command{Args: []string{"/bin/sh", "-c", "read x; echo got $x; exit 7"},
				Stdin: true, Stdout: true, Watch: w})
			if err != nil {
				return err
			}
			if err := p.Stdin.WriteAll(ctx, []byte("hi\n")); err != nil {
				return err
			}
			p.Stdin.Close()
			var out []byte
			buf := make([]byte, 3) // small: several reads
			for {
				n, err := p.Stdout.Read(ctx, buf)
				out = append(out, buf[:n]...)
				if err != nil {
					p.Stdout.Close()
					break
				}
			}
			got.Stdout = string(out)
			got.Status, err = p.Wait(ctx)
			return err
		})
		testutil.Run(t, l, 10*time.Second)
		if err := co.Err(); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(seen{Stdout: "got hi\n", Status: Status{Code: 7}}, got); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
	})
}

// recorder is a Protocol that writes down each call.
type recorder struct{ calls []string }

func (r *recorder) PipeDataReceived(fd int, data []byte) {
	r.calls = append(r.calls, fmt.Sprintf("data %d %s", fd, data))
}
func (r *recorder) PipeConnectionLost(fd int, err error) {
	r.calls = append(r.calls, fmt.Sprintf("lost %d %v", fd, err))
}
func (r *recorder) ProcessExited(st Status) { r.calls = append(r.calls, "exited "+st.String()) }

func TestProtocolHearsEverything(t *testing.T) {
	forEachWatch(t, func(t *testing.T, l *loop.Loop, w Watch) {
		var r recorder
		_, err := StartProtocol(l, Command{Args: []string{"/bin/sh", "-c", "echo out; exit 2"}, Stdout: true, Watch: w}, &r)
		if err != nil {
			t.Fatal(err)
		}
		testutil.Run(t, l, 10*time.Second)
		// The exit and the end of stdout come in either order.
		want := map[string]bool{"data 1 out\n": true, "lost 1 <nil>": true, "exited exit status 2": true}
		got := map[string]bool{}
		for _, c := range r.calls {
			got[c] = true
		}
		if diff := cmp.Diff(want, got); diff != "" || len(r.calls) != 3 {
			t.Errorf("calls %q (-want +got):\n%s", r.calls, diff)
		}
	})
}

func TestStartRefusesWhatCannotRun(t *testing.T) {
	testutil.CheckFDs(t)
	l, _ := testutil.NewLoop(t, loop.Backends()[0])
	for _, tc := range []struct {
		name string
		cmd  Command
		want string
	}{
		{"NoArgs", Command{}, "process: Start: no program: Command.Args is empty"},
		{"NotFound", Command{Args: []string{"loopkit-no-such-program"}, Stdout: true},
			`process: Start: exec: "loopkit-no-such-program": executable file not found in $PATH`},
		{"NotExecutable", Command{Args: []string{"/dev/null"}}, "process: Start: exec: \"/dev/null\": permission denied"},
		{"BadDir", Command{Args: []string{"/bin/sh"}, Dir: "/no/such/dir", Stdin: true},
			"process: starting /bin/sh in directory /no/such/dir: no such file or directory"},
		{"UnknownWatch", Command{Args: []string{"true"}, Watch: 9}, "process: unknown Watch 9"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Start(l, tc.cmd)
			if err == nil || err.Error() != tc.want {
				t.Errorf("Start = %v, want %q", err, tc.want)
			}
		})
	}
}

// TestWriteToAChildThatExitedFails: the child is gone, so its stdin has no
// reader; the write fails with EPIPE, to Write's done, and with no done,
// to the loop's error handler. (SIGPIPE does not end the program: Go's
// runtime ignores it for fds other than 1 and 2.)
func TestWriteToAChildThatExitedFails(t *testing.T) {
	testutil.ForEachBackend(t, func(t *testing.T, backend string) {
		checkGoroutines(t)
		l, errs := testutil.NewLoop(t, backend)
		p, err := Start(l, Command{Args: []string{"true"}, Stdin: true})
		if err != nil {
			t.Fatal(err)
		}
		var wrote error
		p.OnExit(func(Status) {
			p.Stdin.Write([]byte("too late\n"), func(err error) { wrote = err })
			p.Stdin.Write([]byte("too late, and nobody asks\n"), nil)
			p.Stdin.Close()
		})
		testutil.Run(t, l, 10*time.Second)
		if !errors.Is(wrote, syscall.EPIPE) {
			t.Errorf("Write's done got %v, want EPIPE", wrote)
		}
		reported := errs.Take()
		if len(reported) != 1 || !errors.Is(reported[0], syscall.EPIPE) {
			t.Errorf("the loop reported %v, want the EPIPE of the write with no done", reported)
		}
	})
}

// TestStartOutOfFDsClosesWhatItMade leaves Start four fds: the pipes of
// stdin and stdout take them, the pipe of stderr fails with EMFILE, and
// Start must close the four before it returns the error.
func TestStartOutOfFDsClosesWhatItMade(t *testing.T) {
	testutil.CheckFDs(t)
	l, _ := testutil.NewLoop(t, loop.Backends()[0])
	var spare [2][2]int
	for i := range spare {
		if err := unix.Pipe(spare[i][:]); err != nil {
			t.Fatal(err)
		}
	}
	restore := testutil.RunOutOfFDs(t)
	for _, pair := range spare {
		unix.Close(pair[0])
		unix.Close(pair[1])
	}
	_, err := Start(l, Command{Args: []string{"true"}, Stdin: true, Stdout: true, Stderr: true})
	restore()
	if !errors.Is(err, syscall.EMFILE) {
		t.Fatalf("Start with four fds free = %v, want EMFILE at the third pipe", err)
	}
}
