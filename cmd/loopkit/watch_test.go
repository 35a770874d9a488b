package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/google/go-cmp/cmp"
	"github.com/loopkit/loopkit/internal/testutil"
	"github.com/loopkit/loopkit/loop"
	"github.com/loopkit/loopkit/trace"
	"github.com/loopkit/loopkit/trace/scenarios"
	"github.com/loopkit/loopkit/watch"
)

// TestWatchInABrowser drives the live view in a real browser, Chromium,
// through every scenario in every style: it presses Step through all the
// iterations but the last runLeft (a click, or PageDown as a presentation
// remote sends it, in turns), checking at each that the page shows
// what the run's recorder and loop held then (the iteration, the waiters
// by name, the timers, the ready queue, the coroutines and what each waits
// on), then presses Run, and checks that the diagram the page drew at the
// end is the run's recorded trace. A scenario's first style runs the rest
// at full speed (the watcher lets the loop go), the others at 10
// iterations a second (the page steps it on a timer).
func TestWatchInABrowser(t *testing.T) {
	ctx := startBrowser(t)
	for _, sc := range scenarios.All() {
		for i, style := range sc.Styles {
			speed := "0"
			if i > 0 {
				speed = "10"
			}
			t.Run(sc.Name+"/"+style, func(t *testing.T) {
				run := scenarios.Options{Style: style}
				stepThenRun(t, ctx, sc, run, iterations(t, sc, run)-runLeft, speed)
			})
		}
	}
	// On every backend, one scenario: the page shows each as it shows
	// the default.
	echo, err := scenarios.Lookup("echo")
	if err != nil {
		t.Fatal(err)
	}
	for _, backend := range loop.Backends() {
		t.Run("echo/callbacks/"+backend, func(t *testing.T) {
			run := scenarios.Options{Style: "callbacks", Backend: backend}
			stepThenRun(t, ctx, echo, run, iterations(t, echo, run)-runLeft, "0")
		})
	}
}

// runLeft is how many iterations of a scenario the page runs with Run
// rather than steps: a few, so that Run is shown to let the loop go.
const runLeft = 3

// iterations returns how many iterations a run of sc takes: the same on
// every run, as its clock is fake and its world acts one step at a time.
func iterations(t *testing.T, sc scenarios.Scenario, run scenarios.Options) int {
	t.Helper()
	res, err := sc.Run(run)
	if err != nil {
		t.Fatal(err)
	}
	return int(res.Events[len(res.Events)-1].Iteration)
}

