package main

import (
	"strings"
	"testing"
)

// TestSmoke runs the program's demo as a student would, on the reference
// Echo and a free port, with a short hold so that it takes a moment.
func TestSmoke(t *testing.T) {
	var out strings.Builder
	err := run([]string{"-ref", "-demo", "-addr", "127.0.0.1:0", "-hold", "50ms"}, &out)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "echo after") {
		t.Errorf("the demo printed no table:\n%s", out.String())
	}
}
