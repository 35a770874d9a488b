// Package timers is the loop's timer heap and the clocks it reads: the part
// of an event loop that answers "what is due now?" and "how long may I
// sleep?".
//
// # The problem
//
// An event loop waits in one place, its poll call. Timers must not add a
// second place: no goroutine per timer, no time.Sleep, no time.AfterFunc.
// Instead the loop keeps every timer in one data structure and asks it two
// questions on each iteration. Before polling: when is the earliest
// deadline? That bounds the poll's timeout, so the loop wakes in time.
// After polling: which timers are due? Those are run. Schedule and Cancel
// happen at any moment in between, from callbacks.
//
// # Why a heap
//
// A Heap is a binary min-heap: a complete binary tree kept in a slice, in
// which every timer is due no later than its two children. The earliest
// timer is therefore always at the root, timers[0], and Peek is O(1).
// Schedule appends at the end and sifts the new timer up; PopDue takes the
// root and sifts the last timer down from there. Both touch one path from
// root to leaf, O(log n). A sorted list would make Peek as cheap but cost
// O(n) per Schedule; an unsorted one the reverse. Production loops make the
// same choice: libuv keeps its timers in a binary heap, asyncio in a heapq,
// Go's runtime in a 4-ary heap per P. (A hashed timing wheel, as in the
// Linux kernel and Netty, trades precision for O(1) at scale; the kit does
// not need that.)
//
// # Ties come out in scheduling order
//
// Two timers with the same deadline must fire in the order they were
// scheduled, or a program's output could change from run to run (the kit
// promises determinism wherever it can). A heap alone does not keep that
// order: a heap is not a stable sort. So each timer gets a sequence number
// from a counter in its Heap when it is scheduled, and the heap's order is
// (deadline, sequence number). No two timers share a sequence number, so
// the order is total and the output fully determined.
//
// # Cancel removes at once
//
// Most timers in a network program are timeouts that never fire: a read
// completes and its timeout is cancelled. Timer.Cancel removes a pending
// timer from the heap at once, in O(log n): every timer knows its index in
// the slice (the heap keeps it true on every swap), so it can be taken out
// of the middle without a search. libuv's uv_timer_stop does the same.
//
// Discussion: the other common design, lazy deletion, only marks a
// cancelled timer and drops it when it reaches the root. asyncio does
// that, and so does Go's runtime (it calls such timers zombies). Cancel is
// then O(1), but the heap holds dead entries that still cost memory and
// sift time, and Len and Peek no longer tell the truth; so both count
// their dead entries and rebuild or clean the heap when there are too many
// (asyncio past half the heap, Go's runtime past a quarter). The kit
// removes eagerly: it costs the same O(log n) that Schedule already pays,
// and it keeps Len equal to the number of live timers and Peek always on a
// live one, which makes the heap simpler to read and to test. A loop with
// a million timeouts cancelled per second might choose otherwise, and
// BenchmarkHeap shows what the eager removal costs.
//
// # A cancelled timer never runs
//
// The loop takes every due timer out with PopDue before it runs any of
// them, so that a callback that schedules a zero-delay timer cannot keep
// the loop in its timer phase forever. That opens a gap: timers A and B
// are both due, the loop pops both, runs A, and A cancels B. B is no
// longer in the heap, so Cancel cannot remove it; instead it marks B
// cancelled and reports true, since it did stop B. The loop then asks
// Timer.Fire for B's function right before it would run it, and Fire
// returns nil for a cancelled timer. Fire also marks a timer as fired, so
// a Cancel after that (say, B cancelling itself from its own callback)
// reports false: the timer did run. Every timer ends in at most one of the
// two states, and the promise holds even inside one iteration.
//
// # Beats of a periodic timer
//
// A periodic timer (loop.CallEvery) is a chain of one-shot timers: each
// run schedules the next. Where the next goes is the one decision, and
// NextBeat makes it: on the grid of beats the timer started with, never
// from the moment the loop got round to the run, so that lateness does
// not add up (drift); beats the loop was too late for are skipped and
// counted, not run in a burst. package loop's Periodic tells why.
//
// # Clocks
//
// The loop reads the time from a Clock, never from time.Now directly. Real
// is the machine's clock; its readings carry Go's monotonic reading, so
// setting the wall clock cannot fire a timer early or late.
//
// Fake is a clock that moves only when a test calls Advance. With it a
// test can schedule a timer for an hour from now and see it fire at once,
// exactly, on any machine. A loop on a Fake never sleeps for a timer: the
// deadline would never come by itself, since nothing but Advance moves the
// clock. So when the loop's clock is a Notifier (an optional interface,
// found by a type assertion), the loop's poll waits only for I/O or for a
// wake-up, and the loop registers that wake-up with Notify; Advance calls
// it, the loop wakes, reads the new time and runs what became due.
//
// # Where things go
//
// The heap knows nothing of fds, callbacks' errors or the ready queue: it
// orders deadlines. Running a timer, recovering its panic and reporting it
// belong to the loop; a new kind of clock belongs here only if it is a
// Clock. Read package waiters next, the loop's other table, then package
// loop, whose RunOnce asks the heap its two questions on every iteration.
package timers
