package examples

import (
	"errors"
	"fmt"
	"runtime"
	"time"

	"github.com/loopkit/loopkit/loop"
)

// A LoopServer is a program's server on one loop, as a loop style starts
// it. Its methods are called on the loop goroutine.
type LoopServer interface {
	// Addr returns the address it listens on.
	Addr() string
	// Close stops listening and closes every connection, so that nothing
	// is left for the loop to wait for and its Run returns.
	Close()
}

// A LoopServe starts a program's server on l, listening on addr. It runs on
// l's goroutine, before l runs. reusePort asks for a listener with
// SO_REUSEPORT, which every loop of a server with Loops > 1 needs.
type LoopServe func(l *loop.Loop, addr string, reusePort bool) (LoopServer, error)

// closeWait is how long Close waits for a loop to run out of work after its
// server closed. A healthy server's loop ends at once; one that does not
// has something left waiting (a leak), which Close reports before it stops
// the loop by force.
const closeWait = 5 * time.Second

// ServeLoops starts cfg.Loops loops (at least one), made with cfg's Hooks,
// calls serve on each, and runs them until Close. A server with a Hub
// method (a CoroutinesServer) has its hub handed to cfg.OnHub before its
// loop runs. With more than one loop each has an OS thread of its own
// (runtime.LockOSThread) and a poller of its own, and they all listen on
// the same port (SO_REUSEPORT), the kernel spreading connections among
// them: the n-to-m design of nginx's workers, Envoy, and gnet's multicore
// mode, inside one process.
//
// Discussion: with one loop the goroutine is not locked to its thread. A
// locked thread runs that goroutine and nothing else, so every switch to
// another goroutine (a coroutine of package coroutines is one) would wake a
// second thread; unlocked, Go's scheduler runs both on the same thread, and
// the switch is a goroutine switch.
func ServeLoops(cfg Config, serve LoopServe) (Server, error) {
	n := max(cfg.Loops, 1)
	s := &loopsServer{}
	addr := cfg.Addr
	for i := range n {
		r, err := startLoop(cfg, serve, addr, n > 1)
		if err != nil {
			s.Close()
			return nil, fmt.Errorf("loop %d of %d: %w", i+1, n, err)
		}
		s.loops = append(s.loops, r)
		addr = r.addr // the next loops listen on the port the first one got
	}
	return s, nil
}

// loopsServer is the Server of ServeLoops.
type loopsServer struct {
	loops []*runningLoop // set by ServeLoops
}

// A runningLoop is one loop of a loopsServer and the goroutine running it.
type runningLoop struct {
	loop   *loop.Loop
	server LoopServer
	addr   string
	ended  chan error // receives Run's result, once
}

// startLoop makes a loop and, on the goroutine that will run it, starts the
// server; it returns once the server listens (or failed to).
func startLoop(cfg Config, serve LoopServe, addr string, lockThread bool) (*runningLoop, error) {
	r := &runningLoop{ended: make(chan error, 1)}
	started := make(chan error, 1)
	go func() {
		if lockThread {
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
		}
		if err := r.start(cfg, serve, addr, lockThread); err != nil {
			started <- err
			return
		}
		started <- nil
		r.ended <- r.run()
	}()
	if err := <-started; err != nil {
		return nil, err
	}
	return r, nil
}

// start makes the loop, with cfg's Hooks, and starts the server on it;
// a server that runs coroutines has its hub handed to OnHub before the
// loop runs.
func (r *runningLoop) start(cfg Config, serve LoopServe, addr string, reusePort bool) error {
	l, err := cfg.NewLoop(cfg.Backend, cfg.OnError)
	if err != nil {
		return err
	}
	srv, err := serve(l, addr, reusePort)
	if err != nil {
		l.Close()
		return err
	}
	if hs, ok := srv.(hubServer); ok {
		cfg.showHub(hs.Hub())
	}
	r.loop, r.server, r.addr = l, srv, srv.Addr()
	return nil
}

// run runs the loop until it has nothing left to wait for, then closes it.
func (r *runningLoop) run() error {
	err := r.loop.Run()
	if cerr := r.loop.Close(); err == nil {
		err = cerr
	}
	return err
}

// Addr returns the address the loops listen on.
func (s *loopsServer) Addr() string {
	if len(s.loops) == 0 {
		return ""
	}
	return s.loops[0].addr
}

// Close closes the server of each loop, from the loop's goroutine, and waits
// for the loops to end.
func (s *loopsServer) Close() error {
	for _, r := range s.loops {
		if err := r.loop.CallSoonThreadSafe(r.server.Close); err != nil {
			return err
		}
	}
	var errs []error
	for i, r := range s.loops {
		if err := r.wait(); err != nil {
			errs = append(errs, fmt.Errorf("loop %d: %w", i+1, err))
		}
	}
	return errors.Join(errs...)
}

// wait waits for the loop to end; if it does not within closeWait, it stops
// it and says that something was left.
func (r *runningLoop) wait() error {
	select {
	case err := <-r.ended:
		return err
	case <-time.After(closeWait):
	}
	r.loop.CallSoonThreadSafe(r.loop.Stop)
	err := <-r.ended
	return errors.Join(fmt.Errorf("the loop still had something to wait for %v after its server closed", closeWait), err)
}
