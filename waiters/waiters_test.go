package waiters

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// step is one call on a Set in a table-driven test.
type step struct {
	call string // AddReader, AddWriter, RemoveReader or RemoveWriter
	fd   int
}

// apply makes the call on s and returns what it returned, written as
// "RemoveReader(3) = true"; adds return nothing worth comparing here (the
// generation tests check those).
func (st step) apply(t *testing.T, s *Set) string {
	t.Helper()
	switch st.call {
	case "AddReader":
		s.AddReader(st.fd, func() {})
		return fmt.Sprintf("AddReader(%d)", st.fd)
	case "AddWriter":
		s.AddWriter(st.fd, func() {})
		return fmt.Sprintf("AddWriter(%d)", st.fd)
	case "RemoveReader":
		return fmt.Sprintf("RemoveReader(%d) = %v", st.fd, s.RemoveReader(st.fd))
	case "RemoveWriter":
		return fmt.Sprintf("RemoveWriter(%d) = %v", st.fd, s.RemoveWriter(st.fd))
	}
	t.Fatalf("unknown call %q", st.call)
	return ""
}

func TestSetEventsAndLen(t *testing.T) {
	tests := []struct {
		name         string
		steps        []step
		wantResults  []string
		wantInterest map[int]Events // fd -> interest, for every fd 0..9 with one
		wantLen      int
	}{
		{
			name:        "empty",
			wantResults: nil,
			wantLen:     0,
		},
		{
			name:         "add reader",
			steps:        []step{{"AddReader", 3}},
			wantResults:  []string{"AddReader(3)"},
			wantInterest: map[int]Events{3: Readable},
			wantLen:      1,
		},
		{
			name:         "add writer",
			steps:        []step{{"AddWriter", 0}},
			wantResults:  []string{"AddWriter(0)"},
			wantInterest: map[int]Events{0: Writable},
			wantLen:      1,
		},
		{
			name:         "reader and writer on one fd",
			steps:        []step{{"AddReader", 5}, {"AddWriter", 5}},
			wantResults:  []string{"AddReader(5)", "AddWriter(5)"},
			wantInterest: map[int]Events{5: Readable | Writable},
			wantLen:      2,
		},
		{
			name:         "replace reader counts once",
			steps:        []step{{"AddReader", 4}, {"AddReader", 4}, {"AddReader", 4}},
			wantResults:  []string{"AddReader(4)", "AddReader(4)", "AddReader(4)"},
			wantInterest: map[int]Events{4: Readable},
			wantLen:      1,
		},
		{
			name:         "replace writer counts once",
			steps:        []step{{"AddWriter", 4}, {"AddWriter", 4}},
			wantResults:  []string{"AddWriter(4)", "AddWriter(4)"},
			wantInterest: map[int]Events{4: Writable},
			wantLen:      1,
		},
		{
			name:         "remove reader leaves writer",
			steps:        []step{{"AddReader", 7}, {"AddWriter", 7}, {"RemoveReader", 7}},
			wantResults:  []string{"AddReader(7)", "AddWriter(7)", "RemoveReader(7) = true"},
			wantInterest: map[int]Events{7: Writable},
			wantLen:      1,
		},
		{
			name:         "remove writer leaves reader",
			steps:        []step{{"AddReader", 7}, {"AddWriter", 7}, {"RemoveWriter", 7}},
			wantResults:  []string{"AddReader(7)", "AddWriter(7)", "RemoveWriter(7) = true"},
			wantInterest: map[int]Events{7: Readable},
			wantLen:      1,
		},
		{
			name:        "remove both",
			steps:       []step{{"AddReader", 2}, {"AddWriter", 2}, {"RemoveWriter", 2}, {"RemoveReader", 2}},
			wantResults: []string{"AddReader(2)", "AddWriter(2)", "RemoveWriter(2) = true", "RemoveReader(2) = true"},
			wantLen:     0,
		},
		{
			name:        "remove twice",
			steps:       []step{{"AddReader", 1}, {"RemoveReader", 1}, {"RemoveReader", 1}},
			wantResults: []string{"AddReader(1)", "RemoveReader(1) = true", "RemoveReader(1) = false"},
			wantLen:     0,
		},
		{
			name: "remove absent fd",
			steps: []step{
				{"RemoveReader", 0}, {"RemoveWriter", 0}, {"RemoveReader", -1}, {"RemoveWriter", 1 << 20},
				{"AddReader", 3}, {"RemoveReader", 4}, {"RemoveWriter", 3}, {"RemoveReader", 2},
			},
			wantResults: []string{
				"RemoveReader(0) = false", "RemoveWriter(0) = false", "RemoveReader(-1) = false", "RemoveWriter(1048576) = false",
				"AddReader(3)", "RemoveReader(4) = false", "RemoveWriter(3) = false", "RemoveReader(2) = false",
			},
			wantInterest: map[int]Events{3: Readable},
			wantLen:      1,
		},
		{
			name:         "several fds",
			steps:        []step{{"AddReader", 3}, {"AddWriter", 4}, {"AddReader", 9}, {"AddWriter", 9}, {"RemoveReader", 3}},
			wantResults:  []string{"AddReader(3)", "AddWriter(4)", "AddReader(9)", "AddWriter(9)", "RemoveReader(3) = true"},
			wantInterest: map[int]Events{4: Writable, 9: Readable | Writable},
			wantLen:      3,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := New()
			var results []string
			for _, st := range tt.steps {
				results = append(results, st.apply(t, s))
			}
			if diff := cmp.Diff(tt.wantResults, results); diff != "" {
				t.Errorf("results (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantInterest, interests(t, s, 10)); diff != "" {
				t.Errorf("Events of fds 0..9 (-want +got):\n%s", diff)
			}
			if s.Len() != tt.wantLen {
				t.Errorf("Len() = %d, want %d", s.Len(), tt.wantLen)
			}
		})
	}
}

