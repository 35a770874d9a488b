//go:build linux

package completion

import (
	"encoding/binary"
	"fmt"
	"net/netip"
	"os"
	"runtime"
	"sync"
	"time"

	"golang.org/x/sys/unix"

	"github.com/loopkit/loopkit/internal/sock"
	"github.com/loopkit/loopkit/internal/uring"
)

// A Server is a running completion echo server: one goroutine, one ring.
type Server struct {
	// set by Start, on the server's goroutine before it serves
	ring     *uring.Ring
	queues   Queues // the ring's submit and reap half
	listener int
	addr     netip.AddrPort
	wake     int // an eventfd: Close writes to it, a read request on the ring completes
	onError  func(error)
	ended    chan error // receives what ended serve
	stop     sync.Once

	// owned by the server goroutine
	conns    map[int]*conn
	inFlight int  // requests whose completion has not come back
	stopping bool // Close was called: cancel everything, accept nothing
	wakeBuf  [8]byte
	stats    Stats
}

// Stats counts what the server did, for tests and measurements.
type Stats struct {
	Enters       int // io_uring_enter calls: the server's system calls of I/O
	Completions  int
	PartialSends int // sends that moved only part of their bytes
}

// ringSize is the number of requests the submission ring holds between two
// io_uring_enter calls; completionSize is for one request per connection
// and more. Constants: they only tune speed (a full submission ring costs
// an extra io_uring_enter).
const (
	ringSize       = 1024
	completionSize = 8192
)

// Queues are the submit and reap half of a ring: what the server uses of
// a uring.Ring besides setting it up and closing it.
type Queues interface {
	NextSQE() *uring.SQE
	Enter(wait time.Duration) error
	Completion() (uring.CQE, bool)
}

// Start listens on addr and serves in a goroutine of its own until Close.
// onError receives what no client can be told (nil: standard error).
func Start(addr string, onError func(error)) (*Server, error) {
	return StartWith(addr, onError, func(r *uring.Ring) Queues { return r })
}

// StartWith is Start with the submit and reap half of the ring written
// elsewhere, over the ring's Queues and SubmitAndWait: tutorial step 16
// runs the server on the student's.
func StartWith(addr string, onError func(error), queues func(*uring.Ring) Queues) (*Server, error) {
	if onError == nil {
		onError = func(err error) { fmt.Fprintf(os.Stderr, "completion echo: %v\n", err) }
	}
	s := &Server{onError: onError, ended: make(chan error, 1), conns: make(map[int]*conn)}
	set := make(chan error, 1)
	go func() {
		// The kernel does the deferred part of a request (a recv woken
		// by data copies it) for the thread that submitted it. Locked to
		// one thread, the server submits, waits and does that work there,
		// in its own io_uring_enter (uring.NewOnThread); left to move, it
		// would wake whichever thread submitted, for each completion.
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		err := s.setUp(addr, queues)
		set <- err
		if err == nil {
			s.ended <- s.serve()
		}
	}()
	if err := <-set; err != nil {
		return nil, err
	}
	return s, nil
}

// setUp makes the ring, on the thread that will submit, listens, and
// prepares the first two requests: an accept, and a read of the wake-up
// fd that Close writes to.
func (s *Server) setUp(addr string, queues func(*uring.Ring) Queues) error {
	ring, err := uring.NewOnThread(ringSize, completionSize)
	if err != nil {
		return err
	}
	if s.listener, s.addr, err = sock.Listen(addr); err != nil {
		ring.Close()
		return err
	}
	if s.wake, err = unix.Eventfd(0, unix.EFD_CLOEXEC); err != nil {
		ring.Close()
		unix.Close(s.listener)
		return os.NewSyscallError("eventfd", err)
	}
	s.ring, s.queues = ring, queues(ring)
	s.accept()
	s.prepare(kindWake, s.wake, func(sqe *uring.SQE) { uring.PrepRead(sqe, s.wake, s.wakeBuf[:], 0) })
	return nil
}

// Addr returns the address the server listens on.
func (s *Server) Addr() string { return s.addr.String() }

