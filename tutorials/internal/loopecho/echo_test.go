package loopecho_test

import (
	"testing"

	"github.com/loopkit/loopkit/loop"
	"github.com/loopkit/loopkit/tutorials/internal/loopecho"
	"github.com/loopkit/loopkit/tutorials/internal/steptest"
)

// TestEchoOnEveryBackend runs the echo suite against the server on the
// kit's loop, on each backend: the server the steps rely on is itself
// checked.
func TestEchoOnEveryBackend(t *testing.T) {
	for _, backend := range loop.Backends() {
		t.Run(backend, func(t *testing.T) {
			steptest.CheckLeaks(t)
			l, err := loop.New(loop.WithBackend(backend))
			if err != nil {
				t.Fatal(err)
			}
			srv := steptest.NewServer(t, "")
			echo, err := loopecho.Listen(l, "127.0.0.1:0", srv.Report)
			if err != nil {
				l.Close()
				t.Fatal(err)
			}
			srv.Addr = echo.Addr().String()
			release := l.Hold()
			srv.OnStop(func() {
				l.CallSoonThreadSafe(func() { echo.Close(); release() })
			})
			srv.Go("Run", func() error {
				defer l.Close()
				return l.Run()
			})
			if steptest.Echo(t, srv, 1, steptest.MiB) {
				steptest.Echo(t, srv, 20, 64<<10)
			}
		})
	}
}
