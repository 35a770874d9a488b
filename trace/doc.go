// Package trace records what a loop and its coroutines do and draws it as
// a sequence diagram: the talk's "language of diagrams", in which a team
// explained to each other "how the flow of control moves between
// greenlets, how they block and how they signal each other", drawn from a
// real run instead of a whiteboard.
//
// # What is recorded
//
// A Recorder is both a loop.Observer and a coroutines.Observer. It writes
// down, as Events, each step the loop takes and each hand-off between the
// loop and a coroutine:
//
//   - an iteration starts; the loop enters poll (with its timeout and the
//     fds it watches) and poll returns (with the fds that are ready);
//   - a callback runs: a CallSoon callback, or the reader or writer of a
//     ready fd, with the name of its function; a timer fires, with its
//     deadline and how late it is;
//   - the loop resumes a coroutine (the first time, it starts); the
//     coroutine parks, saying what it waits on, or finishes;
//   - lines of the program's own (Note), such as what it prints.
//
// fds are named by what they are and in the order they appear ("listener",
// "conn#1", "pipe#1"), and times are counted on the loop's clock from when
// the recorder was attached, so that with a fake clock (timers.Fake) a run
// records the same events every time, whatever numbers the kernel handed
// out. The loop's own wake-up fd, which is no waiter, is "wake".
//
// # How it is drawn
//
// WriteText draws the events for a terminal, SVGPages for documents and
// projectors, in pages a screen of 1080 lines shows whole: a lane
// (column) for the loop, one for each fd whose callbacks run, one for
// each coroutine; arrows from the loop to the callback it runs or the
// coroutine it resumes, and from a coroutine back to the loop when it
// parks. The two differences between the styles of
// the kit show at a glance: a callback runs on the loop's stack and
// returns to it (one arrow, no way back), while a coroutine keeps its own
// stack between a park and a resume (its lane stays, waiting).
//
// Package scenarios (trace/scenarios) runs the kit's examples on a traced
// loop; `loopkit trace` draws them, and docs/diagrams holds the drawings.
//
// # Where not to add things
//
// The recorder only records; what a loop or a coroutine does belongs to
// packages loop and coroutines, which tell it through their observer
// interfaces. A new kind of event begins there, as a new observer method,
// and ends here as a Kind.
package trace
