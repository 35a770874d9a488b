package coroutines

import "context"

// A Group is a set of coroutines to wait for, or kill, together: gevent's
// Group. A coroutine leaves the group when it finishes. The zero Group is
// empty and ready to use. Its methods belong to the loop goroutine and the
// coroutines.
type Group struct {
	members map[*Coroutine]struct{}
	err     error               // the first error of a member, in the order they finished
	joiners waitQueue[struct{}] // coroutines in Join, woken when the group empties
}

// Spawn spawns fn as Spawn(ctx, fn) does, and adds the coroutine to the
// group.
func (g *Group) Spawn(ctx context.Context, fn func(ctx context.Context) error) *Coroutine {
	co := Spawn(ctx, fn)
	g.Add(co)
	return co
}

// Add adds co to the group until it finishes. A coroutine that has already
// finished is not added, but its error counts for Join.
func (g *Group) Add(co *Coroutine) {
	if co.state == done {
		g.note(co.err)
		return
	}
	if _, ok := g.members[co]; ok {
		return
	}
	if g.members == nil {
		g.members = make(map[*Coroutine]struct{})
	}
	g.members[co] = struct{}{}
	co.watched = true
	co.onFinish = append(co.onFinish, func() { g.leave(co) })
}

// leave is the finish hook of a member.
func (g *Group) leave(co *Coroutine) {
	delete(g.members, co)
	g.note(co.err)
	if len(g.members) > 0 {
		return
	}
	for w := g.joiners.first(); w != nil; w = g.joiners.first() {
		g.joiners.serve(w)
	}
}

func (g *Group) note(err error) {
	if g.err == nil {
		g.err = err
	}
}

// Len returns the number of coroutines in the group: spawned, not finished.
func (g *Group) Len() int { return len(g.members) }

// Coroutines returns the coroutines in the group, in the order they were
// spawned.
func (g *Group) Coroutines() []*Coroutine {
	cos := make([]*Coroutine, 0, len(g.members))
	for co := range g.members {
		cos = append(cos, co)
	}
	sortByID(cos)
	return cos
}

// Join parks the coroutine of ctx until the group is empty (members added
// meanwhile are waited for too), and returns the first error any member
// finished with (killed members count: ErrKilled). If ctx is done or the
// caller killed first, it returns the cause.
func (g *Group) Join(ctx context.Context) error {
	co, err := current(ctx)
	if err != nil {
		return err
	}
	if err := co.cancelled(ctx); err != nil {
		return err
	}
	if len(g.members) > 0 {
		w := g.joiners.push(co)
		for !w.served {
			if err := co.park(ctx, "Group.Join", func() { g.joiners.remove(w) }); err != nil {
				return err
			}
		}
	}
	return g.err
}

// Kill kills every coroutine in the group, in the order they were spawned,
// and does not wait (Join does).
func (g *Group) Kill() { KillAll(g.Coroutines()...) }
