package examples_test

import (
	"fmt"
	"io"
	"net"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/loopkit/loopkit/coroutines"
	"github.com/loopkit/loopkit/examples"
	"github.com/loopkit/loopkit/examples/echo"
	"github.com/loopkit/loopkit/examples/fetch"
	"github.com/loopkit/loopkit/examples/fetch/fetchtest"
	"github.com/loopkit/loopkit/examples/internal/styletest"
	"github.com/loopkit/loopkit/loop"
	"github.com/loopkit/loopkit/timers"
)

// epoch is where the fake clock of the hooks' tests starts.
var epoch = time.Date(2014, 7, 23, 12, 0, 0, 0, time.UTC)

// hooked is what the hooks of one run saw, in a form cmp can compare: the
// loops OnLoop got, with the backend and the clock of each (the fake clock
// of LoopOptions reads epoch), the hubs OnHub got, by the index of their
// loop, and the first coroutine each hub ran (which the observer OnHub set
// sees only if it was set before).
type hooked struct {
	Loops        []string // "BACKEND at CLOCK", one per loop
	Hubs         []int    // the loop each hub runs on, by its index in Loops
	FirstResumed []string // each hub's first coroutine to run
}

// hookRecorder makes Hooks that write down what they are given. Loops run
// on goroutines of their own, so a mutex guards it; the test reads it once
// the program has ended.
type hookRecorder struct {
	mu      sync.Mutex // guards the rest
	loops   []*loop.Loop
	hubs    []*coroutines.Hub
	resumed map[*coroutines.Hub][]string
}

func newHookRecorder() *hookRecorder {
	return &hookRecorder{resumed: map[*coroutines.Hub][]string{}}
}

// hooks returns Hooks that put a fake clock on every loop, record the
// loops and hubs, and watch each hub.
func (h *hookRecorder) hooks() examples.Hooks {
	return examples.Hooks{
		LoopOptions: []loop.Option{loop.WithClock(timers.NewFake(epoch))},
		OnLoop: func(l *loop.Loop) {
			h.mu.Lock()
			defer h.mu.Unlock()
			h.loops = append(h.loops, l)
		},
		OnHub: func(hub *coroutines.Hub) {
			h.mu.Lock()
			defer h.mu.Unlock()
			h.hubs = append(h.hubs, hub)
			hub.SetObserver(&hubWatcher{h: h, hub: hub})
		},
	}
}

// hubWatcher is the observer OnHub puts on a hub: it notes the coroutines
// that run.
type hubWatcher struct {
	h   *hookRecorder
	hub *coroutines.Hub
}

func (w *hubWatcher) Resumed(co *coroutines.Coroutine) {
	w.h.mu.Lock()
	defer w.h.mu.Unlock()
	w.h.resumed[w.hub] = append(w.h.resumed[w.hub], co.Name())
}

func (w *hubWatcher) Parked(*coroutines.Coroutine, string)  {}
func (w *hubWatcher) Finished(*coroutines.Coroutine, error) {}

// seen returns what the hooks saw. Call it once the program has ended.
func (h *hookRecorder) seen() hooked {
	h.mu.Lock()
	defer h.mu.Unlock()
	var got hooked
	for _, l := range h.loops {
		got.Loops = append(got.Loops, fmt.Sprintf("%s at %s", l.Backend(), l.Now().Format(time.TimeOnly)))
	}
	for _, hub := range h.hubs {
		got.Hubs = append(got.Hubs, slices.Index(h.loops, hub.Loop()))
		first := ""
		if names := h.resumed[hub]; len(names) > 0 {
			first = names[0]
		}
		got.FirstResumed = append(got.FirstResumed, first)
	}
	return got
}

// The Hooks of a Config reach the loops and hubs the program makes: here
// a fake clock on the loop of an echo server, and a look at its hub,
// without a line of the echo server changed.
func ExampleHooks() {
	cfg := examples.Config{
		Addr: "127.0.0.1:0",
		Hooks: examples.Hooks{
			LoopOptions: []loop.Option{loop.WithClock(timers.NewFake(epoch))},
			OnLoop: func(l *loop.Loop) {
				fmt.Println("a loop, its clock at", l.Now().Format(time.Kitchen))
			},
			OnHub: func(h *coroutines.Hub) {
				fmt.Println("a hub, with", len(h.Coroutines()), "coroutine not started yet")
			},
		},
	}
	start, err := echo.Styles.Lookup("coroutines")
	if err != nil {
		fmt.Println(err)
		return
	}
	srv, err := start(cfg)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("closed:", srv.Close())
	// Output:
	// a loop, its clock at 12:00PM
	// a hub, with 1 coroutine not started yet
	// closed: <nil>
}

