// Package styletest is what the examples' tests share: it runs a test once
// per style and backend, and starts and stops servers for it.
package styletest

import (
	"os"
	"sync"
	"testing"
	"time"

	"github.com/loopkit/loopkit/examples"
	"github.com/loopkit/loopkit/loop"
)

// Backends returns the backends to test on: the one LOOPKIT_BACKEND names,
// or every backend of the OS.
func Backends() []string {
	if b := os.Getenv("LOOPKIT_BACKEND"); b != "" {
		return []string{b}
	}
	return loop.Backends()
}

// ForEachBackend runs fn as a subtest named for the style, once per backend
// (style/backend) for a loop style, once (style) for goroutines, which has
// no loop.
func ForEachBackend(t *testing.T, style string, fn func(t *testing.T, backend string)) {
	t.Helper()
	if style == "goroutines" {
		t.Run(style, func(t *testing.T) { fn(t, "") })
		return
	}
	for _, b := range Backends() {
		t.Run(style+"/"+b, func(t *testing.T) { fn(t, b) })
	}
}

// Config returns a Config for a server on a free loopback port with the
// backend, whose errors fail t while it runs.
func Config(t *testing.T, backend string) examples.Config {
	var mu sync.Mutex
	done := false
	t.Cleanup(func() {
		mu.Lock()
		done = true
		mu.Unlock()
	})
	return examples.Config{
		Addr:    "127.0.0.1:0",
		Backend: backend,
		OnError: func(err error) {
			mu.Lock()
			defer mu.Unlock()
			if !done {
				t.Errorf("the server reported: %v", err)
			}
		},
	}
}

// Start calls start, fails t if it fails, stops the server when the test
// ends (failing t if Close fails or takes longer than closeBound), and
// returns its address.
func Start(t *testing.T, start func() (examples.Server, error)) string {
	t.Helper()
	srv, err := start()
	if err != nil {
		t.Fatalf("starting the server: %v", err)
	}
	t.Cleanup(func() { Close(t, srv) })
	return srv.Addr()
}

// closeBound is how long Close may take: it waits for every connection's
// goroutine or loop to end, which on a healthy server is at once.
const closeBound = 10 * time.Second

// Close closes srv and fails t if Close fails or hangs.
func Close(t *testing.T, srv examples.Server) {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- srv.Close() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("closing the server: %v", err)
		}
	case <-time.After(closeBound):
		t.Errorf("closing the server took more than %v: something it waits for never ends", closeBound)
	}
}
