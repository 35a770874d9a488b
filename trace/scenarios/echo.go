package scenarios

import (
	"github.com/loopkit/loopkit/examples/echo"
	"github.com/loopkit/loopkit/trace/scenarios/internal/stage"
)

// runEcho runs the echo example in style with two clients: both connected
// at once, each sends a line and gets it back, then each closes its side, and the
// server closes the connection.
func runEcho(s *stage.Stage, style string) error {
	start, err := echo.Styles.Lookup(style)
	if err != nil {
		return err
	}
	var addr string
	server := func() string { return addr }
	c1, c2 := newClient(s, "client1", server), newClient(s, "client2", server)
	defer c1.close()
	defer c2.close()
	s.Script(
		c1.dial(),
		c1.send("hello\n"),
		after(c2.dial(), c1.receives("hello\n")),
		c2.send("hi\n"),
		after(c1.closeWrite(), c2.receives("hi\n")),
		after(c2.closeWrite(), c1.seesEnd()),
		finish(s, c2.seesEnd()),
	)
	srv, err := start(serverConfig(s))
	if err != nil {
		return err
	}
	addr = srv.Addr()
	s.Begin()
	<-s.Finished()
	return srv.Close()
}
