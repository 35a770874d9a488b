// Package uring sets up an io_uring by hand, over golang.org/x/sys/unix:
// the two rings a program shares with the Linux kernel, and the one system
// call, io_uring_enter, that both hands the kernel new requests and waits
// for finished ones.
//
// Every other poller of the kit answers "which fds are ready?": the
// program then makes each read or write itself, one system call per
// operation, plus the wait. io_uring answers "which operations are done?".
// The program writes requests (submission queue entries, SQEs: "read fd 7
// into this buffer", "tell me when fd 9 is writable") into a ring it shares
// with the kernel, and the kernel writes one completion (a CQE: the
// request's user_data and its result, as a system call would return it)
// into a second ring when each request is done. Both rings are plain
// memory, mapped into the process with mmap; io_uring_enter is needed only
// to tell the kernel there is new work and to sleep until there are
// completions, and one call does both.
//
// # The rings, and who writes what
//
// Each ring is an array indexed by two free-running 32-bit counters, head
// and tail, taken modulo the ring's size (a power of two: index & mask).
// One side only ever writes the tail (it adds entries), the other only
// ever writes the head (it consumes them):
//
//   - submission queue: the program writes SQEs and moves the tail; the
//     kernel reads them during io_uring_enter and moves the head.
//   - completion queue: the kernel writes CQEs and moves the tail; the
//     program reads them and moves the head.
//
// The memory ordering is the whole difficulty, and it is the same on both
// rings: the producer fills the entry first and only then stores the new
// tail with release semantics, so that a consumer who loads the tail with
// acquire semantics and sees the new value also sees the entry's contents.
// The consumer reads the entry first and only then stores the new head
// with release semantics, so that the producer, loading the head with
// acquire semantics, never overwrites an entry still being read. Go's
// sync/atomic loads and stores are sequentially consistent, which is
// stronger than acquire and release: the kit uses them on the mapped
// words, and a plain load or store there would be a bug the race detector
// cannot see (the kernel's writes are not Go's).
//
// # What is simpler than production
//
// liburing, the C library, does the same work with a few more tricks: it
// batches head updates, maps both rings with one mmap where the kernel
// allows (IORING_FEAT_SINGLE_MMAP), and can register files and buffers so
// that the kernel skips a lookup per request. The kit maps the three areas
// one by one, moves the completion head one entry at a time, and registers
// nothing, so that each step can be read on its own.
//
// Read loop/poller_uring.go next, readiness through the ring, then
// examples/echo/completion, the same echo with the reads and writes
// themselves done by the kernel. Do not add a front end here: this package
// is the ring and nothing else.
package uring
