// Package coroutines lets code written in the blocking style (read, then
// write, then sleep) run on the loop, as gevent does for Python: each
// coroutine is a goroutine that runs only while the loop has handed it
// control.
//
// # The problem
//
// Callbacks (package callbacks) and protocol objects (package protocol)
// turn a program inside out: "read a line, then answer it" becomes a
// function that the loop calls when bytes arrive, plus state to remember
// how far the line got. Blocking code keeps its shape, but a blocking call
// stops a thread, and the loop has one. Green threads square the circle:
// the call looks blocking to its caller, but underneath it registers a
// waiter with the loop and steps aside, and the loop resumes it when what
// it waits for has happened. gevent does that with greenlets; Go offers a
// library one kind of coroutine, iter.Pull, and this package builds on it.
//
// # A coroutine, and the hand-off
//
// A Coroutine is a goroutine with a rule: it runs only while the loop
// goroutine waits for it. Control passes through iter.Pull: the loop calls
// the coroutine's next, which runs it until it calls yield:
//
//	loop goroutine                          coroutine's goroutine
//	--------------                          ---------------------
//	a callback resumes it:
//	  co.next()   ──────────────────▶       yield returns: it runs
//	  (waits)                               ... until it would block:
//	                                        registers a waiter (AddReader,
//	                                        CallLater, a queue's wait list)
//	  next returns,             ◀───────    co.yield(struct{}{})
//	  the callback returns                  (waits)
//	the loop goes on: polls,
//	runs other callbacks; the
//	waiter the coroutine left
//	fires and resumes it again
//
// Tutorial step 07 builds the same hand-off from two unbuffered channels,
// in the open; iter.Pull has the runtime do it (runtime.coroswitch), giving
// its thread from one goroutine to the other directly, which costs about
// a third as much (docs/coroutines.md measures both).
//
// Parking is the coroutine's half (park in park.go), resuming the loop's
// (Hub.resume), and wake joins them: a waiter calls it, and it queues the
// resume on the loop's ready queue with CallSoon. An fd's waiter does not
// even queue: it resumes the coroutine in its own turn (resumeNow), since
// the loop is already running callbacks. Read park.go first: the rest of
// the package is built on its few functions.
//
// Exactly one of {the loop goroutine, one coroutine} runs at any moment.
// Each hand-off orders memory as a lock would, so a coroutine may call the
// loop's methods (AddReader, CallLater, CallSoon) directly: the loop
// goroutine is parked inside the callback that resumed it, and will see
// what the coroutine did when it takes control back.
//
// # How a blocking call knows its coroutine
//
// The Go way: a context. Every coroutine's function is
// func(ctx context.Context) error, and its ctx carries the coroutine
// (ctx.Value). Every blocking call takes ctx first, finds the coroutine in
// it, and parks that one:
//
//	coroutines.Sleep(ctx, time.Second)
//	v, err := q.Get(ctx)
//	n, err := conn.Read(ctx, buf)
//	err = co.Join(ctx)
//
// A call given a context that is not the running coroutine's (one made
// outside any coroutine, or another coroutine's) fails with an error
// naming the call, ErrOutsideCoroutine.
//
// The same ctx carries cancellation. Kill cancels it with cause ErrKilled;
// WithTimeout derives one that a loop timer cancels with a *TimeoutError.
// Every blocking call is a retry loop: try the operation; if it would
// block, register a waiter and park; on waking, check ctx, then try again.
// So a wake-up for nothing is harmless, and a cancelled ctx ends the wait
// with its cause.
//
// # What one-at-a-time buys, and what it costs
//
// Between two blocking calls a coroutine runs alone: no other coroutine
// and no callback can see a half-made change. Shared state needs no mutex:
//
//	balance[from] -= amount // no coroutine can run between these lines...
//	balance[to] += amount
//	err := conn.Write(ctx, receipt) // ...but one can run here
//
// A Lock is for the rare critical section that itself blocks. Runs are
// also deterministic: the loop's ready queue is FIFO, timers with equal
// deadlines fire in the order they were set, and so the same events give
// the same interleaving, run after run (the tests assert whole traces).
//
// The cost is the hand-off: two goroutine switches, one each way, plus the
// loop iteration (one poll system call) that runs the resume. Measured on a
// 2-core AMD EPYC VM, Linux, Go 1.26, with
//
//	go test -run '^$' -bench 'PingPong|HandOff' -benchmem -count 5 ./coroutines/
//
// median of five runs:
//
//	a round trip over two unbuffered channels     296 ns   1x
//	one park and resume (HandOff/park, epoll)     209 ns   0.7x
//	a loop iteration, epoll (HandOff/iteration)   302 ns
//	Sleep(ctx, 0) round trip, epoll               645 ns   2.2x
//	Sleep(ctx, 0) round trip, poll                738 ns   2.5x
//	Sleep(ctx, 0) round trip, select             1032 ns   3.5x
//	Event Set/Wait round trip, epoll             1057 ns   3.6x
//	Event Set/Wait round trip, poll              1332 ns   4.5x
//	Event Set/Wait round trip, select            1780 ns   6x
//
// A park and resume is cheaper than a channel round trip because iter.Pull
// switches without the scheduler; over channels (tutorial step 07's way)
// it cost 551 ns in the same run. Of its 209 ns, the two switches alone
// (HandOff/switches: iter.Pull with nothing around it) are about 70; the
// rest is the kit's bookkeeping. In a server with a thousand connections
// both cost several times as much: between two wake-ups of a coroutine the
// loop serves the others, and its goroutine, stack and state have left the
// cache (docs/coroutines.md measures it). Two Sleep(ctx, 0) yields share
// one loop iteration; an Event round trip needs two (the Set queues the
// resume for the next one) and allocates a wait-list entry per Wait. A loop
// that does real I/O pays its poll call anyway, so in a server the hand-off
// is what the coroutine style adds.
//
// Production does it in the same ballpark, or with no switch at all.
// gevent switches greenlets by copying C stacks, in well under a
// microsecond, and makes two switches per wake-up, as the kit does: the
// greenlet that blocks switches to the hub, the hub to the next greenlet.
// Go's own net package has no second goroutine to switch to:
// its netpoller parks the goroutine that called Read (runtime.gopark) and
// the scheduler runs it again when the fd is ready.
//
// # Timeouts and cancellation
//
// A timeout is a context: ctx, cancel := coroutines.WithTimeout(ctx, d),
// or the helper coroutines.Timeout(ctx, d, fn), gevent's
// `with Timeout(d):` block. The deadline is a loop timer (never a runtime
// timer), so it is one of the things the loop's single poll waits for, and
// a fake clock (timers.Fake) moves it. Timeouts nest: the inner one firing
// first fails the call with its own *TimeoutError (errors.Is(err,
// ErrTimeout); errors.Is(err, context.Cause(tctx)) says which), and the
// outer one still applies afterwards.
//
// When the kit cancels a context itself (Kill, a WithTimeout timer), it
// wakes the parked coroutine directly, from the loop goroutine, through the
// ready queue: the same run every time. A context the kit did not make
// (context.WithCancel of a coroutine's context, cancelled by your code) is
// watched with context.AfterFunc while the coroutine parks: the wake-up
// comes from another goroutine through CallSoonThreadSafe, which is
// correct, but later and less predictable. Derive from the kit's contexts
// when you can. A context.WithTimeout is a runtime timer the loop cannot
// see: use WithTimeout.
//
// # gevent, in this package's words
//
//	gevent                          coroutines
//	------                          ----------
//	gevent.get_hub()                NewHub(loop), one per loop
//	gevent.spawn(fn)                hub.Spawn(fn), Spawn(ctx, fn)
//	gevent.spawn_later(s, fn)       hub.SpawnLater(d, fn), SpawnLater(ctx, d, fn)
//	g.value, g.get()                SpawnValue(ctx, fn) -> Task[T]: Result(), Get(ctx)
//	g.join(), gevent.joinall(gs)    co.Join(ctx), JoinAll(ctx, cos...)
//	g.kill(block=False)             co.Kill(); then co.Join(ctx) to wait
//	gevent.killall(gs)              KillAll(cos...)
//	GreenletExit                    ErrKilled
//	g.link(fn)                      co.Link(fn)
//	gevent.sleep(s), sleep(0)       Sleep(ctx, d), Sleep(ctx, 0)
//	with Timeout(s): ...            Timeout(ctx, d, fn), WithTimeout(ctx, d)
//	gevent.Timeout exception        *TimeoutError, ErrTimeout
//	queue.Queue(maxsize)            NewQueue[T](size): Put, Get, TryPut, TryGet
//	event.Event                     Event: Set, Clear, Wait(ctx)
//	event.AsyncResult               AsyncResult[T]: Set, SetError, Get(ctx)
//	lock.(Bounded)Semaphore         Semaphore, BoundedSemaphore
//	lock.Lock                       Lock (not reentrant, like sync.Mutex)
//	pool.Pool(n)                    NewPool(n): Spawn(ctx, fn) parks when full
//	pool.map, imap_unordered        Map(ctx, pool, in, fn), MapUnordered (an iterator)
//	pool.Group                      Group: Spawn, Add, Join, Kill
//	hub.run / LoopExit              hub.Run(), hub.RunUntil(co) / *DeadlockError
//
// # Deadlock detection
//
// When the loop has nothing left to wait for (no fd waiters, no timers,
// nothing ready) yet coroutines are still parked (on a queue nobody will
// put to, an event nobody will set, a lock nobody will unlock), nothing can
// ever wake them. The hub registers a check with loop.AddExitCheck, so Run
// then returns a *DeadlockError (errors.Is(err, ErrDeadlock)) naming each
// coroutine, what it waits on, and the line that parked it:
//
//	coroutines: deadlock: 1 coroutine parked: writer(alice) on Queue.Get (example_test.go:123)
//
// (That is ExampleDeadlockError's report: a writer waits on a queue nobody
// will put to.)
// Finding the line costs nothing until a deadlock happens: the check
// resumes each stuck coroutine for a moment, with a flag that makes it
// read its own stack (runtime.Callers) and park again. A park records
// nothing. gevent raises LoopExit in the same situation; Go's runtime says
// "all goroutines are asleep - deadlock!" and dies.
//
// A deadlocked coroutine's goroutine is still there, waiting to be
// resumed. Hub.Close kills every coroutine left and waits for their
// goroutines to return: call it before closing the loop, after a deadlock
// or whenever a program leaves coroutines behind.
//
// # Panics, errors and stalls
//
// A panic in a coroutine is recovered on the coroutine's goroutine (the
// loop's own recover cannot reach it) and reported to the loop's error
// handler as a *loop.PanicError naming the coroutine, with its stack. The
// coroutine ends with that error (Join returns it); the loop and the other
// coroutines go on.
//
// An error a coroutine's function returns is its result, for whoever waits
// for it. If nobody does, it is reported to the loop's error handler too,
// naming the coroutine, as gevent prints a greenlet's failure: when the
// coroutine ends, unless by then a Join or a JoinAll has begun to wait for
// it, a Link was registered, or it belongs to a Group or a Pool. A Task's
// error is kept for Get and never reported. A coroutine that was killed
// has not failed: its ErrKilled is not reported. So wait for the
// coroutines whose errors you mean to handle before they can end: JoinAll
// or a Group, rather than one Join after another.
//
// A coroutine that blocks (time.Sleep, a lookup, a long computation)
// blocks the loop, as a callback would. Each time a coroutine takes
// control, it tells the loop so (loop.Loop.RunningOn): the loop's watchdog
// (loop.WithWatchdog) then names the coroutine and the line of its code
// that blocks, from the coroutine's own stack, rather than the hub's
// callback that waits for it.
//
// # What to read next
//
// park.go (the hand-off), hub.go, coroutine.go, then the toolkit, one file
// each: sleep.go, timeout.go, kill.go, join.go, queue.go, event.go,
// asyncresult.go, semaphore.go, lock.go, group.go, pool.go, and the shared
// wait list, waitqueue.go. Then the sockets: conn.go (a TCP connection
// whose Read parks the coroutine), conn_waiter.go (how an fd wakes a
// coroutine), listen.go, dial.go, udp.go, and netconn.go, which makes a
// Conn a net.Conn so that Go's own libraries (bufio, tls, http) run on the
// loop.
//
// # Where not to add things
//
// The hand-off belongs in park.go and nowhere else: a new kind of wait is
// a waiter that calls wake, plus a retry loop around park, in a file of
// its own (as queue.go and conn_waiter.go are). The loop knows nothing of
// coroutines and should not learn: the hub's only hooks into it are
// CallSoon, CallLater, AddExitCheck, ReportError and RunningOn.
package coroutines
