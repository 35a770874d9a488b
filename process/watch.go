package process

import (
	"fmt"
	"syscall"

	"github.com/loopkit/loopkit/signals"
)

// An exitWatch is how the loop learns of one child's exit. It is made
// before the fork (SIGCHLD must be handled before the child can exit) and
// started after it (a pidfd needs the pid); cancel undoes a watch whose
// fork failed.
type exitWatch struct {
	start  func(p *Process) error
	cancel func()
}

// watchBeforeFork prepares the exit watch w names.
func (p *Process) watchBeforeFork(w Watch) (exitWatch, error) {
	if w == Best {
		w = best
	}
	switch w {
	case PidFD:
		return pidfdWatch()
	case SIGCHLD:
		return p.watchSIGCHLD()
	}
	return exitWatch{}, fmt.Errorf("process: unknown Watch %d", int(w))
}

// watchSIGCHLD handles SIGCHLD for this child: at each one, reap asks
// whether this child is the one that exited (wait4 with WNOHANG, by pid),
// so another child's SIGCHLD, or a child of os/exec, costs one system
// call and takes nothing from anyone. Signals coalesce, and a SIGCHLD for
// two children runs every handler: each reaps its own.
//
// Discussion: one handler per child keeps the state in the Process the
// caller holds. libuv has one per loop, which walks its list of children
// at each SIGCHLD (uv__wait_children); asyncio's ThreadedChildWatcher gave
// up on signals and blocks a thread in waitpid per child.
func (p *Process) watchSIGCHLD() (exitWatch, error) {
	h, err := signals.Handle(p.loop, syscall.SIGCHLD, p.reap)
	if err != nil {
		return exitWatch{}, err
	}
	h.Hold() // a running child is something to wait for
	start := func(p *Process) error {
		p.unwatch = h.Stop
		// A child that exited between the fork and now has sent its
		// SIGCHLD to the handler already: nothing is lost.
		return nil
	}
	return exitWatch{start: start, cancel: h.Stop}, nil
}
