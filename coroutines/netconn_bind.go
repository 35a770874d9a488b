package coroutines

import (
	"context"
	"fmt"
	"net"
	"time"

	"github.com/loopkit/loopkit/internal/sock"
)

// boundConn is Conn.Bind's net.Conn: coroutine mode (see netconn.go).
type boundConn struct {
	c   *Conn
	ctx context.Context
}

// Bind returns a net.Conn over c for the coroutine of ctx (coroutine mode,
// see netconn.go): its Read and Write are c.Read(ctx, p) and
// c.Write(ctx, p), so code written for net.Conn (a bufio.Scanner, a
// json.Decoder, a tls.Conn) runs inside the coroutine and parks it as plain
// coroutine code would. Cancelling ctx ends a waiting call, as do the
// deadlines, which are c's.
//
// Only the coroutine of ctx may use the net.Conn: it is not for other
// goroutines (use NetConn), nor for other coroutines (Bind again with their
// ctx). Binding costs one small allocation and no system call.
func (c *Conn) Bind(ctx context.Context) net.Conn { return &boundConn{c: c, ctx: ctx} }

func (b *boundConn) Read(p []byte) (int, error)         { return b.c.Read(b.ctx, p) }
func (b *boundConn) Write(p []byte) (int, error)        { return b.c.Write(b.ctx, p) }
func (b *boundConn) Close() error                       { return b.c.Close() }
func (b *boundConn) CloseWrite() error                  { return b.c.CloseWrite() }
func (b *boundConn) LocalAddr() net.Addr                { local, _ := b.c.netAddrs(); return local }
func (b *boundConn) RemoteAddr() net.Addr               { _, remote := b.c.netAddrs(); return remote }
func (b *boundConn) SetDeadline(t time.Time) error      { return b.c.SetDeadline(t) }
func (b *boundConn) SetReadDeadline(t time.Time) error  { return b.c.SetReadDeadline(t) }
func (b *boundConn) SetWriteDeadline(t time.Time) error { return b.c.SetWriteDeadline(t) }

// boundListener is Listener.Bind's net.Listener: coroutine mode.
type boundListener struct {
	ln  *Listener
	ctx context.Context
}

// Bind returns a net.Listener over ln for the coroutine of ctx (coroutine
// mode, see netconn.go). Its Accept parks that coroutine and returns
// connections bound to the same ctx, which suits a server that serves one
// connection at a time in its coroutine; a server that spawns a coroutine
// per connection accepts with ln.Accept and binds each Conn to the new
// coroutine's ctx instead.
func (ln *Listener) Bind(ctx context.Context) net.Listener { return &boundListener{ln: ln, ctx: ctx} }

func (b *boundListener) Accept() (net.Conn, error) {
	c, err := b.ln.Accept(b.ctx)
	if err != nil {
		return nil, err
	}
	return c.Bind(b.ctx), nil
}

func (b *boundListener) Close() error   { return b.ln.Close() }
func (b *boundListener) Addr() net.Addr { return b.ln.bound.NetAddr() }

// boundPacketConn is PacketConn.Bind's net.PacketConn: coroutine mode.
type boundPacketConn struct {
	pc  *PacketConn
	ctx context.Context
}

// Bind returns a net.PacketConn over pc for the coroutine of ctx (coroutine
// mode, see netconn.go). Its WriteTo takes a *net.UDPAddr.
func (pc *PacketConn) Bind(ctx context.Context) net.PacketConn {
	return &boundPacketConn{pc: pc, ctx: ctx}
}

func (b *boundPacketConn) ReadFrom(p []byte) (int, net.Addr, error) {
	n, from, err := b.pc.ReadFrom(b.ctx, p)
	if err != nil {
		return n, nil, err
	}
	return n, sock.UDPAddr(from), nil
}

func (b *boundPacketConn) WriteTo(p []byte, addr net.Addr) (int, error) {
	to, ok := addr.(*net.UDPAddr)
	if !ok {
		return 0, b.pc.opError("write", fmt.Errorf("coroutines: PacketConn.WriteTo: address %v is a %T, not a *net.UDPAddr", addr, addr))
	}
	return b.pc.WriteTo(b.ctx, p, to.AddrPort())
}

func (b *boundPacketConn) Close() error                       { return b.pc.Close() }
func (b *boundPacketConn) LocalAddr() net.Addr                { return sock.UDPAddr(b.pc.local) }
func (b *boundPacketConn) SetDeadline(t time.Time) error      { return b.pc.SetDeadline(t) }
func (b *boundPacketConn) SetReadDeadline(t time.Time) error  { return b.pc.SetReadDeadline(t) }
func (b *boundPacketConn) SetWriteDeadline(t time.Time) error { return b.pc.SetWriteDeadline(t) }
