package main

import (
	"strings"
	"testing"
)

// TestSmoke runs the program as a student would, on a free port.
func TestSmoke(t *testing.T) {
	var out strings.Builder
	if err := run([]string{"-demo", "-ref", "-addr", "127.0.0.1:0"}, &out); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	for _, want := range []string{"pollers", "ready."} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}
