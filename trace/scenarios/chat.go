package scenarios

import (
	"github.com/loopkit/loopkit/examples/chat"
	"github.com/loopkit/loopkit/internal/chatroom"
	"github.com/loopkit/loopkit/trace/scenarios/internal/stage"
)

// runChat runs the chat example in style with two users: alice joins, bob
// joins (alice is told), alice says hi (both hear it), bob leaves (alice is
// told), alice leaves.
func runChat(s *stage.Stage, style string) error {
	start, err := chat.Styles.Lookup(style)
	if err != nil {
		return err
	}
	var addr string
	server := func() string { return addr }
	alice, bob := newClient(s, "alice", server), newClient(s, "bob", server)
	defer alice.close()
	defer bob.close()
	said := chatroom.Message("alice", "hi bob")
	s.Script(
		alice.dial(),
		after(alice.send("alice\n"), alice.receives(chatroom.Prompt)),
		bob.dial(),
		after(bob.send("bob\n"), bob.receives(chatroom.Prompt)),
		after(alice.send("hi bob\n"), alice.receives(chatroom.Joined("bob", "127.0.0.1"))),
		after(bob.hangUp(), alice.receives(said), bob.receives(said)),
		after(alice.hangUp(), alice.receives(chatroom.Left("bob"))),
		finish(s),
	)
	srv, err := start(serverConfig(s), chatroom.DefaultLimits)
	if err != nil {
		return err
	}
	addr = srv.Addr()
	s.Begin()
	<-s.Finished()
	return srv.Close()
}
