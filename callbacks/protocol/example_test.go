package protocol_test

import (
	"fmt"
	"log"

	"github.com/loopkit/loopkit/callbacks/protocol"
	"github.com/loopkit/loopkit/loop"
)

// echoProtocol writes back what it receives, and closes when the peer has
// finished.
type echoProtocol struct{ t protocol.Transport }

func (e *echoProtocol) ConnectionMade(t protocol.Transport) { e.t = t }
func (e *echoProtocol) DataReceived(data []byte)            { e.t.Write(data) }
func (e *echoProtocol) EOFReceived() bool                   { return false }
func (e *echoProtocol) ConnectionLost(err error)            {}

// greeter is a client: it says hello, prints the answer, and closes.
type greeter struct {
	t      protocol.Transport
	server *protocol.Server
}

func (g *greeter) ConnectionMade(t protocol.Transport) {
	g.t = t
	t.Write([]byte("hello, protocol"))
}

func (g *greeter) DataReceived(data []byte) {
	fmt.Printf("echoed: %s\n", data)
	g.t.Close()
}

func (g *greeter) EOFReceived() bool { return false }

func (g *greeter) ConnectionLost(err error) {
	fmt.Println("client connection lost:", err)
	g.server.Close() // nothing left to wait for: Run returns
}

// An echo server as a protocol object, and a client protocol that talks to
// it, on one loop.
func Example() {
	l, err := loop.New()
	if err != nil {
		log.Fatal(err)
	}
	defer l.Close()

	server, err := protocol.Serve(l, "127.0.0.1:0", func() protocol.Protocol { return &echoProtocol{} })
	if err != nil {
		log.Fatal(err)
	}
	protocol.Connect(l, server.Addr().String(), &greeter{server: server}, func(err error) {
		if err != nil {
			log.Fatal(err)
		}
	})

	if err := l.Run(); err != nil {
		log.Fatal(err)
	}
	// Output:
	// echoed: hello, protocol
	// client connection lost: <nil>
}
