package signals

import (
	"os"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/loopkit/loopkit/internal/testutil"
	"github.com/loopkit/loopkit/loop"
	"golang.org/x/sys/unix"
)

// TestSignalFDHearsItsThread sends SIGUSR2 to the loop's thread with
// tgkill: the signalfd reads it, with who sent it.
func TestSignalFDHearsItsThread(t *testing.T) {
	testutil.ForEachBackend(t, func(t *testing.T, backend string) {
		checkLeaks(t)
		l, _ := testutil.NewLoop(t, backend)
		type heard struct {
			Signo syscall.Signal
			Pid   int
			Code  int32
		}
		var got []heard
		var s *SignalFD
		s, err := HandleFD(l, syscall.SIGUSR2, func(info unix.SignalfdSiginfo) {
			got = append(got, heard{syscall.Signal(info.Signo), int(info.Pid), info.Code})
			s.Close() // nothing else keeps the loop: Run returns
		})
		if err != nil {
			t.Fatal(err)
		}
		l.CallSoon(func() {
			if err := unix.Tgkill(os.Getpid(), s.Thread(), syscall.SIGUSR2); err != nil {
				t.Error(err)
			}
		})
		testutil.Run(t, l, 5*time.Second)
		want := []heard{{syscall.SIGUSR2, os.Getpid(), siTkill}}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("what the signalfd read (-want +got):\n%s", diff)
		}
	})
}

// siTkill is SI_TKILL (include/uapi/asm-generic/siginfo.h), the code of a
// signal sent by tgkill; golang.org/x/sys/unix does not name it.
const siTkill = -6

// TestSignalFDRestoresTheMask: after Close the thread's mask is what it
// was, and the goroutine is free of the thread.
func TestSignalFDRestoresTheMask(t *testing.T) {
	runtime.LockOSThread() // so that the masks read before and after are one thread's
	defer runtime.UnlockOSThread()
	var before, after unix.Sigset_t
	unix.PthreadSigmask(unix.SIG_BLOCK, nil, &before)
	l, _ := testutil.NewLoop(t, "poll")
	s, err := HandleFD(l, syscall.SIGUSR2, func(unix.SignalfdSiginfo) {})
	if err != nil {
		t.Fatal(err)
	}
	var during unix.Sigset_t
	unix.PthreadSigmask(unix.SIG_BLOCK, nil, &during)
	if during == before {
		t.Errorf("HandleFD did not block SIGUSR2 on the thread")
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	unix.PthreadSigmask(unix.SIG_BLOCK, nil, &after)
	if after != before {
		t.Errorf("the thread's mask after Close = %v, want %v as before HandleFD", after, before)
	}
}

// BenchmarkDeliverySignalFD measures what BenchmarkDelivery does, the
// signalfd way: tgkill(2) to the loop's thread, one poll, the read, the
// handler, and a channel back to the benchmark's goroutine.
func BenchmarkDeliverySignalFD(b *testing.B) {
	l, err := loop.New(loop.WithBackend("epoll"))
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	handled := make(chan struct{}, 1)
	thread := make(chan int)
	ran := make(chan error, 1)
	go func() {
		s, err := HandleFD(l, syscall.SIGUSR2, func(unix.SignalfdSiginfo) { handled <- struct{}{} })
		if err != nil {
			close(thread)
			ran <- err
			return
		}
		thread <- s.Thread()
		err = l.Run()
		s.Close()
		ran <- err
	}()
	tid, ok := <-thread
	if !ok {
		b.Fatal(<-ran)
	}
	pid := os.Getpid()
	for b.Loop() {
		if err := unix.Tgkill(pid, tid, syscall.SIGUSR2); err != nil {
			b.Fatal(err)
		}
		<-handled
	}
	l.CallSoonThreadSafe(l.Stop)
	if err := <-ran; err != nil {
		b.Fatal(err)
	}
}
