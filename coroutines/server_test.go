package coroutines

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/loopkit/loopkit/internal/testutil"
)

// stopWhen spawns a coroutine that waits until the test's goroutines close
// clientsDone, checking on a loop timer, then runs stop.
func stopWhen(f *netFixture, clientsDone <-chan struct{}, stop func(ctx context.Context) error) {
	f.spawn("stopper", func(ctx context.Context) error {
		for {
			select {
			case <-clientsDone:
				return stop(ctx)
			default:
			}
			if err := Sleep(ctx, time.Millisecond); err != nil {
				return err
			}
		}
	})
}

func TestStreamServerEchoesManyClients(t *testing.T) {
	testutil.ForEachBackend(t, func(t *testing.T, backend string) {
		f := newNetFixture(t, backend)
		srv, err := NewStreamServer(f.hub, "127.0.0.1:0", func(ctx context.Context, c *Conn) error {
			return echoConn(ctx, c, 20)
		})
		if err != nil {
			t.Fatal(err)
		}
		f.cos = append(f.cos, srv.Start())
		const clients = 20
		errs := make(chan error, clients)
		var wg sync.WaitGroup
		for i := range clients {
			wg.Add(1)
			go func() {
				defer wg.Done()
				want := randomBytes(64<<10, int64(i))
				got, err := testutil.RoundTrip("tcp", srv.Addr().String(), randomChunks(want, 16<<10, int64(i)))
				if err == nil && string(got) != string(want) {
					err = fmt.Errorf("client %d: %s", i, diffBytes(want, got))
				}
				errs <- err
			}()
		}
		clientsDone := make(chan struct{})
		go func() { wg.Wait(); close(clientsDone) }()
		stopWhen(f, clientsDone, srv.Stop)
		f.run(20 * time.Second)
		close(errs)
		for err := range errs {
			if err != nil {
				t.Error(err)
			}
		}
	})
}

func TestStreamServerNeverRunsMoreThanMaxConns(t *testing.T) {
	testutil.ForEachBackend(t, func(t *testing.T, backend string) {
		f := newNetFixture(t, backend)
		running, most, served := 0, 0, 0
		srv, err := NewStreamServer(f.hub, "127.0.0.1:0", func(ctx context.Context, c *Conn) error {
			running++
			most = max(most, running)
			defer func() { running-- }()
			if _, err := c.Write(ctx, []byte("served")); err != nil {
				return err
			}
			_, err := io.Copy(io.Discard, c.Bind(ctx)) // until the client closes
			served++
			return err
		}, WithMaxConns(2))
		if err != nil {
			t.Fatal(err)
		}
		f.cos = append(f.cos, srv.Start())
		const clients = 6
		var wg sync.WaitGroup
		for range clients {
			wg.Add(1)
			go func() {
				defer wg.Done()
				c, err := net.Dial("tcp", srv.Addr().String())
				if err != nil {
					t.Errorf("Dial: %v", err)
					return
				}
				defer c.Close()
				// Wait to be served, then hold the handler a while.
				if _, err := io.ReadFull(c, make([]byte, len("served"))); err != nil {
					t.Errorf("waiting to be served: %v", err)
				}
				time.Sleep(20 * time.Millisecond)
			}()
		}
		clientsDone := make(chan struct{})
		go func() { wg.Wait(); close(clientsDone) }()
		stopWhen(f, clientsDone, srv.Stop)
		f.run(20 * time.Second)
		if most > 2 {
			t.Errorf("%d handlers ran at once, want at most 2 (WithMaxConns(2))", most)
		}
		if most < 2 {
			t.Errorf("at most %d handler ran at once: the test did not reach the limit of 2", most)
		}
		if served != clients {
			t.Errorf("%d clients served, want %d", served, clients)
		}
	})
}

