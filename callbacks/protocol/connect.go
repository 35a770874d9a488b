package protocol

import (
	"github.com/loopkit/loopkit/callbacks"
	"github.com/loopkit/loopkit/loop"
)

// Connect connects to addr without blocking and runs p on the connection:
// once it is made, p.ConnectionMade, then done(nil). If it cannot be made,
// done gets the error (a refused connection wraps unix.ECONNREFUSED and
// names the address), and p is never called: there was no connection, so
// there is neither a ConnectionMade nor a ConnectionLost. This is asyncio's
// create_connection, which either returns the transport, after
// connection_made, or raises.
//
// done may be nil; then an error goes to the loop's error handler. If
// ConnectionMade panics, the connection is aborted, p gets ConnectionLost,
// and done is not called.
func Connect(l *loop.Loop, addr string, p Protocol, done func(error)) {
	callbacks.Dial(l, addr, connected(l, p, done))
}

// connected returns the callback of a dial made for Connect or
// ConnectHost: it starts p on the connection, or tells done why there is
// none.
func connected(l *loop.Loop, p Protocol, done func(error)) func(*callbacks.Conn, error) {
	return func(c *callbacks.Conn, err error) {
		if err != nil {
			if done == nil {
				l.ReportError(err)
				return
			}
			done(err)
			return
		}
		newTransport(c, p, nil).start()
		if done != nil {
			done(nil)
		}
	}
}
