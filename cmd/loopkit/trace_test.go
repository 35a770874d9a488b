package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/loopkit/loopkit/loop"
	"github.com/loopkit/loopkit/trace/scenarios"
)

// TestTraceDrawsTheDiagramsOfTheDocs runs loopkit trace as a user would,
// on every backend, and compares what it prints with the diagram of
// docs/diagrams that the scenarios' tests keep current.
func TestTraceDrawsTheDiagramsOfTheDocs(t *testing.T) {
	tests := []struct{ scenario, style string }{
		{"print_sum", "coroutines"},
		{"echo", "callbacks"},
		{"chat", "coroutines"},
		{"fetch", "protocol"},
	}
	for _, tt := range tests {
		want, err := os.ReadFile(filepath.Join("..", "..", "docs", "diagrams", tt.scenario+"-"+tt.style+".txt"))
		if err != nil {
			t.Fatal(err)
		}
		for _, backend := range loop.Backends() {
			t.Run(tt.scenario+"/"+tt.style+"/"+backend, func(t *testing.T) {
				stdout := traceInChild(t, "trace", tt.scenario, "--style", tt.style, "--backend", backend)
				if diff := cmp.Diff(string(want), stdout); diff != "" {
					t.Errorf("loopkit trace %s --style %s (-docs/diagrams +printed):\n%s", tt.scenario, tt.style, diff)
				}
			})
		}
	}
}

// traceInChild runs loopkit with args in a process of its own, as a reader
// who types the command does, and returns what it printed. The diagrams
// show which fds a poll found ready in fd order, and a fresh process numbers
// its fds the same way every time; inside the test binary, an fd that an
// earlier test's goroutine closes late (Go's HTTP client closes idle
// connections in the background) would shift the numbers and the order.
func traceInChild(t *testing.T, args ...string) string {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(exe, args...)
	cmd.Env = append(os.Environ(), childEnv+"=1")
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("loopkit %s: %v\n%s", strings.Join(args, " "), err, &stderr)
	}
	return stdout.String()
}

func TestTraceListsTheScenarios(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if status := cli([]string{"trace"}, &stdout, &stderr); status != 0 {
		t.Fatalf("loopkit trace: status %d\n%s", status, &stderr)
	}
	for _, want := range []string{"print_sum", "echo", "chat", "fetch", "styles: coroutines, callbacks, protocol"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("loopkit trace's list lacks %q:\n%s", want, &stdout)
		}
	}
}

// TestTraceWritesSVGPages runs loopkit trace --svg, with and without
// --projector, and checks the size and the name of the first page: a
// diagram of one page is written to the file named, a longer one to
// FILE-1.svg, FILE-2.svg, and so on.
func TestTraceWritesSVGPages(t *testing.T) {
	tests := []struct {
		name      string
		args      []string
		firstPage string
		font      string
	}{
		{"one page, for documents", []string{"print_sum"}, "d.svg", "font-size: 14px"},
		{"pages, for a projector", []string{"echo", "--style", "coroutines", "--projector"}, "d-1.svg", "font-size: 24px"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			var stdout, stderr bytes.Buffer
			args := append([]string{"trace", "--svg", filepath.Join(dir, "d.svg")}, tt.args...)
			if status := cli(args, &stdout, &stderr); status != 0 {
				t.Fatalf("loopkit %s: status %d\n%s", strings.Join(args, " "), status, &stderr)
			}
			page, err := os.ReadFile(filepath.Join(dir, tt.firstPage))
			if err != nil {
				t.Fatalf("loopkit %s: %v", strings.Join(args, " "), err)
			}
			if !strings.Contains(string(page), tt.font) {
				t.Errorf("loopkit %s: the first page has no %q", strings.Join(args, " "), tt.font)
			}
		})
	}
}

func TestTraceProjectorWantsAnSVGFile(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if status := cli([]string{"trace", "echo", "--projector"}, &stdout, &stderr); status != 2 {
		t.Errorf("loopkit trace echo --projector: status %d, want 2", status)
	}
	if !strings.Contains(stderr.String(), "--svg") {
		t.Errorf("loopkit trace echo --projector says %q, want it to ask for --svg", &stderr)
	}
}

// svgSize finds an SVG's width and height, on its first line.
var svgSize = regexp.MustCompile(`^<svg [^>]*width="(\d+)" height="(\d+)"`)

// TestTraceProjectorPagesFitTheScreen draws every scenario in every style
// with --projector, and checks that every page fits a 1920x1080 screen as
// drawn: a projector fitting it to the screen never shrinks its text.
func TestTraceProjectorPagesFitTheScreen(t *testing.T) {
	for _, sc := range scenarios.All() {
		for _, style := range sc.Styles {
			t.Run(sc.Name+"/"+style, func(t *testing.T) {
				dir := t.TempDir()
				var stdout, stderr bytes.Buffer
				if status := cli([]string{"trace", sc.Name, "--style", style, "--projector", "--svg", filepath.Join(dir, "d.svg")}, &stdout, &stderr); status != 0 {
					t.Fatalf("loopkit trace: status %d\n%s", status, &stderr)
				}
				pages, err := filepath.Glob(filepath.Join(dir, "d*.svg"))
				if err != nil || len(pages) == 0 {
					t.Fatalf("loopkit trace wrote no pages (%v)", err)
				}
				for _, path := range pages {
					page, err := os.ReadFile(path)
					if err != nil {
						t.Fatal(err)
					}
					m := svgSize.FindSubmatch(page)
					if m == nil {
						t.Fatalf("%s does not start with an svg element with a width and a height", filepath.Base(path))
					}
					width, _ := strconv.Atoi(string(m[1]))
					height, _ := strconv.Atoi(string(m[2]))
					if width > 1920 || height > 1080 {
						t.Errorf("%s is %dx%d, larger than 1920x1080", filepath.Base(path), width, height)
					}
				}
			})
		}
	}
}
