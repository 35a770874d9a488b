package coroutines

import (
	"bufio"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/loopkit/loopkit/internal/testutil"
)

// serveGoroutines runs the loop of f on the test goroutine while body runs
// in another goroutine, as the code of goroutine mode does, and returns
// once both are done. body must close every goroutine-mode socket it made,
// or the loop, which they hold, would not return.
func serveGoroutines(t *testing.T, f *netFixture, limit time.Duration, body func()) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		body()
	}()
	f.run(limit)
	select {
	case <-done:
	case <-time.After(testutil.Scale(5 * time.Second)):
		t.Fatalf("the loop returned, but the goroutines still run")
	}
}

func TestNetConnGoroutineMode(t *testing.T) {
	t.Run("kit-accepted/net-dialled", func(t *testing.T) {
		testutil.ForEachBackend(t, func(t *testing.T, backend string) {
			f := newNetFixture(t, backend)
			ln, err := Listen(f.hub, "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			nl := ln.NetListener()
			serveGoroutines(t, f, 60*time.Second, func() {
				defer nl.Close()
				checkNetConn(t, func() (net.Conn, net.Conn, func(), error) {
					c2, err := net.Dial("tcp", nl.Addr().String())
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
	t.Run("kit-dialled/kit-accepted", func(t *testing.T) {
		testutil.ForEachBackend(t, func(t *testing.T, backend string) {
			f := newNetFixture(t, backend)
			ln, err := Listen(f.hub, "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			nl := ln.NetListener()
			serveGoroutines(t, f, 60*time.Second, func() {
				defer nl.Close()
				checkNetConn(t, func() (net.Conn, net.Conn, func(), error) {
					c1, err := DialNet(context.Background(), f.hub, nl.Addr().String())
					if err != nil {
						return nil, nil, nil, err
					}
					c2, err := nl.Accept()
					if err != nil {
						c1.Close()
						return nil, nil, nil, err
					}
					return c1, c2, func() { c1.Close(); c2.Close() }, nil
				})
			})
		})
	})
}

// TestNetConnServesHTTP serves HTTP with net/http's own server, on a kit
// listener in goroutine mode, to net/http's own client: every socket call
// of the server is made by the loop.
func TestNetConnServesHTTP(t *testing.T) {
	testutil.ForEachBackend(t, func(t *testing.T, backend string) {
		f := newNetFixture(t, backend)
		ln, err := Listen(f.hub, "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		nl := ln.NetListener()
		var got []string
		serveGoroutines(t, f, 20*time.Second, func() {
			srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				body, _ := io.ReadAll(r.Body)
				fmt.Fprintf(w, "%s %s %s", r.Method, r.URL.Path, body)
			})}
			served := make(chan error, 1)
			go func() { served <- srv.Serve(nl) }()
			client := &http.Client{Transport: &http.Transport{}}
			defer client.CloseIdleConnections()
			url := "http://" + nl.Addr().String()
			for _, path := range []string{"/a", "/b"} {
				resp, err := client.Post(url+path, "text/plain", strings.NewReader("body"+path))
				if err != nil {
					t.Errorf("POST %s: %v", path, err)
					continue
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				got = append(got, string(b))
			}
			client.CloseIdleConnections()
			srv.Close() // closes the listener and the connections
			if err := <-served; !errors.Is(err, http.ErrServerClosed) {
				t.Errorf("http.Server.Serve returned %v, want http.ErrServerClosed", err)
			}
		})
		want := []string{"POST /a body/a", "POST /b body/b"}
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("HTTP responses (-want +got):\n%s", d)
		}
	})
}

// selfSignedTLS returns a server and a client TLS config around a
// certificate for 127.0.0.1 made on the spot.
func selfSignedTLS(t *testing.T) (server, client *tls.Config) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "loopkit test"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	server = &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}
	client = &tls.Config{RootCAs: pool, ServerName: "127.0.0.1"}
	return server, client
}

// TestBindRunsTLSClientInCoroutine runs crypto/tls's client inside a
// coroutine, over a coroutine-mode net.Conn, against crypto/tls's server
// on Go's net: the handshake and the records park the coroutine.
func TestBindRunsTLSClientInCoroutine(t *testing.T) {
	serverConfig, clientConfig := selfSignedTLS(t)
	testutil.ForEachBackend(t, func(t *testing.T, backend string) {
		f := newNetFixture(t, backend)
		ln, err := tls.Listen("tcp", "127.0.0.1:0", serverConfig)
		if err != nil {
			t.Fatal(err)
		}
		defer ln.Close()
		go func() {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			defer c.Close()
			line, _ := bufio.NewReader(c).ReadString('\n')
			fmt.Fprintf(c, "tls echo: %s", line)
		}()
		var got string
		f.spawn("tls client", func(ctx context.Context) error {
			c, err := Dial(ctx, ln.Addr().String())
			if err != nil {
				return err
			}
			tc := tls.Client(c.Bind(ctx), clientConfig)
			defer tc.Close()
			if err := tc.HandshakeContext(ctx); err != nil {
				return err
			}
			if _, err := io.WriteString(tc, "hello\n"); err != nil {
				return err
			}
			got, err = bufio.NewReader(tc).ReadString('\n')
			return err
		})
		f.run(20 * time.Second)
		if want := "tls echo: hello\n"; got != want {
			t.Errorf("through TLS: %q, want %q", got, want)
		}
	})
}

// TestNetListenerServesTLS serves crypto/tls's server in goroutine mode,
// over a kit listener, to crypto/tls's client on Go's net.
func TestNetListenerServesTLS(t *testing.T) {
	serverConfig, clientConfig := selfSignedTLS(t)
	testutil.ForEachBackend(t, func(t *testing.T, backend string) {
		f := newNetFixture(t, backend)
		ln, err := Listen(f.hub, "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		tl := tls.NewListener(ln.NetListener(), serverConfig)
		var got string
		serveGoroutines(t, f, 20*time.Second, func() {
			defer tl.Close()
			go func() {
				c, err := tl.Accept()
				if err != nil {
					t.Errorf("Accept: %v", err)
					return
				}
				defer c.Close()
				line, _ := bufio.NewReader(c).ReadString('\n')
				fmt.Fprintf(c, "tls echo: %s", line)
			}()
			c, err := tls.Dial("tcp", tl.Addr().String(), clientConfig)
			if err != nil {
				t.Errorf("tls.Dial: %v", err)
				return
			}
			defer c.Close()
			io.WriteString(c, "hello\n")
			got, _ = bufio.NewReader(c).ReadString('\n')
		})
		if want := "tls echo: hello\n"; got != want {
			t.Errorf("through TLS: %q, want %q", got, want)
		}
	})
}

// processOrders is ordinary synchronous code written against io.Reader:
// the kind of code that goroutine and coroutine modes let run unchanged.
func processOrders(r io.Reader) ([]string, error) {
	var orders []string
	lines := bufio.NewScanner(r)
	for lines.Scan() {
		orders = append(orders, strings.ToUpper(lines.Text()))
	}
	return orders, lines.Err()
}

func TestBindScansLinesInCoroutine(t *testing.T) {
	testutil.ForEachBackend(t, func(t *testing.T, backend string) {
		f := newNetFixture(t, backend)
		ln, err := Listen(f.hub, "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		f.spawn("server", func(ctx context.Context) error {
			defer ln.Close()
			c, err := ln.Accept(ctx)
			if err != nil {
				return err
			}
			defer c.Close()
			got, err = processOrders(c.Bind(ctx))
			return err
		})
		go func() {
			c, err := net.Dial("tcp", ln.Addr().String())
			if err != nil {
				return
			}
			defer c.Close()
			// Lines cut across writes, as the network may deliver them.
			for _, part := range []string{"tea\ncof", "fee\n", "cake\nsc", "one\n"} {
				io.WriteString(c, part)
				time.Sleep(time.Millisecond)
			}
		}()
		f.run(10 * time.Second)
		want := []string{"TEA", "COFFEE", "CAKE", "SCONE"}
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("orders (-want +got):\n%s", d)
		}
	})
}

// TestBindErrorsAreNetErrors checks the coroutine-mode net.Conn's errors
// the way code written for net.Conn tests them.
func TestBindErrorsAreNetErrors(t *testing.T) {
	testutil.ForEachBackend(t, func(t *testing.T, backend string) {
		f := newNetFixture(t, backend)
		var timeoutErr, closedErr, otherCoroutineErr error
		f.spawn("main", func(ctx context.Context) error {
			a, b, err := connPair(ctx, f.hub)
			if err != nil {
				return err
			}
			defer b.Close()
			nc := a.Bind(ctx)
			nc.SetReadDeadline(time.Now().Add(5 * time.Millisecond))
			_, timeoutErr = nc.Read(make([]byte, 10))
			other := Spawn(ctx, func(context.Context) error {
				// Another coroutine may not use a view bound to ctx.
				_, otherCoroutineErr = nc.Read(make([]byte, 10))
				return nil
			})
			if err := other.Join(ctx); err != nil {
				return err
			}
			nc.Close()
			_, closedErr = nc.Write([]byte("x"))
			return nil
		})
		f.run(10 * time.Second)
		checkTimeout(t, "Read past the deadline", timeoutErr)
		checkClosed(t, "Write after Close", closedErr)
		if !errors.Is(otherCoroutineErr, ErrOutsideCoroutine) {
			t.Errorf("Read through another coroutine's view: %v, want ErrOutsideCoroutine", otherCoroutineErr)
		}
	})
}
