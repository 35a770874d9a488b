package main

import (
	"strings"
	"testing"
)

// TestSmoke runs the program's demo as a student would, on the reference.
func TestSmoke(t *testing.T) {
	var out strings.Builder
	if err := run([]string{"-ref", "-demo", "-n", "8"}, &out); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	for _, want := range []string{"8 children reaped, in", "Ctrl-C (SIGINT) reached the loop as a callback: stopping"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the demo did not print %q:\n%s", want, out.String())
		}
	}
}