// TestHooksShapeEveryLoopAndHubOfAServer starts the echo server in every
// style on two loops, with Hooks, and checks that each loop the server
// made got the options and went to OnLoop, and each hub to OnHub before
// any of its coroutines ran; the goroutines style makes neither.
func TestHooksShapeEveryLoopAndHubOfAServer(t *testing.T) {
	for _, style := range echo.Styles {
		styletest.ForEachBackend(t, style.Name, func(t *testing.T, backend string) {
			rec := newHookRecorder()
			cfg := styletest.Config(t, backend)
			cfg.Loops = 2
			cfg.Hooks = rec.hooks()
			srv, err := style.Start(cfg)
			if err != nil {
				t.Fatal(err)
			}
			echoOnce(t, srv.Addr())
			styletest.Close(t, srv)
			want := hooked{}
			if style.Name != "goroutines" {
				at := fmt.Sprintf("%s at %s", backend, epoch.Format(time.TimeOnly))
				want.Loops = []string{at, at}
			}
			if style.Name == "coroutines" {
				want.Hubs = []int{0, 1}
				want.FirstResumed = []string{"acceptor", "acceptor"}
			}
			if diff := cmp.Diff(want, rec.seen()); diff != "" {
				t.Errorf("what the hooks saw (-want +got):\n%s", diff)
			}
		})
	}
}

// echoOnce checks that the echo server at addr echoes a line.
func echoOnce(t *testing.T, addr string) {
	t.Helper()
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(conn, "hi\n"); err != nil {
		t.Fatal(err)
	}
	got := make([]byte, 3)
	if _, err := io.ReadFull(conn, got); err != nil || string(got) != "hi\n" {
		t.Fatalf("echo: got %q, %v; want %q", got, err, "hi\n")
	}
}

// TestHooksShapeTheLoopAndHubOfAFetch fetches a URL in every style with
// Hooks: the loop styles make one loop, which gets the options and goes
// to OnLoop, and the coroutines style one hub, which goes to OnHub before
// its first coroutine runs.
func TestHooksShapeTheLoopAndHubOfAFetch(t *testing.T) {
	s := fetchtest.NewServer(0)
	defer s.Close()
	for _, style := range fetch.Styles {
		styletest.ForEachBackend(t, style.Name, func(t *testing.T, backend string) {
			rec := newHookRecorder()
			cfg := fetch.Config{Backend: backend, OnError: styletest.Config(t, backend).OnError, Hooks: rec.hooks()}
			got := boundedFetch(t, style.Start, cfg, s.URLOf("/ok/a"))
			if diff := cmp.Diff("body of a", got); diff != "" {
				t.Errorf("the body fetched (-want +got):\n%s", diff)
			}
			want := hooked{}
			if style.Name != "goroutines" {
				want.Loops = []string{fmt.Sprintf("%s at %s", backend, epoch.Format(time.TimeOnly))}
			}
			if style.Name == "coroutines" {
				want.Hubs = []int{0}
				want.FirstResumed = []string{"coroutine-1"}
			}
			if diff := cmp.Diff(want, rec.seen()); diff != "" {
				t.Errorf("what the hooks saw (-want +got):\n%s", diff)
			}
		})
	}
}

// boundedFetch fetches url with f and returns its body, or its error's
// text. On the fake clock of the hooks the fetch's own timeout never
// passes, so the test bounds the wait instead.
func boundedFetch(t *testing.T, f fetch.Fetch, cfg fetch.Config, url string) string {
	t.Helper()
	done := make(chan []fetch.Result, 1)
	go func() { done <- f(cfg, []string{url}) }()
	select {
	case results := <-done:
		if len(results) != 1 {
			t.Fatalf("%d results for one URL", len(results))
		}
		if results[0].Err != nil {
			return results[0].Err.Error()
		}
		return string(results[0].Body)
	case <-time.After(fetchtest.Bound()):
		t.Fatalf("the fetch of %s has not ended after %v", url, fetchtest.Bound())
		return ""
	}
}

// TestLoopOptionsComeAfterTheConfigs makes a loop with Hooks whose
// LoopOptions name another backend than the Config's: they win.
func TestLoopOptionsComeAfterTheConfigs(t *testing.T) {
	backends := loop.Backends()
	for i, b := range backends {
		other := backends[(i+1)%len(backends)]
		t.Run(b, func(t *testing.T) {
			hooks := examples.Hooks{LoopOptions: []loop.Option{loop.WithBackend(other)}}
			l, err := hooks.NewLoop(b, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer l.Close()
			if got := l.Backend(); got != other {
				t.Errorf("NewLoop(%q) with LoopOptions WithBackend(%q): the loop runs on %s, want %s", b, other, got, other)
			}
		})
	}
}
