package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/loopkit/loopkit/loop"
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
				var stdout, stderr bytes.Buffer
				if status := cli([]string{"trace", tt.scenario, "--style", tt.style, "--backend", backend}, &stdout, &stderr); status != 0 {
					t.Fatalf("loopkit trace: status %d\n%s", status, &stderr)
				}
				if diff := cmp.Diff(string(want), stdout.String()); diff != "" {
					t.Errorf("loopkit trace %s --style %s (-docs/diagrams +printed):\n%s", tt.scenario, tt.style, diff)
				}
			})
		}
	}
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