// Close stops the server: it cancels every request, waits until each has
// come back (only then are the fds and buffers free), closes every
// connection, and returns what ended the server, nil if Close did.
func (s *Server) Close() error {
	var err error
	s.stop.Do(func() {
		var one [8]byte
		binary.NativeEndian.PutUint64(one[:], 1)
		unix.Write(s.wake, one[:])
		err = <-s.ended
	})
	return err
}

// Stats returns the counts; call it after Close.
func (s *Server) Stats() Stats { return s.stats }

// serve is the server's loop. It loops, doing:
//   - submit every request prepared since the last turn and wait for at
//     least one completion: one io_uring_enter;
//   - handle every completion there is, each preparing the next request of
//     its connection;
//
// until it is stopping and no request is left in flight. Then it closes
// the fds and the ring.
func (s *Server) serve() error {
	defer s.release()
	for !s.stopping || s.inFlight > 0 {
		s.stats.Enters++
		if err := s.queues.Enter(-1); err != nil {
			return err
		}
		for cqe, ok := s.queues.Completion(); ok; cqe, ok = s.queues.Completion() {
			s.stats.Completions++
			s.complete(cqe)
		}
	}
	return nil
}

// release closes what serve leaves: the listener, the wake-up fd and the
// ring. Every connection is closed by then (each closes when its last
// request comes back).
func (s *Server) release() {
	unix.Close(s.listener)
	unix.Close(s.wake)
	s.ring.Close()
}

// What a request is for, in the low byte of its user_data; the fd is in
// the bytes above.
const (
	kindAccept = iota + 1
	kindRecv
	kindSend
	kindWake
	kindCancel
)

// prepare writes one request for fd with fill, and counts it in flight.
func (s *Server) prepare(kind, fd int, fill func(*uring.SQE)) {
	sqe := s.queues.NextSQE()
	for sqe == nil { // the submission ring is full: hand it over first
		s.stats.Enters++
		s.queues.Enter(0) // an error comes back from serve's next Enter
		sqe = s.queues.NextSQE()
	}
	fill(sqe)
	sqe.UserData = uint64(fd)<<8 | uint64(kind)
	if kind != kindCancel {
		s.inFlight++
	}
}

// complete handles one completion: the request is back, and what it held
// (an fd, a buffer) is the program's again.
func (s *Server) complete(cqe uring.CQE) {
	kind, fd := int(cqe.UserData&0xff), int(cqe.UserData>>8)
	if kind != kindCancel {
		s.inFlight--
	}
	switch kind {
	case kindAccept:
		s.accepted(cqe.Res)
	case kindRecv:
		s.received(s.conns[fd], cqe.Res)
	case kindSend:
		s.sent(s.conns[fd], cqe.Res)
	case kindWake:
		s.stopAll()
	case kindCancel:
		// only a failed cancellation completes (SQESkipSuccess): the
		// request had finished already, and its own completion says so
	}
}

// accepted starts a new connection with a recv, and asks for the next
// connection, unless stopping.
func (s *Server) accepted(res int32) {
	switch {
	case res >= 0 && s.stopping:
		unix.Close(int(res)) // came in as the cancellation did
		return
	case res >= 0:
		s.open(int(res))
	case s.stopping:
		return
	case res != -int32(unix.ECONNABORTED):
		s.onError(fmt.Errorf("completion echo: accept: %w", os.NewSyscallError("accept4", unix.Errno(-res))))
	}
	s.accept()
}

// accept asks for the next connection on the listener.
func (s *Server) accept() {
	s.prepare(kindAccept, s.listener, func(sqe *uring.SQE) { uring.PrepAccept(sqe, s.listener, unix.SOCK_CLOEXEC, 0) })
}

// stopAll begins the end: no more accepts, and every request in flight
// cancelled. Each connection closes when its request comes back.
func (s *Server) stopAll() {
	s.stopping = true
	s.cancel(s.listener)
	for fd := range s.conns {
		s.cancel(fd)
	}
}

// cancel asks the kernel to cancel every request on fd. Its own completion
// is wanted only if it fails.
func (s *Server) cancel(fd int) {
	s.prepare(kindCancel, fd, func(sqe *uring.SQE) {
		uring.PrepCancelFD(sqe, fd, 0)
		sqe.Flags |= uring.SQESkipSuccess
	})
}
