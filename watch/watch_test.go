package watch

import (
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/loopkit/loopkit/loop"
)

// TestPageStepsALoop holds a loop that waits on a pipe, and steps it from
// the page's side: the page sees the reader, then the poll that found the
// pipe ready and the callback it ran, an iteration at a time.
func TestPageStepsALoop(t *testing.T) {
	w := listen(t)
	w.Pause()
	l, err := loop.New(loop.WithObserver(w))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	w.Attach(l)
	r, wr, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer wr.Close()
	fd := int(r.Fd())
	// The reader leaves a callback on the ready queue, so that an
	// iteration 2 starts.
	onReadable := func() {
		l.RemoveReader(fd)
		l.CallSoon(func() {})
	}
	if err := l.AddReader(fd, onReadable); err != nil {
		t.Fatal(err)
	}
	if _, err := wr.Write([]byte("x")); err != nil {
		t.Fatal(err)
	}
	page := openStream(t, w)
	ran := make(chan error, 1)
	go func() { ran <- l.Run() }()

	first, _ := page.waitFor("iteration 1", func(u update) bool { return u.Frame.Iteration == 1 })
	if diff := cmp.Diff([]string{"pipe#1"}, first.Frame.Readers); diff != "" {
		t.Errorf("readers before iteration 1 (-want +got):\n%s", diff)
	}
	if !first.Held {
		t.Errorf("the update of iteration 1 says the loop is not held; Pause was called")
	}
	w.Step()
	second, rows := page.waitFor("iteration 2", func(u update) bool { return u.Frame.Iteration == 2 })
	var texts []string
	for _, r := range rows {
		texts = append(texts, r.Iteration+" "+r.Text)
	}
	want := []string{
		"#1 poll(block) watching pipe#1:R",
		" ready: pipe#1:R",
		" reader pipe#1: watch.TestPageStepsALoop.func1",
	}
	if diff := cmp.Diff(want, texts); diff != "" {
		t.Errorf("rows of iteration 1 (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(poll{Iteration: 1, Timeout: "block", Watching: []string{"pipe#1:R"}, Ready: []string{"pipe#1:R"}}, second.Frame.Poll); diff != "" {
		t.Errorf("the last poll before iteration 2 (-want +got):\n%s", diff)
	}
	if len(second.Frame.Readers) != 0 || second.Frame.Ready != 1 {
		t.Errorf("before iteration 2: readers %v, %d ready; want none (the callback removed it) and 1 (it queued one)", second.Frame.Readers, second.Frame.Ready)
	}
	w.Run()
	if err := <-ran; err != nil {
		t.Fatalf("Run: %v", err)
	}
}
