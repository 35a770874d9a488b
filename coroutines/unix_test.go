package coroutines

import (
	"context"
	"errors"
	"io"
	"net"
	"os"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/loopkit/loopkit/internal/testutil"
)

// addrNames is how a test compares two ends' net.Addrs: network and name.
type addrNames struct{ LocalNet, Local, RemoteNet, Remote string }

func namesOf(c net.Conn) addrNames {
	return addrNames{c.LocalAddr().Network(), c.LocalAddr().String(), c.RemoteAddr().Network(), c.RemoteAddr().String()}
}

// TestUnixStreamServerAndDialNameTheirEnds serves an echo on a path with a
// StreamServer and dials it from a coroutine. The net.Conns of both ends
// (Bind) give *net.UnixAddrs: the server's path on the accepting end and
// as the dialer's peer, "" for the dialer's own end, which has no name.
// Closing the server removes the socket file. An error names the network
// as package net would: unix.
func TestUnixStreamServerAndDialNameTheirEnds(t *testing.T) {
	testutil.ForEachBackend(t, func(t *testing.T, backend string) {
		f := newNetFixture(t, backend)
		path := testutil.SocketPath(t, "stream.sock")
		var server addrNames
		srv, err := NewStreamServer(f.hub, "unix:"+path, func(ctx context.Context, c *Conn) error {
			nc := c.Bind(ctx)
			server = namesOf(nc)
			_, err := io.Copy(nc, nc)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		f.cos = append(f.cos, srv.Start())
		var client addrNames
		var echoed []byte
		var readErr error
		f.spawn("client", func(ctx context.Context) error {
			defer srv.Close()
			c, err := Dial(ctx, "unix:"+path)
			if err != nil {
				return err
			}
			defer c.Close()
			nc := c.Bind(ctx)
			client = namesOf(nc)
			if _, err := nc.Write([]byte("ping")); err != nil {
				return err
			}
			if err := c.CloseWrite(); err != nil {
				return err
			}
			if echoed, err = io.ReadAll(nc); err != nil {
				return err
			}
			c.Close()
			_, readErr = c.Read(ctx, make([]byte, 1))
			return nil
		})
		f.run(10 * time.Second)
		var opErr *net.OpError
		if !errors.As(readErr, &opErr) || opErr.Net != "unix" {
			t.Errorf("Read after Close: %v, want a *net.OpError whose network is unix", readErr)
		}
		want := []addrNames{{"unix", path, "unix", ""}, {"unix", "", "unix", path}}
		if diff := cmp.Diff(want, []addrNames{server, client}); diff != "" {
			t.Errorf("addresses of the server's and the client's ends (-want +got):\n%s", diff)
		}
		if string(echoed) != "ping" {
			t.Errorf("echo = %q, want ping", echoed)
		}
		if srv.Path() != path || srv.Addr().IsValid() {
			t.Errorf("Path() = %q, Addr() = %v; want %q and the zero AddrPort", srv.Path(), srv.Addr(), path)
		}
		if _, err := os.Lstat(path); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("after the server's Close, Lstat(%s) = %v; want the socket file removed", path, err)
		}
	})
}

// TestUnixNetConnPassesTheConformanceChecks runs the net.Conn checks of
// netconn_conformance_test.go over Unix-domain sockets, in goroutine mode:
// a kit listener on a path with Go's net dialing it, and the kit on both
// ends (DialNet).
func TestUnixNetConnPassesTheConformanceChecks(t *testing.T) {
	dials := []struct {
		name string
		dial func(f *netFixture, addr string) (net.Conn, error)
	}{
		{"kit-accepted/net-dialled", func(_ *netFixture, addr string) (net.Conn, error) {
			return net.Dial("unix", addr[len("unix:"):])
		}},
		{"kit-dialled/kit-accepted", func(f *netFixture, addr string) (net.Conn, error) {
			return DialNet(context.Background(), f.hub, addr)
		}},
	}
	for _, d := range dials {
		t.Run(d.name, func(t *testing.T) {
			testutil.ForEachBackend(t, func(t *testing.T, backend string) {
				f := newNetFixture(t, backend)
				addr := "unix:" + testutil.SocketPath(t, "conformance.sock")
				ln, err := Listen(f.hub, addr)
				if err != nil {
					t.Fatal(err)
				}
				nl := ln.NetListener()
				if got := nl.Addr().(*net.UnixAddr).Name; "unix:"+got != addr {
					t.Errorf("NetListener().Addr() names %q, want the path of %q", got, addr)
				}
				serveGoroutines(t, f, 60*time.Second, func() {
					defer nl.Close()
					checkNetConn(t, func() (net.Conn, net.Conn, func(), error) {
						c2, err := d.dial(f, addr)
						if err != nil {
							return nil, nil, nil, err
						}
						c1, err := nl.Accept()
						if err != nil {
							c2.Close()
							return nil, nil, nil, err
						}
						return c1, c2, func() { c1.Close(); c2.Close() }, nil
					})
				})
			})
		})
	}
}