// interests returns the Events of every fd below n that has one, checking
// on the way that Events agrees with Reader and Writer.
func interests(t *testing.T, s *Set, n int) map[int]Events {
	t.Helper()
	var m map[int]Events
	for fd := range n {
		in := s.Events(fd)
		_, r := s.Reader(fd)
		_, w := s.Writer(fd)
		if r != (in&Readable != 0) || w != (in&Writable != 0) {
			t.Errorf("Interest(%d) = %v, but Reader found %v and Writer found %v", fd, in, r, w)
		}
		if in != 0 {
			if m == nil {
				m = map[int]Events{}
			}
			m[fd] = in
		}
	}
	return m
}

// TestWaiterIsTheFunctionAdded checks that Reader and Writer return the
// function last added for the fd, with the generation its add returned.
func TestWaiterIsTheFunctionAdded(t *testing.T) {
	s := New()
	var called []string
	named := func(name string) func() { return func() { called = append(called, name) } }

	oldGen := s.AddReader(6, named("old reader"))
	genR := s.AddReader(6, named("reader"))
	genW := s.AddWriter(6, named("writer"))
	if genR == oldGen {
		t.Errorf("replacing the reader of fd 6 kept generation %d", oldGen)
	}

	r, okR := s.Reader(6)
	w, okW := s.Writer(6)
	if !okR || !okW {
		t.Fatalf("Reader(6), Writer(6) found = %v, %v; want true, true", okR, okW)
	}
	r.Func()
	w.Func()
	if diff := cmp.Diff([]string{"reader", "writer"}, called); diff != "" {
		t.Errorf("functions called (-want +got):\n%s", diff)
	}
	if r.Gen != genR || w.Gen != genW {
		t.Errorf("generations: reader %d, writer %d; AddReader returned %d, AddWriter %d", r.Gen, w.Gen, genR, genW)
	}
	if got, ok := s.Reader(5); ok || got.Func != nil || got.Gen != 0 {
		t.Errorf("Reader(5) of fd without reader = {Gen: %d, Func set: %v}, %v; want zero Waiter, false", got.Gen, got.Func != nil, ok)
	}
}

// TestGenerationTellsStaleEvents plays the loop's check: it notes a
// waiter's generation as if queued after a poll, lets "an earlier callback"
// change the Set, then asks whether the noted waiter is still current.
func TestGenerationTellsStaleEvents(t *testing.T) {
	const fd = 9
	tests := []struct {
		name        string
		change      func(s *Set)
		wantCurrent bool
	}{
		{"untouched", func(s *Set) {}, true},
		{"other fd changed", func(s *Set) { s.AddReader(fd+1, func() {}); s.RemoveReader(fd + 1) }, true},
		{"writer of the fd added", func(s *Set) { s.AddWriter(fd, func() {}) }, true},
		{"removed", func(s *Set) { s.RemoveReader(fd) }, false},
		{"replaced", func(s *Set) { s.AddReader(fd, func() {}) }, false},
		{"fd closed and reused", func(s *Set) { s.RemoveReader(fd); s.AddReader(fd, func() {}) }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := New()
			s.AddWriter(3, func() {})
			queued := s.AddReader(fd, func() {})
			tt.change(s)
			w, ok := s.Reader(fd)
			if current := ok && w.Gen == queued; current != tt.wantCurrent {
				t.Errorf("queued reader of generation %d current = %v (fd now has reader %v of generation %d), want %v",
					queued, current, ok, w.Gen, tt.wantCurrent)
			}
		})
	}
}

