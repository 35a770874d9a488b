package scenarios

import (
	"bytes"
	"flag"
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
				testutil.ForEachBackend(t, func(t *testing.T, backend string) {
					res, err := runBounded(t, sc, Options{Style: style, Backend: backend})
					if err != nil {
						t.Fatal(err)
					}
					for _, d := range renderings(t, res) {
						path := filepath.Join(diagramsDir, sc.Name+"-"+style+d.ext)
						if *update && !written {
							writeDiagram(t, path, d.content)
							continue
						}
						compareDiagram(t, path, d.content)
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

// renderings returns a run's diagrams: text and SVG.
func renderings(t *testing.T, res Result) []struct {
	ext     string
	content []byte
} {
	t.Helper()
	var text, svg bytes.Buffer
	if err := trace.WriteText(&text, res.Title, res.Events); err != nil {
		t.Fatal(err)
	}
	if err := trace.WriteSVG(&svg, res.Title, res.Events); err != nil {
		t.Fatal(err)
	}
	return []struct {
		ext     string
		content []byte
	}{{".txt", text.Bytes()}, {".svg", svg.Bytes()}}
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
