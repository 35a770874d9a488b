package main

import (
	"strings"
	"testing"
)

// TestSmoke runs the program's demo as a student would, on the reference
// Serve and a free port, with fewer idle clients so that it is quick.
func TestSmoke(t *testing.T) {
	var out strings.Builder
	err := run([]string{"-ref", "-demo", "-addr", "127.0.0.1:0", "-hold", "50ms", "-clients", "20"}, &out)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	for _, want := range []string{"echo after", "OS threads"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the demo's output lacks %q:\n%s", want, out.String())
		}
	}
}
