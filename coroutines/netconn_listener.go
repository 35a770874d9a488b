package coroutines

import (
	"net"
	"sync"
)

// netListener is Listener.NetListener's net.Listener: goroutine mode (see
// netconn.go).
type netListener struct {
	// Set by NetListener, then read-only.
	ln   *Listener
	addr net.Addr

	bridge bridge

	acceptMu    sync.Mutex // one Accept at a time; guards accepted
	accept      request    // handed to the loop, which fills accepted
	accepted    *netConn
	startAccept func() // the loop's side of Accept, made once
}

// NetListener returns a net.Listener over ln that any goroutine may use
// (goroutine mode, see netconn.go): http.Serve(ln.NetListener(), handler)
// serves HTTP with net/http's goroutine per connection, every socket call
// made by the loop. Accept returns net.Conns like Conn.NetConn's. The
// listener holds the loop until it is closed, and so does each connection
// it returns.
//
// NetListener belongs to the loop, like ln's other methods, or may be
// called before the loop runs. Call it once per Listener.
func (ln *Listener) NetListener() net.Listener {
	nl := &netListener{ln: ln, addr: ln.bound.NetAddr()}
	nl.bridge.init(ln.loop)
	nl.accept.init(nl.acceptAttempt)
	nl.startAccept = func() { ln.acceptor.submit(&nl.accept) }
	return nl
}

// Accept waits for the next connection and returns it as a net.Conn that
// any goroutine may use.
func (nl *netListener) Accept() (net.Conn, error) {
	if !nl.bridge.enter() {
		return nil, nl.ln.opError(net.ErrClosed)
	}
	defer nl.bridge.exit()
	nl.acceptMu.Lock()
	defer nl.acceptMu.Unlock()
	nl.accepted = nil
	if err := nl.bridge.call(nl.startAccept, &nl.accept); err != nil {
		return nil, nl.ln.opError(err)
	}
	return nl.accepted, nil
}

// acceptAttempt is the accept request's system call, on the loop
// goroutine. The goroutine-mode conn is made here, on the loop, as
// Conn.NetConn wants.
func (nl *netListener) acceptAttempt() error {
	c, err := nl.ln.acceptOnce()
	if err != nil {
		return err
	}
	nl.accepted = c.NetConn().(*netConn)
	return nil
}

// Close stops listening, on the loop goroutine; an Accept waiting in
// another goroutine returns an error wrapping net.ErrClosed.
func (nl *netListener) Close() error {
	if !nl.bridge.enterClose() {
		return nl.ln.closeError(net.ErrClosed)
	}
	defer nl.bridge.exit()
	return nl.bridge.run(nl.ln.Close)
}

func (nl *netListener) Addr() net.Addr { return nl.addr }
