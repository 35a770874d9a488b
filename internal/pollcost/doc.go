// Package pollcost measures what one iteration of a loop costs with idle
// fds watched: the figure behind the poll-cost chart of loopkit compare.
//
// The loop watches idle UDP sockets (one fd each, never readable) and one
// socket that is always readable, so that every poll returns at once with
// one event: the iteration does no work but the poll, and the poll's cost
// is what grows, or not, with the idle fds. select and poll hand the
// kernel every watched fd on every call, so their cost grows with idle;
// epoll, kqueue and uring hand it only the changes, so theirs stays flat.
//
// loopkit compare measures the kit's backends with it, and tutorial step
// 03 (-pollcost) the poller a student wrote, so that compare --yours draws
// the two measured the same way. The caller makes the loop, on the poller
// it wants measured; Measure only adds the fds and times the iterations.
package pollcost
