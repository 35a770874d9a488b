package scenarios

import (
	"bytes"
	"errors"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/loopkit/loopkit/internal/testutil"
	"github.com/loopkit/loopkit/trace"
)

var update = flag.Bool("update", false, "rewrite the diagrams in docs/diagrams")

// diagramsDir holds the diagrams of every scenario, from this package's
// directory: docs embeds them, and this test keeps them current.
const diagramsDir = "../../docs/diagrams"

// TestDiagrams runs every scenario in every style on every backend, and
// compares its diagrams, text and SVG, with the ones in docs/diagrams: a
// scenario must come out the same, byte for byte, on every run and every
// backend, and the committed diagrams must be the ones the code draws.
// With -update it writes them instead (from the first backend, and checks
// the others against that).
func TestDiagrams(t *testing.T) {
	for _, sc := range All() {
		for _, style := range sc.Styles {
			t.Run(sc.Name+"/"+style, func(t *testing.T) {
				written := false
				base := filepath.Join(diagramsDir, sc.Name+"-"+style)
				testutil.ForEachBackend(t, func(t *testing.T, backend string) {
					res, err := runBounded(t, sc, Options{Style: style, Backend: backend})
					if err != nil {
						t.Fatal(err)
					}
					drawn := renderings(t, base, res)
					if *update && !written {
						removePages(t, base)
					}
					for _, d := range drawn {
						if *update && !written {
							writeDiagram(t, d.path, d.content)
							continue
						}
						compareDiagram(t, d.path, d.content)
					}
					written = true
				})
			})
		}
	}
}

// runBounded runs sc, failing the test if the run has not ended within
// a bound (scaled by LOOPKIT_TIME_SCALE): a scenario whose script and
// program disagree could otherwise wait for ever.
func runBounded(t *testing.T, sc Scenario, opts Options) (Result, error) {
	t.Helper()
	type ran struct {
		res Result
		err error
	}
	done := make(chan ran, 1)
	go func() {
		res, err := sc.Run(opts)
		done <- ran{res, err}
	}()
	select {
	case r := <-done:
		return r.res, r.err
	case <-time.After(testutil.Scale(30 * time.Second)):
		t.Fatalf("scenario %s, style %q, has not ended after %v", sc.Name, opts.Style, testutil.Scale(30*time.Second))
		return Result{}, nil
	}
}

// A diagramFile is a file of docs/diagrams and what it holds.
type diagramFile struct {
	path    string
	content []byte
}

// renderings returns a run's diagrams, named for base: the text
// (base.txt), and the SVG in pages that a screen shows whole (base.svg, or
// base-1.svg, base-2.svg, ...).
func renderings(t *testing.T, base string, res Result) []diagramFile {
	t.Helper()
	var text bytes.Buffer
	if err := trace.WriteText(&text, res.Title, res.Events); err != nil {
		t.Fatal(err)
	}
	diagrams := []diagramFile{{base + ".txt", text.Bytes()}}
	pages := trace.SVGPages(res.Title, res.Events, trace.Document)
	for i, page := range pages {
		diagrams = append(diagrams, diagramFile{trace.PageFile(base+".svg", i+1, len(pages)), page})
	}
	return diagrams
}

// removePages removes the SVG pages named for base, so that a run drawn
// in fewer pages leaves none behind.
func removePages(t *testing.T, base string) {
	t.Helper()
	numbered, _ := filepath.Glob(base + "-*.svg")
	for _, path := range append(numbered, base+".svg") {
		if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			t.Fatal(err)
		}
	}
}

func writeDiagram(t *testing.T, path string, content []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, content, 0o644); err != nil {
		t.Fatal(err)
	}
}

func compareDiagram(t *testing.T, path string, got []byte) {
	t.Helper()
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run: go generate ./trace/scenarios)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s is not what the run draws (-want +got):\n%s\nIf the change is meant, run: go generate ./trace/scenarios", path, diff)
	}
}
