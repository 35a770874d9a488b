// Package waiters is the loop's table of who waits for which fd: for every
// file descriptor, the function to call when it is readable and the one to
// call when it is writable.
//
// # The problem
//
// A poll call answers in fds: "fd 7 is readable, fd 9 is writable". The
// loop must turn each answer into a call of the code that was waiting for
// it, and it must tell the poller which fds to watch, for which direction.
// A Set does both jobs: it maps an fd to its read waiter and its write
// waiter, and from them it derives the fd's Events, the directions the
// poller should watch.
//
// # One reader and one writer per fd
//
// An fd has at most one reader and at most one writer. Adding a second
// reader replaces the first, as asyncio's add_reader does: two readers of
// one socket would both wake for the same bytes, one would get them and
// the other only EAGAIN, and which one won would depend on the order of
// calls, not on what the program meant. A front end in which several
// parties wait for one fd (two coroutines writing to one socket) queues
// them itself and installs one waiter that serves the queue. Keeping the
// rule here makes Events a plain function of the table: Readable if fd has a
// reader, Writable if it has a writer.
//
// # Generations: stale events and fd reuse
//
// One poll call reports many fds, and the loop runs their waiters one after
// another. An earlier callback can change the table under a later event: it
// removes fd 9's reader, or closes fd 9, and the next accept() or socket()
// gets 9 again (the kernel hands out the lowest free number), and a new
// reader is added for the new fd 9. The event that said "9 is readable"
// was about the old fd; calling the new reader for it would be a stale
// wake-up: a read that finds nothing, or worse, a callback run for an
// event that never happened to its fd.
//
// So every waiter carries a generation, a number the Set hands out from a
// counter on every add and never reuses. The loop notes the generation
// with each event it queues and, right before it calls the waiter, checks
// that the fd still has a waiter of that generation. A removed waiter has
// none; a replaced one has a newer one. Either way the event is dropped,
// which is safe: readiness is level-triggered, so if the new fd 9 is ready
// too, the next poll says so again.
//
// # Slices indexed by fd
//
// The table is two slices, readers and writers, indexed by fd, not Go maps.
// Fds are small, dense integers, so a slice lookup is a bounds check where
// a map lookup is a hash and a probe, and it happens on every event. libuv
// keeps its watchers the same way. The cost is memory up to the highest fd
// seen; see Set's Discussion.
//
// # How the poller learns of changes
//
// The Set only records; it makes no syscall. The loop applies each change
// of an fd's interest to its poller as it happens: after AddReader,
// RemoveWriter and the like it calls the poller's Register with the fd's
// new Events. What that costs depends on the backend. select and poll
// keep no state in the kernel: they rebuild their fd sets (an fd_set
// bitmap, a pollfd array) from the registered interest on every Wait, so a
// change costs nothing until then and every Wait costs time in proportion
// to the number of fds watched. epoll and kqueue keep the interest in the
// kernel: each change is one syscall (epoll_ctl, kevent), and a Wait costs
// time in proportion to the number of fds ready, not watched.
//
// # Where things go
//
// A Set holds functions and numbers; it does not know what an fd is, never
// calls a waiter and never touches the poller. Checking an fd (select's
// FD_SETSIZE, a closed fd), registering with the poller and calling
// waiters belong to package loop. Read package timers next, the loop's
// other table, then package loop, whose RunOnce queues the waiters of
// ready fds after every poll.
package waiters
