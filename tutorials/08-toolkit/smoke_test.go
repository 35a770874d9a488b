package main

import (
	"strings"
	"testing"
)

// TestSmoke runs the program's demo as a student would, on the reference
// solution and a free port.
func TestSmoke(t *testing.T) {
	var out strings.Builder
	err := run([]string{"-ref", "-demo", "-addr", "127.0.0.1:0"}, &out)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	for _, want := range []string{`"## carol left the chat.\n"`, "most in flight", "timeout after 100ms"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the demo did not print %q:\n%s", want, out.String())
		}
	}
}
