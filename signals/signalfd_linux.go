package signals

import (
	"fmt"
	"os"
	"runtime"
	"syscall"
	"unsafe"

	"github.com/loopkit/loopkit/loop"
	"golang.org/x/sys/unix"
)

// A SignalFD hears a signal the second way, Linux's: the signal is blocked
// on the loop's thread and read from a signalfd, an fd the loop polls like
// any other, that is readable while the signal is pending. There is no
// handler and no goroutine: the wait is the loop's poll call, and each
// signal comes with its siginfo (who sent it, and how).
//
// It is correct only for a signal sent to the loop's own thread: tgkill(2),
// pthread_kill(3), a timer of timer_create(2) aimed at the thread. A
// signal sent to the process (kill(2), Ctrl-C, SIGCHLD) goes to any thread
// that does not block it, and in a Go program there always is one: the
// runtime makes threads when it likes, each with the mask the process
// started with, and keeps SIGINT, SIGTERM, SIGHUP, SIGQUIT and SIGCHLD
// unblocked on all of them (blockableSig, runtime/signal_unix.go). Such a
// signal reaches the runtime's handler, never the signalfd. libev and
// systemd use signalfd where they own every thread; Tokio's maintainers
// turned it down for the same reason as here (tokio-rs/tokio-signal#10).
// For a signal to the process, use Handle.
//
// HandleFD locks the calling goroutine, the loop's, to its thread until
// Close: the mask is the thread's, and a goroutine that moved would leave
// it behind. A SignalFD is an fd waiter, so it keeps the loop's Run going
// until Close, as every fd does.
type SignalFD struct {
	loop *loop.Loop
	fd   int
	sig  syscall.Signal
	fn   func(unix.SignalfdSiginfo)
	tid  int           // the thread that blocks sig
	old  unix.Sigset_t // its mask before HandleFD
	info unix.SignalfdSiginfo
}

// HandleFD blocks sig on the calling thread, which runs l, and makes l
// call fn with the siginfo of each sig sent to that thread (Thread), until
// Close. Loop goroutine only. It refuses what Handle refuses.
func HandleFD(l *loop.Loop, sig syscall.Signal, fn func(unix.SignalfdSiginfo)) (*SignalFD, error) {
	if err := Check(sig); err != nil {
		return nil, err
	}
	if fn == nil {
		return nil, fmt.Errorf("signals: HandleFD(%s): nil handler", unix.SignalName(sig))
	}
	runtime.LockOSThread()
	s := &SignalFD{loop: l, sig: sig, fn: fn, tid: unix.Gettid(), fd: -1}
	set := sigset(sig)
	if err := unix.PthreadSigmask(unix.SIG_BLOCK, &set, &s.old); err != nil {
		runtime.UnlockOSThread()
		return nil, os.NewSyscallError("pthread_sigmask", err)
	}
	fd, err := unix.Signalfd(-1, &set, unix.SFD_NONBLOCK|unix.SFD_CLOEXEC)
	if err != nil {
		s.restore()
		return nil, os.NewSyscallError("signalfd", err)
	}
	s.fd = fd
	if err := l.AddReader(fd, s.readable); err != nil {
		s.restore()
		return nil, err
	}
	return s, nil
}

// sigset returns the set that holds sig alone. Its words are 64 bits wide
// on 64-bit machines and 32 elsewhere: hence the arithmetic on Sizeof.
func sigset(sig syscall.Signal) unix.Sigset_t {
	var set unix.Sigset_t
	bits := int(unsafe.Sizeof(set.Val[0])) * 8
	bit := int(sig) - 1
	set.Val[bit/bits] |= 1 << (bit % bits)
	return set
}

// readable is the loop waiter: one siginfo per readiness. The fd stays
// readable while more are pending: the loop calls again. A read of a
// signalfd returns whole siginfos only, so one that succeeds filled s.info.
func (s *SignalFD) readable() {
	buf := unsafe.Slice((*byte)(unsafe.Pointer(&s.info)), unsafe.Sizeof(s.info))
	_, err := unix.Read(s.fd, buf)
	switch {
	case err == unix.EAGAIN || err == unix.EINTR:
		return
	case err != nil:
		s.loop.ReportError(fmt.Errorf("signals: reading the signalfd of %s: %w", unix.SignalName(s.sig), os.NewSyscallError("read", err)))
		return
	}
	s.fn(s.info)
}

// Thread returns the thread id (gettid) a signal must be sent to, with
// tgkill, for the SignalFD to hear it.
func (s *SignalFD) Thread() int { return s.tid }

// Close stops reading the signalfd and closes it, unblocks the signal on
// the thread (a pending one is then delivered the usual way), and unlocks
// the goroutine from the thread. Loop goroutine only. Close is idempotent.
func (s *SignalFD) Close() error {
	if s.fd < 0 {
		return nil
	}
	s.loop.RemoveReader(s.fd)
	return s.restore()
}

// restore undoes HandleFD: the fd, the mask, the lock.
func (s *SignalFD) restore() error {
	var err error
	if s.fd >= 0 {
		err = unix.Close(s.fd)
		s.fd = -1
	}
	if merr := unix.PthreadSigmask(unix.SIG_SETMASK, &s.old, nil); err == nil && merr != nil {
		err = os.NewSyscallError("pthread_sigmask", merr)
	}
	runtime.UnlockOSThread()
	return err
}
