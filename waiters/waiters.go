package waiters

import (
	"fmt"
	"strings"
)

// Events says which directions of an fd have a waiter: Readable, Writable,
// both (Readable|Writable) or neither (0). The loop hands it to its poller
// as the events to wait for on that fd; loop.Events is this type.
type Events uint8

// The two directions.
const (
	Readable Events = 1 << iota
	Writable
)

// String returns "Readable", "Writable", "Readable|Writable" or "0".
func (ev Events) String() string {
	var parts []string
	if ev&Readable != 0 {
		parts = append(parts, "Readable")
	}
	if ev&Writable != 0 {
		parts = append(parts, "Writable")
	}
	if rest := ev &^ (Readable | Writable); rest != 0 {
		parts = append(parts, fmt.Sprintf("Events(%#x)", uint8(rest)))
	}
	if len(parts) == 0 {
		return "0"
	}
	return strings.Join(parts, "|")
}

// A Waiter is the function to call when its fd is ready, with the
// generation it was added in.
//
// The generation tells a stale wake-up from a current one. The loop notes
// the generation of each waiter it queues after a poll; when its turn comes,
// the loop calls it only if the fd still has a waiter of that generation. A
// waiter removed by an earlier callback of the same iteration, or replaced
// (perhaps by the waiter of a new fd that reused the number), has another
// generation or none, so the stale event is dropped.
//
// Generations are handed out by a Set, starting at 1 and growing by one with
// every add, readers and writers alike, so no two waiters of a Set share
// one, and 0 never names a waiter.
type Waiter struct {
	Func func()
	Gen  uint64
}

// A Set holds the read and write waiters of every fd: at most one reader and
// one writer per fd, and from them the Events of each fd, which the loop
// keeps its poller in sync with.
//
// The zero Set is empty and ready to use. A Set is not safe for concurrent
// use: the loop goroutine owns it.
//
// Discussion: the waiters are kept in slices indexed by fd rather than in Go
// maps. File descriptors are small integers and the kernel hands out the
// lowest free one, so the slices are dense; indexing one costs a bounds
// check, where a map costs a hash and a probe, on every event. The price is
// memory for the highest fd ever seen (a Waiter is 16 bytes, so 100,000 fds
// cost 1.6 MB per direction) and the slices never shrink. libuv makes the
// same choice (its loop->watchers array is indexed by fd).
type Set struct {
	readers []Waiter // readers[fd].Func == nil: fd has no reader
	writers []Waiter // writers[fd].Func == nil: fd has no writer
	count   int      // number of waiters, readers and writers together
	gen     uint64   // the last generation handed out
}

// New returns an empty Set.
func New() *Set { return &Set{} }

// AddReader makes fn the reader of fd, replacing any reader it had (as
// asyncio's add_reader does), and returns the new waiter's generation.
// O(1), amortized over the growth of the slices.
//
// fd must not be negative and fn must not be nil: both panic, since the
// loop checks its arguments before it gets here.
func (s *Set) AddReader(fd int, fn func()) uint64 { return s.add(&s.readers, fd, fn) }

// AddWriter makes fn the writer of fd, replacing any writer it had, and
// returns the new waiter's generation. Its cost and panics are those of
// AddReader.
func (s *Set) AddWriter(fd int, fn func()) uint64 { return s.add(&s.writers, fd, fn) }

// RemoveReader removes the reader of fd and reports whether there was one.
// O(1). Any fd is accepted: one the Set never saw has no reader.
func (s *Set) RemoveReader(fd int) bool { return s.remove(s.readers, fd) }

// RemoveWriter removes the writer of fd and reports whether there was one.
// O(1).
func (s *Set) RemoveWriter(fd int) bool { return s.remove(s.writers, fd) }

// Reader returns the reader of fd and true, or the zero Waiter and false if
// fd has none. O(1).
func (s *Set) Reader(fd int) (Waiter, bool) { return get(s.readers, fd) }

// Writer returns the writer of fd and true, or the zero Waiter and false if
// fd has none. O(1).
func (s *Set) Writer(fd int) (Waiter, bool) { return get(s.writers, fd) }

// Events returns the directions of fd that have a waiter. O(1).
func (s *Set) Events(fd int) Events {
	var ev Events
	if _, ok := s.Reader(fd); ok {
		ev |= Readable
	}
	if _, ok := s.Writer(fd); ok {
		ev |= Writable
	}
	return ev
}

// Len returns the number of waiters, readers and writers together. O(1).
// The loop reads it to know whether anything still waits for I/O.
func (s *Set) Len() int { return s.count }

// FDs returns, in increasing order, the fds that have a reader and those
// that have a writer. It is for showing the maps (loopkit trace --step),
// not for the hot path: it walks every slot.
func (s *Set) FDs() (readers, writers []int) {
	return fdsOf(s.readers), fdsOf(s.writers)
}

func fdsOf(list []Waiter) []int {
	var fds []int
	for fd, w := range list {
		if w.Func != nil {
			fds = append(fds, fd)
		}
	}
	return fds
}

// add is AddReader and AddWriter; list is s.readers or s.writers.
func (s *Set) add(list *[]Waiter, fd int, fn func()) uint64 {
	if fd < 0 {
		panic(fmt.Sprintf("waiters: negative fd %d", fd))
	}
	if fn == nil {
		panic(fmt.Sprintf("waiters: nil waiter function for fd %d", fd))
	}
	if fd >= len(*list) {
		// Grow in one step to fd+1; append's doubling keeps a run of
		// rising fds amortized O(1).
		*list = append(*list, make([]Waiter, fd+1-len(*list))...)
	}
	if (*list)[fd].Func == nil {
		s.count++
	}
	s.gen++
	(*list)[fd] = Waiter{Func: fn, Gen: s.gen}
	return s.gen
}

// remove is RemoveReader and RemoveWriter.
func (s *Set) remove(list []Waiter, fd int) bool {
	if fd < 0 || fd >= len(list) || list[fd].Func == nil {
		return false
	}
	list[fd] = Waiter{}
	s.count--
	return true
}

// get is Reader and Writer.
func get(list []Waiter, fd int) (Waiter, bool) {
	if fd < 0 || fd >= len(list) || list[fd].Func == nil {
		return Waiter{}, false
	}
	return list[fd], true
}
