package watch

import (
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/loopkit/loopkit/loop"
	"github.com/loopkit/loopkit/trace"
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

// TestSlowPageNeverHoldsTheLoop opens a page that reads nothing while the
// loop runs thousands of iterations: the loop finishes all the same, and
// when the page reads at last it gets the latest frame, the last
// historyRows rows, and the counts of what it missed.
func TestSlowPageNeverHoldsTheLoop(t *testing.T) {
	w := listen(t)
	l, err := loop.New(loop.WithObserver(w))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	w.Attach(l)
	p := w.openPage() // a page that reads nothing until the loop is done
	defer w.closePage(p)
	const iterations = 3000
	n := 0
	var again func()
	again = func() {
		if n++; n < iterations {
			l.CallSoon(again)
		}
	}
	l.CallSoon(again)
	ran := make(chan error, 1)
	go func() { ran <- l.Run() }()
	select {
	case err := <-ran:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(bound()):
		t.Fatalf("the loop did not finish %d iterations in %v with a page that reads nothing", iterations, bound())
	}

	u := w.next(p)
	// Each iteration draws three rows (poll, ready, callback); the first
	// frame is shown before anything is recorded, and the last
	// iteration's rows wait for an iteration that never starts.
	sent := 3 * (iterations - 1)
	if len(u.Rows) != historyRows || u.Dropped != uint64(sent-historyRows) {
		t.Errorf("the page got %d rows and was told %d dropped, want %d and %d", len(u.Rows), u.Dropped, historyRows, sent-historyRows)
	}
	if u.Frame.Iteration != iterations || u.Coalesced != iterations-1 {
		t.Errorf("the page got the frame of iteration %d, %d coalesced; want %d and %d", u.Frame.Iteration, u.Coalesced, iterations, iterations-1)
	}
	if last := u.Rows[len(u.Rows)-1].Seq; last != uint64(sent) {
		t.Errorf("the last row the page got is row %d, want %d", last, sent)
	}
}

// TestNothingIsRecordedWithoutAPage runs a loop watched by no page: the
// page that opens afterwards starts from the iteration it sees first.
func TestNothingIsRecordedWithoutAPage(t *testing.T) {
	w := listen(t)
	l, err := loop.New(loop.WithObserver(w))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	w.Attach(l)
	for range 5 {
		l.CallSoon(func() {})
		if err := l.RunOnce(); err != nil {
			t.Fatal(err)
		}
	}
	if w.rec != nil || w.frames != 0 || w.rows.last != 0 {
		t.Fatalf("with no page open: recorder %v, %d frames, %d rows; want none", w.rec, w.frames, w.rows.last)
	}
	p := w.openPage()
	defer w.closePage(p)
	for range 2 {
		l.CallSoon(func() {})
		if err := l.RunOnce(); err != nil {
			t.Fatal(err)
		}
	}
	u := w.next(p)
	var texts []string
	for _, r := range u.Rows {
		texts = append(texts, r.Iteration+" "+r.Text)
	}
	want := []string{"#6 poll(0s) watching nothing", " ready: nothing", " soon: watch.TestNothingIsRecordedWithoutAPage.func2"}
	if diff := cmp.Diff(want, texts); diff != "" {
		t.Errorf("rows once a page opened (-want +got):\n%s", diff)
	}
	if u.Frame.Iteration != 7 {
		t.Errorf("frame of iteration %d, want 7", u.Frame.Iteration)
	}
}

// TestCloseLetsAHeldLoopGo holds a loop with no page open, as loopkit
// watch does before the first page comes, and closes the watcher: the loop
// runs on, and stays free of it.
func TestCloseLetsAHeldLoopGo(t *testing.T) {
	w, err := Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	w.Pause()
	l, err := loop.New(loop.WithObserver(w))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	w.Attach(l)
	l.CallSoon(func() {})
	ran := make(chan error, 1)
	go func() { ran <- l.RunOnce() }()
	select {
	case err := <-ran:
		t.Fatalf("a held loop ran an iteration (%v)", err)
	case <-time.After(50 * time.Millisecond):
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-ran:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(bound()):
		t.Fatalf("the loop was still held %v after Close", bound())
	}
	if err := w.Close(); err != nil {
		t.Errorf("a second Close: %v", err)
	}
}

// TestButtonsWantThePagesHeader presses Pause as the page does, and as a
// form on another site would: only the first holds the loop.
func TestButtonsWantThePagesHeader(t *testing.T) {
	w := listen(t)
	client := &http.Client{Transport: &http.Transport{}}
	defer client.CloseIdleConnections()
	tests := []struct {
		header     string
		wantStatus int
		wantHeld   bool
	}{
		{"", http.StatusForbidden, false},
		{"1", http.StatusNoContent, true},
	}
	for _, tt := range tests {
		req, err := http.NewRequest("POST", w.URL()+"pause", nil)
		if err != nil {
			t.Fatal(err)
		}
		if tt.header != "" {
			req.Header.Set(buttonHeader, tt.header)
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		w.mu.Lock()
		held := w.held
		w.mu.Unlock()
		if resp.StatusCode != tt.wantStatus || held != tt.wantHeld {
			t.Errorf("POST /pause with %s=%q: status %d, held %v; want %d, %v", buttonHeader, tt.header, resp.StatusCode, held, tt.wantStatus, tt.wantHeld)
		}
	}
}

// TestAPageOpenedLaterStartsANewDiagram opens a page, closes it, lets the
// loop run unwatched, and opens another: it gets none of the first
// diagram's rows, and is told of none dropped.
func TestAPageOpenedLaterStartsANewDiagram(t *testing.T) {
	w := listen(t)
	l, err := loop.New(loop.WithObserver(w))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	w.Attach(l)
	runOnce := func() {
		t.Helper()
		l.CallSoon(func() {})
		if err := l.RunOnce(); err != nil {
			t.Fatal(err)
		}
	}
	first := w.openPage()
	runOnce()
	runOnce()
	if u := w.next(first); len(u.Rows) == 0 {
		t.Fatal("the first page got no rows")
	}
	w.closePage(first)
	runOnce() // unwatched: stops the recording
	second := w.openPage()
	defer w.closePage(second)
	runOnce() // iteration 4 starts a new one
	runOnce()
	u := w.next(second)
	if u.Dropped != 0 || len(u.Rows) != 3 || u.Rows[0].Iteration != "#4" {
		t.Errorf("the second page got %d rows from %+v, %d dropped; want iteration 4's 3 rows, none dropped", len(u.Rows), u.Rows, u.Dropped)
	}
}

// TestWithoutAttachThePageShowsTheEvents watches a loop the watcher was
// not attached to: the page gets the iterations and the rows, and no
// waiters or timers, which only Attach lets it read.
func TestWithoutAttachThePageShowsTheEvents(t *testing.T) {
	w := listen(t)
	l, err := loop.New(loop.WithObserver(w))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	p := w.openPage()
	defer w.closePage(p)
	for range 3 {
		l.CallSoon(func() {})
		if err := l.RunOnce(); err != nil {
			t.Fatal(err)
		}
	}
	u := w.next(p)
	if u.Frame.Iteration != 3 || len(u.Rows) != 6 || u.Rows[0].Iteration != "#1" || u.Rows[3].Iteration != "#2" {
		t.Errorf("frame of iteration %d with %d rows from %+v; want iteration 3, with the 3 rows of iterations 1 and 2 each", u.Frame.Iteration, len(u.Rows), u.Rows)
	}
}

// TestAPageOpenedLateCountsNoRowsDropped opens a page after more rows than
// the watcher keeps, some of an earlier diagram: the page gets every row
// still held and counts none dropped, as it missed nothing it could have
// had.
func TestAPageOpenedLateCountsNoRowsDropped(t *testing.T) {
	w := listen(t)
	w.mu.Lock()
	for range historyRows / 2 {
		w.rows.push(trace.Row{Text: "a row of a diagram that ended"})
	}
	w.rows.forget()
	for range historyRows + 3 {
		w.rows.push(trace.Row{Text: "a row of this diagram"})
	}
	w.mu.Unlock()
	p := w.openPage()
	defer w.closePage(p)
	if u := w.next(p); len(u.Rows) != historyRows || u.Dropped != 0 {
		t.Errorf("a page opened late got %d rows, %d dropped; want the %d held, none dropped", len(u.Rows), u.Dropped, historyRows)
	}
}
