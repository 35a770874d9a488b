package echo_test

import (
	"testing"

	"github.com/loopkit/loopkit/examples"
	"github.com/loopkit/loopkit/examples/echo"
	"github.com/loopkit/loopkit/examples/echo/echotest"
	"github.com/loopkit/loopkit/examples/internal/styletest"
)

// TestEcho runs the echo suite on every style, each loop style on every
// backend.
func TestEcho(t *testing.T) {
	for _, style := range echo.Styles {
		styletest.ForEachBackend(t, style.Name, func(t *testing.T, backend string) {
			echotest.Run(t, func(t *testing.T) string {
				cfg := styletest.Config(t, backend)
				return styletest.Start(t, func() (examples.Server, error) { return style.Start(cfg) })
			})
		})
	}
}
