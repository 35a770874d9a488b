package examples

import (
	"errors"
	"fmt"
	"net/netip"
	"runtime"
	"time"

	"github.com/loopkit/loopkit/coroutines"
	"github.com/loopkit/loopkit/loop"
)

// A Program is a loop style of an example server, whole, on one loop: it
// makes its loop with run.LoopOptions, listens on run.Addr, tells
// run.Serving where it listens and how to stop, and runs the loop until
// stopped. Start calls it once per loop.
type Program func(run *Run) error

// A Run is what Start hands a Program on one loop.
type Run struct {
	// Addr is the address to listen on.
	Addr string
	// ReusePort is true when the program runs on more than one loop: each
	// loop's listener must then share the port (SO_REUSEPORT, the
	// ReusePort option of the front ends).
	ReusePort bool
	// LoopOptions are for loop.New: the Config's backend and error handler,
	// then its Hooks' LoopOptions.
	LoopOptions []loop.Option

	// Set by Start.
	hooks  Hooks
	served chan struct{} // closed by Serving
	ended  chan error    // receives the program's result, once

	// Set by Serving, before it closes served.
	loop   *loop.Loop
	addr   string
	onStop func()
}

// Serving tells the harness that the program listens on addr, on loop l,
// and how to stop it. (A listener on a path has the zero AddrPort for
// addr: the harness then names it by Run.Addr, "unix:PATH".) stop, which
// the harness calls on l's goroutine (l.CallSoonThreadSafe), must close
// the listener and every connection, so that nothing is left for l to
// wait for and l.Run returns. hub, if not
// nil, is the hub of the program's coroutines. Serving hands l and hub to
// the Hooks (OnLoop, OnHub). Call it once, on l's goroutine, before l runs.
func (r *Run) Serving(l *loop.Loop, hub *coroutines.Hub, addr netip.AddrPort, stop func()) {
	r.hooks.Made(l, hub)
	r.loop, r.addr, r.onStop = l, addr.String(), stop
	if !addr.IsValid() {
		r.addr = r.Addr // a Unix-domain socket: its path is its name
	}
	close(r.served)
}

// stop is what Close hands the loop: the program's stop.
func (r *Run) stop() { r.onStop() }

// closeWait is how long Close waits for a loop to run out of work after its
// server stopped. A healthy server's loop ends at once; one that does not
// has something left waiting (a leak), which Close reports before it stops
// the loop by force.
const closeWait = 5 * time.Second

// Start runs program on cfg.Loops loops (at least one), each on a goroutine
// of its own, and returns once each listens. With more than one loop each
// has an OS thread of its own (runtime.LockOSThread) and a poller of its
// own, and they all listen on the same port (Run.ReusePort), the kernel
// spreading connections among them: the n-to-m design of nginx's workers,
// Envoy, and gnet's multicore mode, inside one process.
//
// Discussion: with one loop the goroutine is not locked to its thread. A
// locked thread runs that goroutine and nothing else, so every switch to
// another goroutine (a coroutine of package coroutines is one) would wake a
// second thread; unlocked, Go's scheduler runs both on the same thread, and
// the switch is a goroutine switch.
func Start(cfg Config, program Program) (Server, error) {
	n := max(cfg.Loops, 1)
	var s loopsServer
	addr := cfg.Addr
	for i := range n {
		r, err := startLoop(cfg, program, addr, n > 1)
		if err != nil {
			s.Close()
			return nil, fmt.Errorf("loop %d of %d: %w", i+1, n, err)
		}
		s = append(s, r)
		addr = r.addr // the next loops listen on the port the first one got
	}
	return s, nil
}

// Loops returns a start function that runs program with Start: a loop
// style's entry in a program's Styles.
func Loops(program Program) func(Config) (Server, error) {
	return func(cfg Config) (Server, error) { return Start(cfg, program) }
}

// loopsServer is the Server of Start: its loops' Runs.
type loopsServer []*Run

// startLoop runs program on a goroutine of its own, locked to its thread
// if there are several loops, and returns once the program serves (or
// ended without).
func startLoop(cfg Config, program Program, addr string, several bool) (*Run, error) {
	r := &Run{Addr: addr, ReusePort: several, LoopOptions: cfg.Options(cfg.Backend, cfg.OnError),
		hooks: cfg.Hooks, served: make(chan struct{}), ended: make(chan error, 1)}
	go func() {
		if several {
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
		}
		r.ended <- program(r)
	}()
	select {
	case <-r.served:
		return r, nil
	case err := <-r.ended:
		if err == nil {
			err = errors.New("the program ended before it served")
		}
		return nil, err
	}
}

// Addr returns the address the loops listen on.
func (s loopsServer) Addr() string { return s[0].addr }

// Close stops the program of each loop, from the loop's goroutine, and
// waits for the programs to end.
func (s loopsServer) Close() error {
	for _, r := range s {
		if err := r.loop.CallSoonThreadSafe(r.stop); err != nil {
			return err
		}
	}
	var errs []error
	for i, r := range s {
		if err := r.wait(); err != nil {
			errs = append(errs, fmt.Errorf("loop %d: %w", i+1, err))
		}
	}
	return errors.Join(errs...)
}

// wait waits for the program to end; if it does not within closeWait, it
// stops the loop and says that something was left.
func (r *Run) wait() error {
	select {
	case err := <-r.ended:
		return err
	case <-time.After(closeWait):
	}
	r.loop.CallSoonThreadSafe(r.loop.Stop)
	err := <-r.ended
	return errors.Join(fmt.Errorf("the loop still had something to wait for %v after its server closed", closeWait), err)
}
