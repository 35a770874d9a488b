package loop_test

import (
	"errors"
	"runtime"
	"testing"
	"time"

	"github.com/loopkit/loopkit/internal/testutil"
	"github.com/loopkit/loopkit/loop"
	"golang.org/x/sys/unix"
)

// TestEINTRIsRetried sends signals to the loop's thread while it sleeps in
// poll: each interrupts the system call, and the loop must neither fail nor
// lose its timer.
func TestEINTRIsRetried(t *testing.T) {
	testutil.ForEachBackend(t, func(t *testing.T, backend string) {
		done := make(chan error, 1)
		tid := make(chan int, 1)
		go func() {
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			l, err := loop.New(loop.WithBackend(backend))
			if err != nil {
				done <- err
				return
			}
			defer l.Close()
			tid <- unix.Gettid()
			fired := false
			l.CallLater(300*time.Millisecond, func() { fired = true })
			err = l.Run()
			if err == nil && !fired {
				err = errors.New("the timer did not fire")
			}
			done <- err
		}()
		thread := <-tid
		giveUp := time.After(10 * time.Second)
		for {
			select {
			case <-giveUp:
				t.Fatal("Run did not return within 10s while signals arrived: is EINTR retried with the time left?")
			case err := <-done:
				if err != nil {
					t.Fatalf("Run with signals arriving = %v, want nil", err)
				}
				return
			case <-time.After(5 * time.Millisecond):
				// SIGURG is the signal Go's runtime itself uses to preempt:
				// every Go program already handles it.
				unix.Tgkill(unix.Getpid(), thread, unix.SIGURG)
			}
		}
	})
}
