package callbacks

import (
	"sync"

	"github.com/loopkit/loopkit/loop"
)

// readBufferSize is the size of the read buffer every loop shares among its
// connections: 64 KiB, the largest a UDP datagram can be, and enough that a
// TCP read rarely leaves bytes behind for the next iteration.
const readBufferSize = 64 << 10

// A shared is what all the connections, listeners and packet conns of one
// loop share: the read buffer, and the queue of callbacks to call later.
//
// One read buffer per loop is enough, because a loop runs one callback at a
// time: a read fills the buffer, the user's callback sees it, and only when
// the callback has returned can the next read (of any connection) reuse it.
// That is why the data given to a read callback is valid only during the
// call. A buffer per connection would cost 64 KiB for each of ten thousand
// idle connections; a buffer allocated per read would cost the garbage
// collector on every event.
//
// Discussion: the loop knows nothing of sockets (and should not), so it has
// no place to keep a buffer for us. We keep one per loop in a map, counted:
// each Listener, Conn and PacketConn takes a reference while it is open and
// drops it when it closes, and the last one out removes the entry, so a
// program that makes many loops does not keep their buffers alive. The map
// is looked up once per connection, not per event: a Conn keeps its *shared.
type shared struct {
	// Set by acquire, then read-only.
	loop     *loop.Loop
	runCalls func() // s.run, made once so that queueing it does not allocate

	// Owned by the loop goroutine.
	buf    []byte
	calls  []call // to call in the next run phase, in order
	spare  []call // the previous batch, kept for reuse
	queued bool   // run is on the loop's ready queue

	// Guarded by registryMu.
	users int
}

// A call is a callback queued by callLater with its argument.
type call struct {
	fn  func(error)
	err error
}

var (
	registryMu sync.Mutex // guards registry and every shared's users
	registry   = make(map[*loop.Loop]*shared)
)

// acquire returns the shared state of l, making it if l has none, and counts
// one more user. Each acquire is paired with one release.
func acquire(l *loop.Loop) *shared {
	registryMu.Lock()
	defer registryMu.Unlock()
	s := registry[l]
	if s == nil {
		s = &shared{loop: l, buf: make([]byte, readBufferSize)}
		s.runCalls = s.run
		registry[l] = s
	}
	s.users++
	return s
}

// release drops one user; the last one removes l's entry. Calls already
// queued still run: the queued s.run keeps s alive until then.
func (s *shared) release() {
	registryMu.Lock()
	defer registryMu.Unlock()
	s.users--
	if s.users == 0 && registry[s.loop] == s {
		delete(registry, s.loop)
	}
}

// callLater queues fn(err) to run in the loop's next run phase, after what is
// queued already. It is how callbacks are told of what happened inside a call
// of theirs (a Write that completed at once, a Close): never from inside that
// call, where the caller's state may be half-changed, always from the loop.
//
// All calls of a loop go through one queue, drained by one loop callback, so
// queueing the done of a Write costs an append, not a closure and a CallSoon.
func (s *shared) callLater(fn func(error), err error) {
	s.calls = append(s.calls, call{fn, err})
	if !s.queued {
		s.queued = true
		s.loop.CallSoon(s.runCalls)
	}
}

// run calls the queued callbacks, as they stood when it began; those queued
// meanwhile wait for the next run phase, as the loop's own ready queue does.
// If one panics, the panic goes on to the loop, which reports it, and the
// deferred requeue puts the ones not yet called back at the head of the
// queue: a panic loses no one's callback.
func (s *shared) run() {
	s.queued = false
	batch := s.calls
	s.calls = s.spare[:0]
	s.spare = nil
	next := 0
	defer func() {
		if next < len(batch) {
			s.requeue(batch[next:])
			return
		}
		clear(batch)
		s.spare = batch[:0]
	}()
	for next < len(batch) {
		c := batch[next]
		next++
		c.fn(c.err)
	}
}

// requeue puts calls back in front of those queued since. Only a panic gets
// here, so it may allocate.
func (s *shared) requeue(calls []call) {
	s.calls = append(append([]call(nil), calls...), s.calls...)
	if !s.queued {
		s.queued = true
		s.loop.CallSoon(s.runCalls)
	}
}
