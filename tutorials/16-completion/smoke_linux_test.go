//go:build linux

package main

import (
	"errors"
	"strings"
	"testing"

	"github.com/loopkit/loopkit/internal/uring"
)

// TestSmoke runs the program's demo as a student would, on the reference
// ring, with fewer clients so that it is quick.
func TestSmoke(t *testing.T) {
	var out strings.Builder
	err := run([]string{"-ref", "-demo", "-clients", "5", "-round-trips", "20"}, &out)
	if errors.Is(err, uring.ErrUnavailable) {
		t.Skip(err)
	}
	if err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	for _, want := range []string{"readiness: kit loop on epoll", "completion: your ring", "system calls per round trip"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the demo did not print %q:\n%s", want, out.String())
		}
	}
}
