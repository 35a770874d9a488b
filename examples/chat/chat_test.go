package chat_test

import (
	"testing"

	"github.com/loopkit/loopkit/examples"
	"github.com/loopkit/loopkit/examples/chat"
	"github.com/loopkit/loopkit/examples/chat/chattest"
	"github.com/loopkit/loopkit/examples/internal/styletest"
	"github.com/loopkit/loopkit/internal/chatroom"
)

// TestChat runs the chat suite, the talk's cases and a real room's, on
// every style, each loop style on every backend.
func TestChat(t *testing.T) {
	for _, style := range chat.Styles {
		styletest.ForEachBackend(t, style.Name, func(t *testing.T, backend string) {
			start := func(t *testing.T, limits chatroom.Limits) string {
				cfg := styletest.Config(t, backend)
				return styletest.Start(t, func() (examples.Server, error) { return style.Start(cfg, limits) })
			}
			chattest.Run(t, start)
			chattest.RunRoom(t, start)
		})
	}
}
