package trace

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/loopkit/loopkit/loop"
)

// drawn is a short run written by hand, with one of everything the
// diagrams draw: a client's note, two fds ready at once, a reader, a
// resume that a CallSoon callback only carries (drawn as the resume
// alone), a park, a coroutine that finishes with an error, a timer, and
// the clock moving.
var drawn = []Event{
	{Kind: IterationStarted, Iteration: 1, Lane: "loop"},
	{Kind: PollStarted, Iteration: 1, Lane: "loop", Timeout: -1, Watching: []FD{{"listener", loop.Readable}, {"conn#1", loop.Readable}}},
	{Kind: Note, Iteration: 1, Lane: "client", What: `client sends "hi\n"`},
	{Kind: PollReturned, Iteration: 1, Lane: "loop", Ready: []FD{{"conn#1", loop.Readable}, {"listener", loop.Readable}}},
	{Kind: CallbackRun, Iteration: 1, Lane: "conn#1", Callback: loop.Reader, FD: "conn#1", Func: "p.read"},
	{Kind: CallbackReturned, Iteration: 1, Lane: "conn#1"},
	{Kind: CallbackRun, Iteration: 1, Lane: "loop", Callback: loop.Soon, Func: "coroutines.(*Coroutine).resumeIfQueued"},
	{Kind: Resumed, Iteration: 1, Lane: "handler", Coroutine: "handler"},
	{Kind: Parked, Iteration: 1, Lane: "handler", Coroutine: "handler", What: "Conn.Read"},
	{Kind: CallbackReturned, Iteration: 1, Lane: "loop"},
	{Kind: IterationStarted, Iteration: 2, Lane: "loop"},
	{Kind: PollStarted, Iteration: 2, Lane: "loop", Timeout: 0, Watching: []FD{{"listener", loop.Readable}}},
	{Kind: PollReturned, Iteration: 2, At: time.Second, Lane: "loop", Ready: []FD{{"wake", loop.Readable}}},
	{Kind: TimerFired, Iteration: 2, At: time.Second, Lane: "loop", Callback: loop.Timer, Func: "p.tick", Deadline: time.Second, Late: 0},
	{Kind: CallbackReturned, Iteration: 2, At: time.Second, Lane: "loop"},
	{Kind: CallbackRun, Iteration: 2, At: time.Second, Lane: "loop", Callback: loop.Soon, Func: "coroutines.(*Coroutine).resumeIfQueued"},
	{Kind: Resumed, Iteration: 2, At: time.Second, Lane: "handler", Coroutine: "handler"},
	{Kind: Note, Iteration: 2, At: time.Second, Lane: "handler", What: "got hi"},
	{Kind: Finished, Iteration: 2, At: time.Second, Lane: "handler", Coroutine: "handler", Err: "boom"},
	{Kind: CallbackReturned, Iteration: 2, At: time.Second, Lane: "loop"},
}

func TestWriteTextDrawsLanesAndArrows(t *testing.T) {
	var b strings.Builder
	if err := WriteText(&b, "a title", drawn); err != nil {
		t.Fatal(err)
	}
	want := `a title

           loop
           │  conn#1
           │  │  listener
           │  │  │  handler
iter time  │  │  │  │  client
  #1 0s    ●             poll(block) watching listener:R conn#1:R
           │           ● client sends "hi\n"
           ◀──●──●       ready: conn#1:R listener:R
           ●──▶  │       reader conn#1: p.read
           ●─────┼──▶    start handler
           ◀─────┼──●    handler parks on Conn.Read
  #2       ●     │  │    poll(0s) watching listener:R
     1s    ●        │    ready: wake:R
           ●        │    timer due 1s, late 0s: p.tick
           ●────────▶    resume handler
           │        ●    got hi
           ◀────────●    handler finishes: boom
`
	if diff := cmp.Diff(want, b.String()); diff != "" {
		t.Errorf("WriteText (-want +got):\n%s", diff)
	}
}

func TestSVGPagesDrawTheSameDiagram(t *testing.T) {
	pages := SVGPages("a <title>", drawn, Document)
	if len(pages) != 1 {
		t.Fatalf("%d pages, want 1", len(pages))
	}
	svg := string(pages[0])
	for _, want := range []string{
		`<text class="title" x="12" y="27">a &lt;title&gt;</text>`, // escaped
		`>handler</text>`, `>client</text>`, // the lanes
		`marker-end="url(#head-resume)"`, `marker-end="url(#head-park)"`, `marker-end="url(#head-ready)"`, `marker-end="url(#head-call)"`,
		`>ready: conn#1:R listener:R</text>`, `>handler finishes: boom</text>`,
	} {
		if !strings.Contains(svg, want) {
			t.Errorf("the SVG has no %s:\n%s", want, svg)
		}
	}
	if got := strings.Count(svg, "<text x="); got != 12 {
		t.Errorf("the SVG has %d rows of text, want 12, one per row of the text diagram", got)
	}
}
