package main

import (
	"strings"
	"testing"
)

// TestSmoke runs the program's demo as a student would, on the reference
// poller and a free port, with fewer clients so that it is quick.
func TestSmoke(t *testing.T) {
	var out strings.Builder
	err := run([]string{"-ref", "-demo", "-addr", "127.0.0.1:0", "-clients", "10", "-size", "4096"}, &out)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "Wait calls") {
		t.Errorf("the demo printed no table:\n%s", out.String())
	}
}
