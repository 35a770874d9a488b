package chat_test

import (
	"testing"

	"github.com/loopkit/loopkit/examples"
	"github.com/loopkit/loopkit/examples/chat"
	"github.com/loopkit/loopkit/examples/chat/chattest"
	"github.com/loopkit/loopkit/examples/internal/styletest"
	"github.com/loopkit/loopkit/internal/chatroom"
)

// TestChat runs the chat suite on every style, each loop style on every
// backend.
func TestChat(t *testing.T) {
	for _, style := range chat.Styles {
		styletest.ForEachBackend(t, style.Name, func(t *testing.T, backend string) {
			chattest.Run(t, func(t *testing.T, limits chatroom.Limits) string {
				cfg := styletest.Config(t, backend)
				return styletest.Start(t, func() (examples.Server, error) { return style.Start(cfg, limits) })
			})
		})
	}
}
