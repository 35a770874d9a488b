// Package looptest checks implementations of loopkit's interfaces against
// their contracts, as testing/fstest checks a file system and
// golang.org/x/net/nettest checks a net.Conn.
//
// An interface is only as good as the promise it makes, and a promise is
// only as good as the test that holds an implementation to it. loop.Poller
// has four implementations in package loop, and every student of the
// tutorials writes a fifth; each of them is checked by the same suite, the
// one in this package. Our own backends are its first users
// (loop/poller_test.go runs it on every backend of the OS), so a check that
// is too strict fails here first, and a check that is too weak is caught by
// known-wrong pollers (the tutorials' mutants), each of which must fail it.
//
// # What a pass proves, and what it does not
//
// TestPoller(t, newPoller) passes when, on this machine, a fresh poller from
// newPoller:
//
//   - accepts pipes and sockets, changes their events and drops them;
//   - reports an fd exactly when it is ready for an event it is registered
//     for, and only then, once per fd, level-triggered;
//   - waits as long as its timeout says: not at all for 0, at least (but not
//     much more than) a positive timeout, rounded up and never down to 0,
//     and until an fd is ready for a negative one; and goes on waiting for
//     the time left when a signal interrupts it (on Linux, where a check can
//     signal the one thread inside Wait);
//   - wakes both the reader and the writer of an fd whose peer is gone;
//   - forgets a dropped fd, even when its number comes back as a new file;
//   - handles hundreds of fds, and keeps what does not fit in ready for the
//     next Wait;
//   - refuses a negative fd and, if it implements loop.FDLimiter, any fd at
//     or above its limit, with an error that names the fd;
//   - releases its own fds on Close, leaves the caller's open, and fails
//     every later call with loop.ErrClosed.
//
// A pass does not prove speed (that is what benchmarks are for, and the kit
// never asserts one in a test), behaviour under load from many goroutines
// (a Poller belongs to one goroutine), or behaviour on another OS: the same
// poller can pass on Linux and fail on macOS, where sockets, pipes and the
// system calls differ in their details. Run the suite on every OS you
// support.
//
// # How the checks are run
//
// The checks are subtests in numbered stages ("1-Register", "2-Readiness",
// ...), each named for the behaviour it checks, so that
//
//	go test ./loop -run 'TestPoller/epoll/2-Readiness/NotReadableWhenEmpty' -v
//
// runs one of them. A stage runs only if the stages before it passed;
// otherwise it is skipped with "finish stage N first", so that a learner
// meets one problem at a time.
//
// Every call into the implementation runs under a watchdog: a call that
// never returns fails its check with a message that names the call and what
// should have ended it, instead of go test's panic ten minutes later. The
// bounds are generous, and the environment variable LOOPKIT_TIME_SCALE
// multiplies them on a slow machine (LOOPKIT_TIME_SCALE=3). A panic is
// recovered and reported for the one check it broke, with its stack; a
// course words its skeletons' placeholder panics its own way ("Wait is not
// implemented yet") with the option ExplainPanics.
//
// A failure says what was called, what came back, what was wanted and why,
// with a go-cmp diff where a list is compared, what was registered, and the
// command that runs the check alone:
//
//	Wait(0) = [{FD:7 Events:Readable}], want no events: nothing was written to the pipe
//	  diff (-want +got): ...
//	  registered: fd 7 (pipe read end) Readable
//	  reproduce: go test ./tutorials/03-select -run 'TestPoller/2-Readiness/NotReadableWhenEmpty' -v
//
// Each check makes its own fds (pipes and Unix socket pairs, never the
// network) and closes them, and its poller, when it ends.
//
// # What belongs here
//
// A suite for an interface of the kit, shaped like TestPoller, and the
// small helpers the suites share (the watchdog, the time scale, the
// reproduce line). Not here: tests of one implementation's own choices
// (they live beside it, as loop/poller_test.go's tests of select's
// FD_SETSIZE do), and helpers for the tutorials' steps
// (tutorials/internal/steptest).
package looptest
