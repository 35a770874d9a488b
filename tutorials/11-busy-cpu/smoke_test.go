package main

import (
	"strings"
	"testing"
)

// TestSmoke runs the program's demo as a student would, on the reference
// server and a free port, with smaller work so that it is quick.
func TestSmoke(t *testing.T) {
	var out strings.Builder
	err := run([]string{"-ref", "-demo", "-addr", "127.0.0.1:0", "-n", "27"}, &out)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), `A got "fib 27 = 196418" each time`) {
		t.Errorf("the demo did not print fib(27):\n%s", out.String())
	}
}
