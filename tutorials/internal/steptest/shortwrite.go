package steptest

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/loopkit/loopkit/tutorials/internal/todo"
)

// ShortWrite checks that a blocking echo writes back everything it reads
// even when the kernel cuts a write short. On a blocking socket that
// happens when a signal arrives while write(2) is blocked after some of the
// bytes went: write then returns the count so far (POSIX: "If write() is
// interrupted by a signal after it successfully writes some data, it shall
// return the number of bytes written"). Rare by chance, so the check makes
// it happen:
//
//  1. a client sends 128 KiB over a Unix socket pair, and reads nothing
//     yet; the server's send buffer is tiny, so echo soon blocks in write;
//  2. the check waits until echo's thread is blocked in a write that has
//     copied some of its bytes already (it counts the bytes on both
//     sockets, and reads a little to make a stuck write move), then sends
//     that thread a signal: that write returns short;
//  3. the client reads everything back, and must get all 128 KiB.
//
// Linux only (it reads /proc/self/task/TID/syscall and uses tgkill);
// skipped elsewhere.
func ShortWrite(t *testing.T, echo func(fd int) error) {
	t.Helper()
	if !canInterrupt {
		t.Skip("this check needs Linux: it watches one thread in /proc and signals it with tgkill")
	}
	if why := cannotInspect(); why != "" {
		t.Skipf("this check watches one thread in /proc/self/task, which cannot be read here: %s", why)
	}
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM, 0)
	if err != nil {
		t.Fatalf("socketpair: %v", err)
	}
	unix.CloseOnExec(fds[0])
	unix.CloseOnExec(fds[1])
	server, client := fds[0], fds[1]
	// Best effort: the kernel clamps both to its limits.
	unix.SetsockoptInt(server, unix.SOL_SOCKET, unix.SO_SNDBUF, 4096)
	unix.SetsockoptInt(client, unix.SOL_SOCKET, unix.SO_SNDBUF, 1<<20)

	sw := &shortWrite{t: t, server: server, client: client, bound: Scale(5 * time.Second)}
	defer sw.closeAll()
	sw.data = make([]byte, 128<<10)
	for i := range sw.data {
		sw.data[i] = byte(rand.Uint32())
	}
	sw.start(echo)
	sw.interrupt()
	sw.finish()
}

type shortWrite struct {
	t              *testing.T
	server, client int
	bound          time.Duration
	data, got      []byte

	tid         int
	echoDone    chan struct{} // closed when echo returned or panicked
	echoProblem string        // then: how it went wrong, or "" if it returned nil
	closed      bool

	// What the interrupted write had done, for the message.
	count, progress int
}

// start sends the client's bytes and runs echo on a thread of its own.
func (sw *shortWrite) start(echo func(fd int) error) {
	sw.t.Helper()
	sent := make(chan error, 1)
	go func() {
		err := writeFull(sw.client, sw.data)
		if err == nil {
			err = unix.Shutdown(sw.client, unix.SHUT_WR) // echo reads end of file after the data
		}
		sent <- err
	}()
	tids := make(chan int, 1)
	sw.echoDone = make(chan struct{})
	go func() {
		tids <- lockThread() // the thread ends with this goroutine
		var err error
		problem := todo.Catch(func() { err = echo(sw.server) })
		if problem == "" && err != nil {
			problem = fmt.Sprintf("Echo returned %v, want nil", err)
		}
		sw.echoProblem = problem
		close(sw.echoDone)
	}()
	sw.tid = <-tids
	select {
	case err := <-sent:
		if err != nil {
			sw.t.Fatalf("the client sending %d bytes: %v", len(sw.data), err)
		}
	case <-sw.echoDone:
		sw.fatalEcho()
	case <-time.After(sw.bound):
		sw.t.Fatalf("the client could not send %d bytes within %v: is Echo reading?", len(sw.data), sw.bound)
	}
}

// interrupt waits for a write of echo's that has copied some bytes and is
// blocked for room, and signals its thread.
func (sw *shortWrite) interrupt() {
	sw.t.Helper()
	for range 200 {
		count, ok := sw.blockedWrite()
		if !ok {
			return // echo returned: finish reports how
		}
		read := len(sw.data) - sw.mustQueued(sw.server)   // bytes echo has read
		written := sw.mustQueued(sw.client) + len(sw.got) // bytes echo has written
		progress := written - (read - count)              // of them, by this write call
		if progress > 0 && progress < count {
			sw.count, sw.progress = count, progress
			if err := interruptThread(sw.tid); err != nil {
				sw.t.Fatalf("tgkill: %v", err)
			}
			return
		}
		// This write has copied nothing yet: let some bytes out, so that
		// it moves, and look again.
		sw.readSome(1024)
	}
}

