package timers

import (
	"cmp"
	"slices"
	"time"
)

// A Heap is a min-heap of timers ordered by deadline. Timers with equal
// deadlines come out in the order they were scheduled (FIFO): each timer
// carries a sequence number that breaks the tie.
//
// The zero Heap is empty and ready to use. A Heap is not safe for concurrent
// use: the goroutine that owns it (for a loop.Loop, the loop goroutine) is
// the only one that may call its methods or those of its timers.
//
// The heap is written out here rather than built on container/heap so that
// the sift steps can be read beside the text, and so that no interface
// conversion happens on the hot path.
type Heap struct {
	timers []*Timer // the heap: timers[0] is due first; timers[i].index == i
	seq    uint64   // the sequence number of the last timer scheduled
}

// Schedule adds a timer that is due at when and calls fn, and returns it.
// A deadline already in the past is allowed: the timer is due at once.
// O(log n) in the number of pending timers, and one allocation.
//
// fn must not be nil; a nil fn panics, since Fire uses nil to mean
// "cancelled".
func (h *Heap) Schedule(when time.Time, fn func()) *Timer {
	if fn == nil {
		panic("timers: Schedule with a nil function")
	}
	h.seq++
	t := &Timer{when: when, seq: h.seq, fn: fn, heap: h, index: len(h.timers)}
	h.timers = append(h.timers, t)
	h.up(t.index)
	return t
}

// Len returns the number of pending timers. O(1). Cancel takes a timer out
// at once, so a cancelled timer is never counted.
func (h *Heap) Len() int { return len(h.timers) }

// Peek returns the timer due first, or nil if the heap is empty. O(1). The
// loop reads Peek().When() to know how long its poll call may sleep.
func (h *Heap) Peek() *Timer {
	if len(h.timers) == 0 {
		return nil
	}
	return h.timers[0]
}

// Pending returns the pending timers in the order they will fire. It copies
// and sorts: O(n log n), for showing the heap (loopkit trace --step), not
// for the hot path.
func (h *Heap) Pending() []*Timer {
	sorted := append([]*Timer(nil), h.timers...)
	slices.SortFunc(sorted, func(a, b *Timer) int {
		if c := a.when.Compare(b.when); c != 0 {
			return c
		}
		return cmp.Compare(a.seq, b.seq)
	})
	return sorted
}

// PopDue removes and returns the timer due first if it is due at now (its
// deadline is not after now); otherwise it returns nil and changes nothing.
// O(log n).
//
// The loop calls PopDue until it returns nil, then calls Fire on each timer
// it got, in that order: deadline order, ties in scheduling order. A timer
// scheduled by one of those callbacks waits for the next iteration, even if
// it is already due, so a callback that schedules itself with a zero delay
// cannot starve I/O.
func (h *Heap) PopDue(now time.Time) *Timer {
	t := h.Peek()
	if t == nil || t.when.After(now) {
		return nil
	}
	h.remove(t)
	return t
}

// remove takes t out of the heap, from any position. The last timer fills
// t's slot; it came from a leaf, so it may be too late for its new place
// (it sifts down) or too early (it sifts up). At most one of the two moves
// it: if down moved it, the timer now at i is one of i's former children,
// which cannot be earlier than i's parent, and up stops at once.
func (h *Heap) remove(t *Timer) {
	i, last := t.index, len(h.timers)-1
	if i != last {
		h.swap(i, last)
	}
	h.timers[last] = nil // so the slice's backing array does not keep t alive
	h.timers = h.timers[:last]
	t.heap, t.index = nil, -1
	if i != last {
		h.down(i)
		h.up(i)
	}
}

// up moves the timer at i towards the root while it is earlier than its
// parent.
func (h *Heap) up(i int) {
	for i > 0 {
		parent := (i - 1) / 2
		if !h.less(i, parent) {
			return
		}
		h.swap(i, parent)
		i = parent
	}
}

// down moves the timer at i towards the leaves while one of its children is
// earlier; it swaps with the earlier child, so the heap order holds above.
func (h *Heap) down(i int) {
	n := len(h.timers)
	for {
		first := i
		left, right := 2*i+1, 2*i+2
		if left < n && h.less(left, first) {
			first = left
		}
		if right < n && h.less(right, first) {
			first = right
		}
		if first == i {
			return
		}
		h.swap(i, first)
		i = first
	}
}

// less reports whether the timer at i is due before the timer at j: by
// deadline, then by scheduling order. It never reports true both ways, so
// the order out of the heap is fully determined.
func (h *Heap) less(i, j int) bool {
	a, b := h.timers[i], h.timers[j]
	if !a.when.Equal(b.when) {
		return a.when.Before(b.when)
	}
	return a.seq < b.seq
}

// swap exchanges two timers and keeps their index fields true, which is
// what lets Cancel find a timer's slot without a search.
func (h *Heap) swap(i, j int) {
	h.timers[i], h.timers[j] = h.timers[j], h.timers[i]
	h.timers[i].index = i
	h.timers[j].index = j
}