// stepThenRun runs sc under a watcher whose page is open in a tab of ctx's
// browser; it presses Step steps times, checking the page each time, then
// Run at speed (the value of the page's speed list: "0" for full), and
// checks the end.
func stepThenRun(t *testing.T, browser context.Context, sc scenarios.Scenario, run scenarios.Options, steps int, speed string) {
	w, err := watch.Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := w.Close(); err != nil {
			t.Errorf("watcher's Close: %v", err)
		}
	}()
	ctx, cancel := chromedp.NewContext(browser)
	defer cancel()
	ctx, cancel = context.WithTimeout(ctx, browserBound())
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Navigate(w.URL())); err != nil {
		t.Fatalf("opening %s: %v", w.URL(), err)
	}

	var mu sync.Mutex
	held := map[uint64]trace.Snapshot{} // what the loop held before each iteration
	ran := make(chan scenarios.Result, 1)
	go func() {
		run.Pause = func(p scenarios.Paused) {
			mu.Lock()
			held[p.Iteration] = p.Snapshot
			mu.Unlock()
		}
		res, err := showScenario(w, sc, run)
		if err != nil {
			t.Errorf("the scenario: %v", err)
		}
		ran <- res
	}()

	for n := uint64(1); n <= uint64(steps); n++ {
		if !waitFor(t, ctx, fmt.Sprintf(`document.getElementById("iteration").textContent === "%d" || !document.getElementById("ended").hidden`, n)) {
			t.Fatalf("the page never showed iteration %d", n)
		}
		got := readPage(t, ctx)
		if got.Ended {
			break // a short scenario
		}
		mu.Lock()
		want := pageOf(held[n])
		mu.Unlock()
		if diff := cmp.Diff(want, got.State); diff != "" {
			t.Fatalf("before iteration %d the page shows (-the loop held +page):\n%s", n, diff)
		}
		if got.Mode != "paused" {
			t.Errorf("before iteration %d the page says the loop is %q, want paused", n, got.Mode)
		}
		if n%2 == 0 {
			click(t, ctx, "step")
		} else if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.PageDown)); err != nil {
			t.Fatalf("pressing PageDown, a presentation remote's next: %v", err)
		}
	}
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById("speed").value = "`+speed+`"`)); err != nil {
		t.Fatalf("choosing speed %s: %v", speed, err)
	}
	click(t, ctx, "run")
	res := <-ran
	if !waitFor(t, ctx, `!document.getElementById("ended").hidden`) {
		t.Fatal("the page never said the run has ended")
	}
	got := readPage(t, ctx)
	want := lastRows(res.Events, len(got.Rows))
	if len(got.Rows) == 0 || len(got.Rows) > 60 {
		t.Errorf("the page shows %d rows of the diagram, want from 1 to 60", len(got.Rows))
	}
	if diff := cmp.Diff(want, got.Rows); diff != "" {
		t.Errorf("the diagram's last rows (-recorded trace +page):\n%s", diff)
	}
	if got.Dropped != "0" {
		t.Errorf("the page says %s rows were dropped; a scenario is shorter than what the watcher keeps", got.Dropped)
	}
}

// A page is what the live view shows, read from its DOM.
type page struct {
	State   pageState
	Mode    string
	Ended   bool
	Dropped string
	Rows    []string // "#3 poll(block) watching listener:R", " ready: ..."
}

// pageState is the part of the page that shows what the loop holds.
type pageState struct {
	Iteration  string
	Clock      string
	Readers    []string
	Writers    []string
	Timers     []string
	Ready      string
	Coroutines []string // "handler(client1) parked on Conn.Read"
}

// readPageJS reads the page into a page, by ids and classes of
// watch/page/index.html and page.js.
const readPageJS = `(() => {
  const texts = (sel) => Array.from(document.querySelectorAll(sel), (e) => e.textContent);
  const text = (id) => document.getElementById(id).textContent;
  return {
    State: {
      Iteration: text("iteration"), Clock: text("clock"),
      Readers: texts("#readers li"), Writers: texts("#writers li"), Timers: texts("#timers li"),
      Ready: text("ready"),
      Coroutines: Array.from(document.querySelectorAll("#coroutines tr[data-name]"),
        (tr) => tr.dataset.name + " " + tr.querySelector(".what").textContent),
    },
    Mode: text("mode"),
    Ended: !document.getElementById("ended").hidden,
    Dropped: text("dropped"),
    Rows: Array.from(document.querySelectorAll("#rows tr"),
      (tr) => tr.querySelector(".iter").textContent + " " + tr.querySelector(".text").textContent),
  };
})()`

func readPage(t *testing.T, ctx context.Context) page {
	t.Helper()
	p, err := chromedp.Run(ctx, chromedp.Evaluate[page](readPageJS))
	if err != nil {
		t.Fatalf("reading the page: %v", err)
	}
	return p
}

// pageOf says what the page should show of s, in its words.
func pageOf(s trace.Snapshot) pageState {
	p := pageState{Iteration: strconv.FormatUint(s.Iteration, 10), Clock: s.Clock.String(), Ready: strconv.Itoa(s.Ready),
		Readers: []string{}, Writers: []string{}, Timers: []string{}, Coroutines: []string{}}
	p.Readers = append(p.Readers, s.Readers...)
	p.Writers = append(p.Writers, s.Writers...)
	for _, d := range s.Timers {
		p.Timers = append(p.Timers, fmt.Sprintf("%s (in %s)", d, d-s.Clock))
	}
	for _, co := range s.Coroutines {
		what := "parked on " + co.ParkedOn
		if co.ParkedOn == "" {
			what = "not started yet"
		}
		p.Coroutines = append(p.Coroutines, co.Name+" "+what)
	}
	return p
}

// lastRows returns the last n rows of the diagram of events, as the page
// writes them.
func lastRows(events []trace.Event, n int) []string {
	var rows []string
	for _, r := range trace.NewLive().Add(events) {
		rows = append(rows, r.Iteration+" "+r.Text)
	}
	return rows[max(0, len(rows)-n):]
}

func click(t *testing.T, ctx context.Context, id string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#"+id))); err != nil {
		t.Fatalf("clicking %s: %v", id, err)
	}
}

// waitFor waits until the JavaScript expression is true in the page, and
// reports whether it came true in time.
func waitFor(t *testing.T, ctx context.Context, expression string) bool {
	t.Helper()
	ok, err := chromedp.Run(ctx, chromedp.Poll[bool](expression, chromedp.WithPollingTimeout(browserBound())))
	return err == nil && ok
}

// browserBound bounds each wait on the browser: generous, as a browser on
// a busy machine is slow, and scaled by LOOPKIT_TIME_SCALE.
func browserBound() time.Duration { return testutil.Scale(20 * time.Second) }

// browsers are the names Chromium goes by, Debian's first.
var browsers = []string{"chromium", "chromium-browser", "google-chrome"}

// startBrowser starts a headless Chromium for the test, or skips the test,
// saying why, if none is installed. In CI (CI=true) a missing browser
// fails the test: CI installs one (make browser), so the test must run.
func startBrowser(t *testing.T) context.Context {
	t.Helper()
	path := ""
	for _, name := range browsers {
		if p, err := exec.LookPath(name); err == nil {
			path = p
			break
		}
	}
	if path == "" {
		why := fmt.Sprintf("no Chromium to drive: none of %v is on PATH (make browser installs Debian's chromium)", browsers)
		if os.Getenv("CI") == "true" {
			t.Fatal(why + "; CI installs one, so the browser test must run there")
		}
		t.Skip(why)
	}
	// chromedp's defaults (headless, no background networking, shared
	// memory in /tmp rather than a container's small /dev/shm), and
	// Debian's chromium as root (CI) needs no sandbox. Without the flags
	// that turn off background networking and updates, Chromium reaches
	// for the network at start, which a test must not need.
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.WindowSize(1920, 1080),
	)
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(alloc)
	t.Cleanup(func() {
		cancel()
		cancelAlloc()
	})
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("starting %s: %v", path, err)
	}
	return ctx
}

// TestWatchRefusesBadArguments checks that each mistake gets a usage
// error that names it.
func TestWatchRefusesBadArguments(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"watch"}, "name a scenario (print_sum, echo, chat, fetch), or echo or chat with --live"},
		{[]string{"watch", "ftp"}, `unknown scenario "ftp" (choose one of: print_sum, echo, chat, fetch)`},
		{[]string{"watch", "echo", "--style", "threads"}, `scenario echo has no style "threads" (choose one of: coroutines, callbacks, protocol)`},
		{[]string{"watch", "echo", "--backend", "iouring"}, `unknown backend "iouring"`},
		{[]string{"watch", "echo", "--addr", "127.0.0.1:0"}, "--addr is the address of a --live server"},
		{[]string{"watch", "fetch", "--live"}, `--live runs echo or chat, not "fetch"`},
		{[]string{"watch", "chat", "--live", "--style", "goroutines"}, "the goroutines style has no loop to watch"},
		{[]string{"watch", "echo", "extra"}, "unexpected arguments: extra"},
	}
	for _, tt := range tests {
		var stdout, stderr strings.Builder
		if status := cli(tt.args, &stdout, &stderr); status != 2 {
			t.Errorf("loopkit %s: status %d, want 2", strings.Join(tt.args, " "), status)
		}
		if !strings.Contains(stderr.String(), tt.want) {
			t.Errorf("loopkit %s: stderr\n%s\nwant it to contain %q", strings.Join(tt.args, " "), stderr.String(), tt.want)
		}
	}
}

// TestWatchLiveChatShowsEachMessage runs the live chat under a watcher, as
// a workshop does, with a page open (Go's HTTP client reading the stream)
// and a user on a plain TCP connection: the page's diagram shows the
// user's fd found ready, and the room's line for what the user did.
func TestWatchLiveChatShowsEachMessage(t *testing.T) {
	w, err := watch.Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out, printed := io.Pipe()
	served := make(chan error, 1)
	opts := watchOptions{program: "chat", live: true, style: "coroutines", addr: "127.0.0.1:0"}
	go func() {
		served <- watchLive(ctx, w, opts, printed)
		printed.Close()
	}()
	lines := bufio.NewScanner(out)
	if !lines.Scan() {
		t.Fatalf("loopkit watch chat --live printed nothing: %v", <-served)
	}
	addr := strings.TrimSuffix(strings.Fields(lines.Text())[4], ";") // "loopkit: chat listening on ADDR; ..."
	go io.Copy(io.Discard, out)

	rows := openEvents(t, w)
	user, err := net.DialTimeout("tcp", addr, browserBound())
	if err != nil {
		t.Fatal(err)
	}
	defer user.Close()
	user.SetDeadline(time.Now().Add(browserBound()))
	say := func(line string) {
		t.Helper()
		if _, err := io.WriteString(user, line); err != nil {
			t.Fatal(err)
		}
	}
	// One line at a time, each after the page showed the last: the
	// second then comes in a poll of its own.
	say("alice\n")
	waitRow(t, rows, "alice joins from 127.0.0.1")
	say("hi\n")
	waitRow(t, rows, "ready: conn#1:R")
	waitRow(t, rows, "alice says a line")
	reply := bufio.NewReader(user)
	for {
		line, err := reply.ReadString('\n')
		if err != nil {
			t.Fatalf("alice never read her own line back: %v", err)
		}
		if strings.Contains(line, "alice> hi") {
			break
		}
	}
	cancel()
	if err := <-served; err != nil {
		t.Errorf("watchLive: %v", err)
	}
}

// openEvents reads the page's stream of updates as a page would, and
// returns the texts of the diagram's rows as they come.
func openEvents(t *testing.T, w *watch.Watcher) <-chan string {
	t.Helper()
	client := &http.Client{Transport: &http.Transport{}}
	resp, err := client.Get(w.URL() + "events")
	if err != nil {
		t.Fatal(err)
	}
	rows := make(chan string, 10000)
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer close(rows)
		lines := bufio.NewScanner(resp.Body)
		lines.Buffer(nil, 1<<20)
		for lines.Scan() {
			data, ok := strings.CutPrefix(lines.Text(), "data: ")
			if !ok {
				continue
			}
			var u struct{ Rows []struct{ Text string } }
			if err := json.Unmarshal([]byte(data), &u); err != nil {
				t.Errorf("an update that is not JSON: %v: %s", err, data)
				return
			}
			for _, r := range u.Rows {
				rows <- r.Text
			}
		}
	}()
	t.Cleanup(func() {
		resp.Body.Close()
		<-done
		client.CloseIdleConnections()
	})
	return rows
}

// waitRow waits for a row whose text contains want.
func waitRow(t *testing.T, rows <-chan string, want string) {
	t.Helper()
	deadline := time.After(browserBound())
	for {
		select {
		case text, ok := <-rows:
			if !ok {
				t.Fatalf("the stream ended before a row with %q", want)
			}
			if strings.Contains(text, want) {
				return
			}
		case <-deadline:
			t.Fatalf("no row with %q after %v", want, browserBound())
		}
	}
}

// TestWatchInterruptEndsAHeldScenario interrupts loopkit watch while its
// scenario waits for a page that never comes: it ends all the same.
func TestWatchInterruptEndsAHeldScenario(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	out, printed := io.Pipe()
	ended := make(chan error, 1)
	go func() {
		ended <- watchRun(ctx, watchOptions{program: "echo", page: "127.0.0.1:0"}, printed)
		printed.Close()
	}()
	lines := bufio.NewScanner(out)
	for lines.Scan() && !strings.Contains(lines.Text(), "waits at iteration 1") {
	}
	go io.Copy(io.Discard, out)
	cancel()
	select {
	case err := <-ended:
		if err != nil {
			t.Errorf("watchRun: %v", err)
		}
	case <-time.After(browserBound()):
		t.Fatalf("loopkit watch still ran %v after the interrupt", browserBound())
	}
}