// blockedWrite waits until echo's thread is blocked in a write to the
// server socket, and returns the byte count asked of that write. ok is
// false if echo returned meanwhile.
func (sw *shortWrite) blockedWrite() (count int, ok bool) {
	sw.t.Helper()
	deadline := time.Now().Add(sw.bound)
	for time.Now().Before(deadline) {
		select {
		case <-sw.echoDone:
			return 0, false
		default:
		}
		if nr, args, in := threadSyscall(sw.tid); in && isWrite(nr) && int(args[0]) == sw.server {
			return int(args[2]), true
		}
		time.Sleep(200 * time.Microsecond)
	}
	sw.t.Fatalf("Echo did not block in a write to fd %d within %v, with the client not reading: is it writing back what it reads?",
		sw.server, sw.bound)
	return 0, false
}

// finish reads everything back and compares.
func (sw *shortWrite) finish() {
	sw.t.Helper()
	received := make(chan error, 1)
	go func() { received <- sw.readAll() }()
	select {
	case <-sw.echoDone:
		if sw.echoProblem != "" {
			sw.fatalEcho()
		}
	case <-time.After(sw.bound):
		sw.t.Fatalf("Echo did not return within %v of the client closing its end (got back %d of %d bytes)",
			sw.bound, len(sw.got), len(sw.data))
	}
	unix.Close(sw.server) // the client reads end of file
	sw.closed = true
	if err := <-received; err != nil {
		sw.t.Fatalf("the client reading the echo: %v", err)
	}
	if len(sw.got) == len(sw.data) && firstDifference(sw.got, sw.data) < 0 {
		return
	}
	interrupted := "no write could be caught in progress"
	if sw.count > 0 {
		interrupted = fmt.Sprintf("a signal interrupted Echo's write of %d bytes after %d of them had gone, "+
			"so that write returned %d: a short write", sw.count, sw.progress, sw.progress)
	}
	if len(sw.got) < len(sw.data) {
		sw.t.Fatalf("short write not finished: the client sent %d bytes and got back only %d (%d missing); %s. "+
			"WriteAll must call write again with the rest, until all of p is written",
			len(sw.data), len(sw.got), len(sw.data)-len(sw.got), interrupted)
	}
	i := firstDifference(sw.got, sw.data)
	sw.t.Fatalf("the echo differs from what was sent at byte %d of %d (got %d bytes back); %s",
		i, len(sw.data), len(sw.got), interrupted)
}

func (sw *shortWrite) fatalEcho() {
	sw.t.Helper()
	if sw.echoProblem == "" {
		sw.t.Fatalf("Echo returned before the client closed its end, with %d of %d bytes echoed", len(sw.got), len(sw.data))
	}
	sw.t.Fatalf("%s", sw.echoProblem)
}

// readSome reads up to n bytes the echo sent back.
func (sw *shortWrite) readSome(n int) {
	buf := make([]byte, n)
	k, err := unix.Read(sw.client, buf)
	if err != nil && err != unix.EINTR {
		sw.t.Fatalf("reading the echo: %v", err)
	}
	sw.got = append(sw.got, buf[:max(k, 0)]...)
}

// readAll reads the echo until end of file.
func (sw *shortWrite) readAll() error {
	buf := make([]byte, 64<<10)
	for {
		n, err := unix.Read(sw.client, buf)
		switch {
		case err == unix.EINTR:
		case err != nil:
			return err
		case n == 0:
			return nil
		default:
			sw.got = append(sw.got, buf[:n]...)
		}
	}
}

func (sw *shortWrite) mustQueued(fd int) int {
	n, err := queued(fd)
	if err != nil {
		sw.t.Fatalf("SIOCINQ on fd %d: %v", fd, err)
	}
	return n
}

// closeAll wakes and ends whatever is still blocked, and closes the fds.
func (sw *shortWrite) closeAll() {
	unix.Shutdown(sw.client, unix.SHUT_RDWR)
	if !sw.closed {
		unix.Shutdown(sw.server, unix.SHUT_RDWR)
		select {
		case <-sw.echoDone:
		case <-time.After(sw.bound):
			return // echo is stuck: leave its fd alone rather than close a number it may still use
		}
		unix.Close(sw.server)
	}
	unix.Close(sw.client)
}

// writeFull writes all of p to a blocking fd: the client's side, which
// must not be the thing under check.
func writeFull(fd int, p []byte) error {
	for len(p) > 0 {
		n, err := unix.Write(fd, p)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return err
		}
		p = p[n:]
	}
	return nil
}
