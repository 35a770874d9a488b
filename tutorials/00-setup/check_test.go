package main

import (
	"testing"

	"github.com/loopkit/loopkit/tutorials/internal/steptest"
)

// TestEnvironment checks what every later step needs: enough fds, a
// working poller, a port to listen on, and a loopback round trip. It passes
// on the untouched step: step 00 is about running a check, not writing
// code.
func TestEnvironment(t *testing.T) {
	steptest.CheckLeaks(t)
	for _, r := range runChecks("127.0.0.1:0") {
		t.Run(r.id, func(t *testing.T) {
			if r.err != nil {
				t.Fatalf("%s: %v", r.name, r.err)
			}
			t.Logf("%s: %s", r.name, r.value)
		})
	}
}