func TestStreamServerStopWaitsForHandlers(t *testing.T) {
	testutil.ForEachBackend(t, func(t *testing.T, backend string) {
		f := newNetFixture(t, backend)
		var events []string
		srv, err := NewStreamServer(f.hub, "127.0.0.1:0", func(ctx context.Context, c *Conn) error {
			if _, err := c.Read(ctx, make([]byte, 10)); err != nil {
				return err
			}
			Sleep(ctx, 20*time.Millisecond) // still busy when Stop begins
			events = append(events, "handler done")
			_, err := c.Write(ctx, []byte("bye"))
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		f.cos = append(f.cos, srv.Start())
		var reply []byte
		var dialAfterStop error
		stopped := make(chan struct{})
		clientDone := make(chan struct{})
		go func() {
			defer close(clientDone)
			c, err := net.Dial("tcp", srv.Addr().String())
			if err != nil {
				t.Errorf("Dial: %v", err)
				return
			}
			defer c.Close()
			c.Write([]byte("hi"))
			reply, _ = io.ReadAll(c) // the server closes after "bye"
			<-stopped
			var late net.Conn
			if late, dialAfterStop = net.Dial("tcp", srv.Addr().String()); late != nil {
				late.Close()
			}
		}()
		f.spawn("stopper", func(ctx context.Context) error {
			defer close(stopped)
			for len(f.hub.Coroutines()) < 3 { // the server, us, the handler
				if err := Sleep(ctx, time.Millisecond); err != nil {
					return err
				}
			}
			err := Timeout(ctx, 5*time.Second, srv.Stop)
			events = append(events, "Stop returned")
			return err
		})
		f.run(10 * time.Second)
		<-clientDone
		if d := cmp.Diff([]string{"handler done", "Stop returned"}, events); d != "" {
			t.Errorf("events (-want +got):\n%s", d)
		}
		if string(reply) != "bye" {
			t.Errorf("the client read %q, want %q and end of file", reply, "bye")
		}
		if !errors.Is(dialAfterStop, syscall.ECONNREFUSED) {
			t.Errorf("Dial after Stop: %v, want connection refused", dialAfterStop)
		}
	})
}

func TestStreamServerStopKillsHandlersAfterGracePeriod(t *testing.T) {
	testutil.ForEachBackend(t, func(t *testing.T, backend string) {
		f := newNetFixture(t, backend)
		var handlerErrs []error
		srv, err := NewStreamServer(f.hub, "127.0.0.1:0", func(ctx context.Context, c *Conn) error {
			_, err := c.Read(ctx, make([]byte, 10)) // the clients never send
			handlerErrs = append(handlerErrs, err)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		f.cos = append(f.cos, srv.Start())
		const clients = 2
		var wg sync.WaitGroup
		reads := make(chan error, clients)
		for range clients {
			wg.Add(1)
			go func() {
				defer wg.Done()
				c, err := net.Dial("tcp", srv.Addr().String())
				if err != nil {
					reads <- err
					return
				}
				defer c.Close()
				_, err = c.Read(make([]byte, 10)) // until the server closes
				reads <- err
			}()
		}
		var stopErr error
		f.spawn("stopper", func(ctx context.Context) error {
			for len(f.hub.Coroutines()) < 2+clients { // the server, us, the handlers
				if err := Sleep(ctx, time.Millisecond); err != nil {
					return err
				}
			}
			stopErr = Timeout(ctx, 20*time.Millisecond, srv.Stop)
			return nil
		})
		f.run(10 * time.Second)
		wg.Wait()
		close(reads)
		for err := range reads {
			if err != io.EOF {
				t.Errorf("client Read when the server killed its handler: %v, want EOF", err)
			}
		}
		if !errors.Is(stopErr, ErrTimeout) {
			t.Errorf("Stop after its grace period: %v, want an error wrapping ErrTimeout", stopErr)
		}
		wantErrorContaining(t, "Stop after its grace period", stopErr, fmt.Sprintf("killed %d handlers", clients))
		for _, err := range handlerErrs {
			if !errors.Is(err, ErrKilled) {
				t.Errorf("handler's Read: %v, want ErrKilled", err)
			}
		}
	})
}

func TestStreamServerReportsHandlerErrors(t *testing.T) {
	testutil.ForEachBackend(t, func(t *testing.T, backend string) {
		f := newNetFixture(t, backend)
		srv, err := NewStreamServer(f.hub, "127.0.0.1:0", func(ctx context.Context, c *Conn) error {
			return errors.New("bad request")
		})
		if err != nil {
			t.Fatal(err)
		}
		f.cos = append(f.cos, srv.Start())
		var client string
		clientsDone := make(chan struct{})
		go func() {
			defer close(clientsDone)
			c, err := net.Dial("tcp", srv.Addr().String())
			if err != nil {
				t.Errorf("Dial: %v", err)
				return
			}
			defer c.Close()
			client = c.LocalAddr().String()
			io.ReadAll(c) // end of file: the handler has returned
		}()
		stopWhen(f, clientsDone, srv.Stop)
		f.run(10 * time.Second)
		want := []string{fmt.Sprintf("coroutines: StreamServer %s: handler for %s: bad request", srv.Addr(), client)}
		var got []string
		for _, err := range f.log.Take() {
			got = append(got, err.Error())
		}
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("errors reported to the loop (-want +got):\n%s", d)
		}
	})
}

func TestDatagramServerAnswersEachDatagram(t *testing.T) {
	testutil.ForEachBackend(t, func(t *testing.T, backend string) {
		f := newNetFixture(t, backend)
		srv, err := NewDatagramServer(f.hub, "127.0.0.1:0", func(ctx context.Context, pc *PacketConn, data []byte, from netip.AddrPort) error {
			_, err := pc.WriteTo(ctx, []byte(strings.ToUpper(string(data))), from)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		f.cos = append(f.cos, srv.Start())
		var got []string
		clientsDone := make(chan struct{})
		go func() {
			defer close(clientsDone)
			c, err := net.Dial("udp", srv.Addr().String())
			if err != nil {
				t.Errorf("Dial: %v", err)
				return
			}
			defer c.Close()
			buf := make([]byte, 100)
			for _, msg := range []string{"one", "two", "three"} {
				c.Write([]byte(msg))
				c.SetReadDeadline(time.Now().Add(5 * time.Second))
				n, err := c.Read(buf)
				if err != nil {
					t.Errorf("Read: %v", err)
					return
				}
				got = append(got, string(buf[:n]))
			}
		}()
		stopWhen(f, clientsDone, func(ctx context.Context) error { return srv.Close() })
		f.run(10 * time.Second)
		if d := cmp.Diff([]string{"ONE", "TWO", "THREE"}, got); d != "" {
			t.Errorf("answers (-want +got):\n%s", d)
		}
	})
}
