package timers

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// start is the time every test's clock starts at. A fixed date keeps the
// tests free of the machine's clock.
var start = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

func ms(n int) time.Duration { return time.Duration(n) * time.Millisecond }

// TestHeapFiresDueTimersInOrder schedules named timers, cancels some, pops
// what is due at now and fires it, and compares the names that ran.
func TestHeapFiresDueTimersInOrder(t *testing.T) {
	type timer struct {
		name string
		at   time.Duration // deadline, after start
	}
	tests := []struct {
		name     string
		schedule []timer
		cancel   []string      // cancelled before the pop, in this order
		now      time.Duration // PopDue(start + now)
		want     []string      // names that ran, in order
		wantLen  int           // timers left pending
	}{
		{
			name:     "by deadline",
			schedule: []timer{{"c", ms(30)}, {"a", ms(10)}, {"b", ms(20)}},
			now:      ms(30),
			want:     []string{"a", "b", "c"},
		},
		{
			name:     "ties in scheduling order",
			schedule: []timer{{"t1", ms(10)}, {"t2", ms(10)}, {"early", ms(5)}, {"t3", ms(10)}, {"t4", ms(10)}},
			now:      ms(10),
			want:     []string{"early", "t1", "t2", "t3", "t4"},
		},
		{
			name: "many ties survive sifting",
			schedule: []timer{
				{"x1", ms(2)}, {"y1", ms(1)}, {"x2", ms(2)}, {"y2", ms(1)}, {"x3", ms(2)},
				{"y3", ms(1)}, {"x4", ms(2)}, {"y4", ms(1)}, {"x5", ms(2)}, {"y5", ms(1)},
			},
			now:  ms(2),
			want: []string{"y1", "y2", "y3", "y4", "y5", "x1", "x2", "x3", "x4", "x5"},
		},
		{
			name:     "deadline in the past is due at once",
			schedule: []timer{{"late", -ms(5)}, {"now", 0}},
			now:      0,
			want:     []string{"late", "now"},
		},
		{
			name:     "due means not after now",
			schedule: []timer{{"a", ms(10)}, {"b", ms(10) + time.Nanosecond}, {"c", ms(20)}},
			now:      ms(10),
			want:     []string{"a"},
			wantLen:  2,
		},
		{
			name:     "nothing due",
			schedule: []timer{{"a", ms(10)}, {"b", ms(20)}},
			now:      ms(9),
			want:     nil,
			wantLen:  2,
		},
		{
			name:     "cancel head",
			schedule: []timer{{"a", ms(10)}, {"b", ms(20)}, {"c", ms(30)}, {"d", ms(40)}},
			cancel:   []string{"a"},
			now:      ms(40),
			want:     []string{"b", "c", "d"},
		},
		{
			name:     "cancel middle",
			schedule: []timer{{"a", ms(10)}, {"b", ms(20)}, {"c", ms(30)}, {"d", ms(40)}, {"e", ms(50)}},
			cancel:   []string{"c"},
			now:      ms(50),
			want:     []string{"a", "b", "d", "e"},
		},
		{
			name:     "cancel last",
			schedule: []timer{{"a", ms(10)}, {"b", ms(20)}, {"c", ms(30)}},
			cancel:   []string{"c"},
			now:      ms(30),
			want:     []string{"a", "b"},
		},
		{
			// Removing "n" moves the last timer, "b", into n's slot, below
			// "m", which is due later: b must sift up, not down.
			name:     "cancel moves an early last timer up",
			schedule: []timer{{"a", ms(10)}, {"m", ms(50)}, {"b", ms(20)}, {"n", ms(60)}, {"o", ms(70)}, {"c", ms(30)}, {"z", ms(15)}},
			cancel:   []string{"n"},
			now:      ms(70),
			want:     []string{"a", "z", "b", "c", "m", "o"},
		},
		{
			name:     "cancel every timer",
			schedule: []timer{{"a", ms(10)}, {"b", ms(10)}, {"c", ms(5)}},
			cancel:   []string{"b", "c", "a"},
			now:      ms(10),
			want:     nil,
		},
		{
			name:     "cancel one of a tie keeps the others in order",
			schedule: []timer{{"t1", ms(10)}, {"t2", ms(10)}, {"t3", ms(10)}, {"t4", ms(10)}},
			cancel:   []string{"t2"},
			now:      ms(10),
			want:     []string{"t1", "t3", "t4"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var h Heap
			var got []string
			byName := map[string]*Timer{}
			for _, s := range tt.schedule {
				byName[s.name] = h.Schedule(start.Add(s.at), func() { got = append(got, s.name) })
				checkHeap(t, &h)
			}
			for _, name := range tt.cancel {
				if !byName[name].Cancel() {
					t.Fatalf("Cancel of pending timer %q = false, want true", name)
				}
				checkHeap(t, &h)
			}
			for _, tm := range popDue(t, &h, start.Add(tt.now)) {
				if fn := tm.Fire(); fn != nil {
					fn()
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("timers run (-want +got):\n%s", diff)
			}
			if h.Len() != tt.wantLen {
				t.Errorf("Len() after PopDue = %d, want %d", h.Len(), tt.wantLen)
			}
		})
	}
}

// TestTimerLifecycle walks one timer through a sequence of calls and
// compares what each call returned. It covers the rules of Cancel and Fire,
// including the one the loop relies on: a timer popped as due and then
// cancelled (by an earlier callback of the same iteration) never runs.
func TestTimerLifecycle(t *testing.T) {
	tests := []struct {
		name  string
		calls []string // "Cancel", "PopDue", "Fire"
		want  []string
	}{
		{
			name:  "cancel pending",
			calls: []string{"Cancel", "PopDue"},
			want:  []string{"Cancel() = true [cancelled]", "PopDue() = nil [cancelled]"},
		},
		{
			name:  "cancel twice",
			calls: []string{"Cancel", "Cancel"},
			want:  []string{"Cancel() = true [cancelled]", "Cancel() = false [cancelled]"},
		},
		{
			name:  "fire after pop runs",
			calls: []string{"PopDue", "Fire"},
			want:  []string{"PopDue() = timer [popped]", "Fire() = func [fired]"},
		},
		{
			name:  "cancel after fire is false",
			calls: []string{"PopDue", "Fire", "Cancel"},
			want:  []string{"PopDue() = timer [popped]", "Fire() = func [fired]", "Cancel() = false [fired]"},
		},
		{
			name:  "cancel between pop and fire stops it",
			calls: []string{"PopDue", "Cancel", "Fire"},
			want:  []string{"PopDue() = timer [popped]", "Cancel() = true [cancelled]", "Fire() = nil [cancelled]"},
		},
		{
			name:  "fire twice hands out the function once",
			calls: []string{"PopDue", "Fire", "Fire"},
			want:  []string{"PopDue() = timer [popped]", "Fire() = func [fired]", "Fire() = nil [fired]"},
		},
		{
			name:  "cancel twice after pop",
			calls: []string{"PopDue", "Cancel", "Cancel", "Fire"},
			want:  []string{"PopDue() = timer [popped]", "Cancel() = true [cancelled]", "Cancel() = false [cancelled]", "Fire() = nil [cancelled]"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var h Heap
			h.Schedule(start.Add(ms(5)), func() {}) // a neighbour, so the heap is not trivial
			tm := h.Schedule(start, func() {})
			h.Schedule(start.Add(ms(5)), func() {})
			var got []string
			for _, call := range tt.calls {
				var result string
				switch call {
				case "Cancel":
					result = fmt.Sprint(tm.Cancel())
				case "PopDue":
					result = "nil"
					if p := h.PopDue(start); p == tm {
						result = "timer"
					} else if p != nil {
						t.Fatalf("PopDue returned a timer due at %v, want the one due at %v", p.When(), tm.When())
					}
				case "Fire":
					result = "nil"
					if tm.Fire() != nil {
						result = "func"
					}
				default:
					t.Fatalf("unknown call %q", call)
				}
				got = append(got, fmt.Sprintf("%s() = %s [%s]", call, result, state(tm)))
				checkHeap(t, &h)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("calls (-want +got):\n%s", diff)
			}
		})
	}
}

// state names a timer's state as its doc comment does, from what its
// exported methods report.
func state(tm *Timer) string {
	switch {
	case tm.Pending():
		return "pending"
	case tm.Cancelled():
		return "cancelled"
	case tm.fired:
		return "fired"
	default:
		return "popped"
	}
}

func TestFireOfPendingTimerPanics(t *testing.T) {
	var h Heap
	tm := h.Schedule(start, func() {})
	defer func() {
		if recover() == nil {
			t.Errorf("Fire of a pending timer did not panic")
		}
		if !tm.Pending() || h.Len() != 1 {
			t.Errorf("after the panic: Pending() = %v, Len() = %d, want true, 1", tm.Pending(), h.Len())
		}
	}()
	tm.Fire()
}

func TestScheduleNilFunctionPanics(t *testing.T) {
	var h Heap
	defer func() {
		if recover() == nil {
			t.Errorf("Schedule(when, nil) did not panic")
		}
		if h.Len() != 0 {
			t.Errorf("Len() after the panic = %d, want 0", h.Len())
		}
	}()
	h.Schedule(start, nil)
}

func TestPeekIsEarliestPendingTimer(t *testing.T) {
	var h Heap
	if p := h.Peek(); p != nil {
		t.Fatalf("Peek() of empty heap = timer due at %v, want nil", p.When())
	}
	late := h.Schedule(start.Add(ms(20)), func() {})
	early := h.Schedule(start.Add(ms(10)), func() {})
	if h.Peek() != early {
		t.Errorf("Peek() = timer due at %v, want the one due at %v", h.Peek().When(), early.When())
	}
	early.Cancel()
	if h.Peek() != late {
		t.Errorf("Peek() after cancelling the head = timer due at %v, want the one due at %v", h.Peek().When(), late.When())
	}
}

// popDue pops every timer due at now, checking the heap after each pop.
func popDue(t *testing.T, h *Heap, now time.Time) []*Timer {
	t.Helper()
	var due []*Timer
	for tm := h.PopDue(now); tm != nil; tm = h.PopDue(now) {
		if tm.Pending() {
			t.Fatalf("PopDue returned a timer that is still pending")
		}
		if tm.When().After(now) {
			t.Fatalf("PopDue(%v) returned a timer due later, at %v", now, tm.When())
		}
		due = append(due, tm)
		checkHeap(t, h)
	}
	return due
}

// checkHeap fails the test if h breaks one of its invariants: every slot
// holds a timer that knows its slot and its heap, and no timer is due
// before its parent (by deadline, then sequence number).
func checkHeap(t *testing.T, h *Heap) {
	t.Helper()
	for i, tm := range h.timers {
		if tm == nil {
			t.Fatalf("heap slot %d of %d is nil", i, len(h.timers))
		}
		if tm.index != i || tm.heap != h {
			t.Fatalf("timer in heap slot %d has index %d, heap %p; want %d, %p", i, tm.index, tm.heap, i, h)
		}
		if tm.cancelled || tm.fired {
			t.Fatalf("timer in heap slot %d is cancelled (%v) or fired (%v)", i, tm.cancelled, tm.fired)
		}
		if i > 0 && h.less(i, (i-1)/2) {
			p := h.timers[(i-1)/2]
			t.Fatalf("heap slot %d (due %v, seq %d) is before its parent slot %d (due %v, seq %d)",
				i, tm.when, tm.seq, (i-1)/2, p.when, p.seq)
		}
	}
}

// TestHeapMatchesModel runs random sequences of Schedule, Cancel and
// "advance the clock, pop what is due and fire it" against both the Heap
// and a plain sorted slice, and compares what ran and what Cancel returned.
// While firing, a callback may cancel any timer, including one popped in the
// same batch and not yet fired: the model says it must then not run.
func TestHeapMatchesModel(t *testing.T) {
	const ops = 4000
	for _, seed := range []uint64{1, 2, 3, 4, 5, 1 << 40} {
		t.Run(fmt.Sprint("seed=", seed), func(t *testing.T) {
			r := &lockstep{t: t, rng: rand.New(rand.NewPCG(seed, 0)), now: start}
			for range ops {
				r.step()
				checkHeap(t, &r.heap)
				if r.heap.Len() != len(r.model.pending) {
					t.Fatalf("Len() = %d, model has %d pending", r.heap.Len(), len(r.model.pending))
				}
			}
			if diff := cmp.Diff(r.want, r.got); diff != "" {
				t.Errorf("runs and cancels (-want +got):\n%s", diff)
			}
			// A sequence that never reached one of the interesting cases
			// would pass without testing it.
			if m := r.model; m.runs == 0 || m.ties == 0 || m.cancelledPending == 0 || m.cancelledPopped == 0 {
				t.Errorf("the random sequence missed a case: %d runs, %d ties, %d pending and %d popped timers cancelled",
					m.runs, m.ties, m.cancelledPending, m.cancelledPopped)
			}
		})
	}
}

// lockstep drives a Heap and a model side by side, with the same random
// calls. Each side logs what ran and what Cancel returned: the Heap's side
// to got, the model's to want.
type lockstep struct {
	t      *testing.T
	rng    *rand.Rand
	now    time.Time
	heap   Heap
	model  model
	timers []*Timer // by id: every timer ever scheduled on heap
	got    []string
	want   []string
}

// step makes one random call on both sides: half the time Schedule, a fifth
// Cancel, the rest an advance of the clock.
func (r *lockstep) step() {
	switch n := r.rng.IntN(10); {
	case n < 5:
		r.schedule()
	case n < 7 && len(r.timers) > 0:
		r.cancel(r.rng.IntN(len(r.timers)))
	default:
		r.advance()
	}
}

// schedule schedules a timer due between 5ms ago and 20ms from now; with
// deadlines on whole milliseconds, many timers share one.
func (r *lockstep) schedule() {
	id := len(r.timers)
	when := r.now.Add(ms(r.rng.IntN(25) - 5))
	run := func() { r.got = append(r.got, fmt.Sprint("run ", id)) }
	r.timers = append(r.timers, r.heap.Schedule(when, run))
	r.model.schedule(id, when)
}

// cancel cancels timer id, in whatever state it is, on both sides.
func (r *lockstep) cancel(id int) {
	r.got = append(r.got, fmt.Sprintf("cancel %d = %v", id, r.timers[id].Cancel()))
	r.want = append(r.want, fmt.Sprintf("cancel %d = %v", id, r.model.cancel(id)))
}

// advance moves the clock 0-5ms, pops what is due and fires it, as the
// loop does. Before each fire, a quarter of the time, "the previous
// callback" cancels a random timer, perhaps one popped in this batch.
func (r *lockstep) advance() {
	r.now = r.now.Add(ms(r.rng.IntN(6)))
	due := popDue(r.t, &r.heap, r.now)
	r.model.popDue(r.now)
	for _, tm := range due {
		if r.rng.IntN(4) == 0 {
			r.cancel(r.rng.IntN(len(r.timers)))
		}
		if fn := tm.Fire(); fn != nil {
			fn()
		}
		r.want = append(r.want, r.model.fire()...)
	}
}

// model is the obvious, slow timer queue the Heap must agree with: a slice
// kept sorted by deadline, a new timer going after every timer with the
// same deadline.
type model struct {
	pending []modelTimer   // sorted by when; equal deadlines in scheduling order
	popped  []int          // ids taken out by the last popDue, not yet fired
	states  map[int]string // id -> "pending", "popped", "fired" or "cancelled"

	// What the sequence exercised, so the test can tell it was not too tame.
	runs, ties, cancelledPending, cancelledPopped int
}

type modelTimer struct {
	id   int
	when time.Time
}

func (m *model) schedule(id int, when time.Time) {
	if m.states == nil {
		m.states = map[int]string{}
	}
	i := len(m.pending)
	for i > 0 && m.pending[i-1].when.After(when) {
		i--
	}
	if i > 0 && m.pending[i-1].when.Equal(when) {
		m.ties++
	}
	m.pending = slices.Insert(m.pending, i, modelTimer{id, when})
	m.states[id] = "pending"
}

func (m *model) cancel(id int) bool {
	switch m.states[id] {
	case "pending":
		m.pending = slices.DeleteFunc(m.pending, func(mt modelTimer) bool { return mt.id == id })
		m.cancelledPending++
	case "popped":
		m.cancelledPopped++
	default:
		return false
	}
	m.states[id] = "cancelled"
	return true
}

// popDue moves the due prefix of pending to popped.
func (m *model) popDue(now time.Time) {
	n := 0
	for n < len(m.pending) && !m.pending[n].when.After(now) {
		m.popped = append(m.popped, m.pending[n].id)
		m.states[m.pending[n].id] = "popped"
		n++
	}
	m.pending = m.pending[n:]
}

// fire fires the next popped timer and returns what it logs: "run id", or
// nothing if it was cancelled.
func (m *model) fire() []string {
	id := m.popped[0]
	m.popped = m.popped[1:]
	if m.states[id] != "popped" {
		return nil
	}
	m.states[id] = "fired"
	m.runs++
	return []string{fmt.Sprint("run ", id)}
}

func TestPendingInFiringOrder(t *testing.T) {
	var h Heap
	base := time.Unix(100, 0)
	h.Schedule(base.Add(3*time.Second), func() {})
	tie1 := h.Schedule(base.Add(time.Second), func() {})
	tie2 := h.Schedule(base.Add(time.Second), func() {})
	cancelled := h.Schedule(base, func() {})
	cancelled.Cancel()
	got := h.Pending()
	if len(got) != 3 || got[0] != tie1 || got[1] != tie2 || !got[2].When().Equal(base.Add(3*time.Second)) {
		t.Errorf("Pending() = %v, want the two +1s timers in scheduling order, then +3s", got)
	}
}
