package trace

import (
	"encoding/xml"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/loopkit/loopkit/loop"
	"github.com/loopkit/loopkit/timers"
)

// TestSVGPagesFitTheScreen draws runs at each size and checks the rules
// of the sizes on every page: no taller than 1080 pixels (a projector's
// page no wider than 1920), no text smaller than the size's, drawn at the
// size it says (the viewBox is the page), the title with its page number,
// and the names of the lanes that run through the whole run; and that the
// pages draw every row once.
func TestSVGPagesFitTheScreen(t *testing.T) {
	long := recordLongRun(t, 40)
	tests := []struct {
		name      string
		size      Size
		events    []Event
		pages     int
		smallest  int // font size, in pixels
		widest    int
		everyPage []string // text on every page
	}{
		{"projector, long run", Projector, long, 7, 24, 1920, []string{"iter", "time", "loop", "room(lobby)"}},
		{"document, long run", Document, long, 4, 14, 0, []string{"iter", "time", "loop", "room(lobby)"}},
		{"projector, short run", Projector, drawn, 1, 24, 1920, []string{"iter", "time", "loop", "handler", "client"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pages := SVGPages("a run", tt.events, tt.size)
			if len(pages) != tt.pages {
				t.Errorf("%d pages, want %d", len(pages), tt.pages)
			}
			rows := 0
			for i, page := range pages {
				p := readPage(t, page)
				if p.height > 1080 || (tt.widest > 0 && p.width > tt.widest) {
					t.Errorf("page %d is %dx%d, want at most %dx1080", i+1, p.width, p.height, tt.widest)
				}
				if want := fmt.Sprintf("0 0 %d %d", p.width, p.height); p.viewBox != want {
					t.Errorf("page %d: viewBox %q, want %q: drawn at another size than it says", i+1, p.viewBox, want)
				}
				if p.smallest < tt.smallest {
					t.Errorf("page %d: text of %d px, want at least %d", i+1, p.smallest, tt.smallest)
				}
				want := append([]string{"a run"}, tt.everyPage...)
				if len(pages) > 1 {
					want[0] = fmt.Sprintf("a run (page %d of %d)", i+1, len(pages))
				}
				if diff := cmp.Diff(want, found(p.texts, want)); diff != "" {
					t.Errorf("page %d lacks texts (-want +found):\n%s", i+1, diff)
				}
				rows += strings.Count(string(page), "<text x=")
			}
			if want := len(layout(tt.events).rows); rows != want {
				t.Errorf("the pages draw %d rows, want %d", rows, want)
			}
		})
	}
}

// recordLongRun records a loop on a fake clock: a room that opens, then
// three clients taking turns, a line each second for steps seconds, then
// the room closing.
func recordLongRun(t *testing.T, steps int) []Event {
	t.Helper()
	clock := timers.NewFake(time.Date(2014, 7, 23, 12, 0, 0, 0, time.UTC))
	rec := NewRecorder()
	l, err := loop.New(loop.WithObserver(rec), loop.WithClock(clock))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	rec.Attach(l)
	var step func(n int)
	step = func(n int) {
		if n == steps {
			rec.Note("room(lobby)", "closes")
			return
		}
		rec.Note([]string{"alice", "bob", "carol"}[n%3], fmt.Sprintf("says line %d", n))
		l.CallLater(time.Second, func() { step(n + 1) })
		clock.Advance(time.Second)
	}
	l.CallSoon(func() {
		rec.Note("room(lobby)", "opens")
		step(0)
	})
	if err := l.Run(); err != nil {
		t.Fatal(err)
	}
	return rec.Events()
}

// A svgPage is what TestSVGPagesFitTheScreen checks of a page.
type svgPage struct {
	width, height int
	viewBox       string
	smallest      int      // the smallest font size named, in pixels
	texts         []string // the text elements' contents
}

// fontSize finds a font size, in CSS or in an attribute.
var fontSize = regexp.MustCompile(`font-size\s*[:=]\s*"?([^;"}]*)`)

// readPage reads an SVG page.
func readPage(t *testing.T, page []byte) svgPage {
	t.Helper()
	var p svgPage
	p.smallest = 1 << 30
	for _, m := range fontSize.FindAllStringSubmatch(string(page), -1) {
		px, err := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(m[1]), "px"))
		if err != nil {
			t.Fatalf("font size %q is not in pixels", m[1])
		}
		p.smallest = min(p.smallest, px)
	}
	var svg struct {
		Width   int      `xml:"width,attr"`
		Height  int      `xml:"height,attr"`
		ViewBox string   `xml:"viewBox,attr"`
		Texts   []string `xml:"text"`
	}
	if err := xml.Unmarshal(page, &svg); err != nil {
		t.Fatalf("the page is not XML: %v", err)
	}
	p.width, p.height, p.viewBox, p.texts = svg.Width, svg.Height, svg.ViewBox, svg.Texts
	return p
}

// found returns the wanted texts that are among texts.
func found(texts, want []string) []string {
	var found []string
	for _, w := range want {
		if slices.Contains(texts, w) {
			found = append(found, w)
		}
	}
	return found
}