// TestGenerationsIncrease checks that every add, of a reader or a writer,
// on any fd, gets a new generation greater than all before it, and that
// none is 0.
func TestGenerationsIncrease(t *testing.T) {
	s := New()
	var last uint64
	for i, st := range []step{
		{"AddReader", 3}, {"AddWriter", 3}, {"AddReader", 3}, {"RemoveReader", 3},
		{"AddReader", 3}, {"AddWriter", 100}, {"AddReader", 0}, {"AddWriter", 3},
	} {
		var gen uint64
		switch st.call {
		case "AddReader":
			gen = s.AddReader(st.fd, func() {})
		case "AddWriter":
			gen = s.AddWriter(st.fd, func() {})
		default:
			st.apply(t, s)
			continue
		}
		if gen <= last {
			t.Errorf("step %d: %s(%d) = generation %d, want more than %d", i, st.call, st.fd, gen, last)
		}
		last = gen
	}
}

// TestHighFDGrowsSlices checks that a high fd is accepted, grows only the
// slice of its direction, and leaves lower fds without waiters.
func TestHighFDGrowsSlices(t *testing.T) {
	const high = 100_000
	s := New()
	s.AddReader(high, func() {})
	if got := len(s.readers); got < high+1 {
		t.Errorf("len(readers) after AddReader(%d) = %d, want at least %d", high, got, high+1)
	}
	if got := len(s.writers); got != 0 {
		t.Errorf("len(writers) after AddReader(%d) = %d, want 0", high, got)
	}
	s.AddWriter(high+5, func() {})
	grown := len(s.readers)
	s.AddReader(10, func() {}) // below the length: no growth
	if got := len(s.readers); got != grown {
		t.Errorf("len(readers) after AddReader(10) = %d, want %d as before", got, grown)
	}
	got := map[int]Events{}
	for _, fd := range []int{0, 10, high - 1, high, high + 1, high + 5, high + 6} {
		got[fd] = s.Events(fd)
	}
	want := map[int]Events{0: 0, 10: Readable, high - 1: 0, high: Readable, high + 1: 0, high + 5: Writable, high + 6: 0}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Events (-want +got):\n%s", diff)
	}
	if s.Len() != 3 {
		t.Errorf("Len() = %d, want 3", s.Len())
	}
}

func TestBadAddPanics(t *testing.T) {
	tests := []struct {
		name string
		add  func(s *Set)
	}{
		{"negative fd reader", func(s *Set) { s.AddReader(-1, func() {}) }},
		{"negative fd writer", func(s *Set) { s.AddWriter(-1, func() {}) }},
		{"nil reader", func(s *Set) { s.AddReader(3, nil) }},
		{"nil writer", func(s *Set) { s.AddWriter(3, nil) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := New()
			defer func() {
				if recover() == nil {
					t.Errorf("no panic")
				}
				if s.Len() != 0 || s.Events(3) != 0 {
					t.Errorf("after the panic: Len() = %d, Interest(3) = %v; want 0, 0", s.Len(), s.Events(3))
				}
			}()
			tt.add(s)
		})
	}
}

func TestEventsString(t *testing.T) {
	tests := []struct {
		in   Events
		want string
	}{
		{0, "0"},
		{Readable, "Readable"},
		{Writable, "Writable"},
		{Readable | Writable, "Readable|Writable"},
		{Readable | 0x10, "Readable|Events(0x10)"},
	}
	for _, tt := range tests {
		if got := tt.in.String(); got != tt.want {
			t.Errorf("Events(%d).String() = %q, want %q", uint8(tt.in), got, tt.want)
		}
	}
}

// TestZeroSetIsUsable checks the promise in Set's doc comment.
func TestZeroSetIsUsable(t *testing.T) {
	var s Set
	if s.RemoveReader(0) || s.Events(0) != 0 || s.Len() != 0 {
		t.Fatalf("zero Set is not empty")
	}
	if gen := s.AddWriter(0, func() {}); gen == 0 || s.Events(0) != Writable || s.Len() != 1 {
		t.Errorf("zero Set after AddWriter(0): generation %d, Events %v, Len %d; want >0, Writable, 1", gen, s.Events(0), s.Len())
	}
}

func TestFDsListsReadersAndWriters(t *testing.T) {
	s := New()
	s.AddReader(9, func() {})
	s.AddReader(3, func() {})
	s.AddWriter(3, func() {})
	s.AddReader(5, func() {})
	s.RemoveReader(5)
	readers, writers := s.FDs()
	if diff := cmp.Diff([]int{3, 9}, readers); diff != "" {
		t.Errorf("readers (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]int{3}, writers); diff != "" {
		t.Errorf("writers (-want +got):\n%s", diff)
	}
}
