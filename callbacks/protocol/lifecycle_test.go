package protocol_test

import (
	"errors"
	"fmt"
	"io"
	"net"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/loopkit/loopkit/callbacks/protocol"
	"github.com/loopkit/loopkit/internal/testutil"
	"github.com/loopkit/loopkit/loop"
)

// The net peers of TestLifecycle. Each connects, does its part, and returns
// what it read and how its reading ended.
type peer func(conn *net.TCPConn) (read string, err error)

// sendsAndReads writes "hi" and reads until the server closes.
func sendsAndReads(conn *net.TCPConn) (string, error) {
	if _, err := conn.Write([]byte("hi")); err != nil {
		return "", err
	}
	got, err := io.ReadAll(conn)
	return string(got), err
}

// onlyReads reads until the server closes.
func onlyReads(conn *net.TCPConn) (string, error) {
	got, err := io.ReadAll(conn)
	return string(got), err
}

// halfCloses writes "hi", closes its sending half, and reads until the
// server closes.
func halfCloses(conn *net.TCPConn) (string, error) {
	if _, err := conn.Write([]byte("hi")); err != nil {
		return "", err
	}
	if err := conn.CloseWrite(); err != nil {
		return "", err
	}
	got, err := io.ReadAll(conn)
	return string(got), err
}

// resets writes "hi", reads its echo, and resets the connection.
func resets(conn *net.TCPConn) (string, error) {
	if _, err := conn.Write([]byte("hi")); err != nil {
		return "", err
	}
	got := make([]byte, 2)
	if _, err := io.ReadFull(conn, got); err != nil {
		return "", err
	}
	conn.SetLinger(0)
	return string(got), nil
}

// readsThenResets reads a little of what the server sends, then resets the
// connection while the server is still writing.
func readsThenResets(conn *net.TCPConn) (string, error) {
	if _, err := io.ReadFull(conn, make([]byte, 1<<10)); err != nil {
		return "", err
	}
	conn.SetLinger(0)
	return "1 KiB", nil
}

// TestLifecycle ends a connection every way there is and checks that the
// protocol sees ConnectionMade once, then data, then ConnectionLost once,
// with the right error, and what the peer sees.
func TestLifecycle(t *testing.T) {
	tests := []struct {
		name       string
		protocol   func(server **protocol.Server) *recorder
		peer       peer
		wantEvents []string
		wantPeer   string // what the peer read, and how its reading ended
		wantPanics int
	}{
		{
			name:       "peer closes",
			protocol:   func(**protocol.Server) *recorder { return echoing(&recorder{}) },
			peer:       halfCloses,
			wantEvents: []string{"made", "data", "eof", "lost: nil"},
			wantPeer:   "hi, nil",
		},
		{
			name: "peer half-closes, protocol answers",
			protocol: func(**protocol.Server) *recorder {
				return &recorder{onEOF: func(r *recorder) bool {
					r.t.Write([]byte("answer to " + string(r.received)))
					r.t.Close()
					return true
				}}
			},
			peer:       halfCloses,
			wantEvents: []string{"made", "data", "eof", "lost: nil"},
			wantPeer:   "answer to hi, nil",
		},
		{
			name:       "peer resets",
			protocol:   func(**protocol.Server) *recorder { return echoing(&recorder{}) },
			peer:       resets,
			wantEvents: []string{"made", "data", "lost: reset"},
			wantPeer:   "hi, nil",
		},
		{
			name: "peer resets mid-write",
			protocol: func(**protocol.Server) *recorder {
				return &recorder{onMade: func(r *recorder) { r.t.Write(make([]byte, 32<<20)) }}
			},
			peer:       readsThenResets,
			wantEvents: []string{"made", "lost: reset"},
			wantPeer:   "1 KiB, nil",
		},
		{
			name: "protocol closes",
			protocol: func(**protocol.Server) *recorder {
				return &recorder{onData: func(r *recorder, data []byte) {
					r.t.Write([]byte("bye"))
					r.t.Close()
				}}
			},
			peer:       sendsAndReads,
			wantEvents: []string{"made", "data", "lost: nil"},
			wantPeer:   "bye, nil",
		},
		{
			name: "protocol aborts",
			protocol: func(**protocol.Server) *recorder {
				return &recorder{onData: func(r *recorder, data []byte) { r.t.Abort() }}
			},
			peer:       sendsAndReads,
			wantEvents: []string{"made", "data", "lost: nil"},
			wantPeer:   ", reset",
		},
		{
			name: "protocol closes in ConnectionMade",
			protocol: func(**protocol.Server) *recorder {
				return &recorder{onMade: func(r *recorder) { r.t.Close() }}
			},
			peer:       onlyReads,
			wantEvents: []string{"made", "lost: nil"},
			wantPeer:   ", nil",
		},
		{
			name: "server closes",
			protocol: func(server **protocol.Server) *recorder {
				return &recorder{onData: func(r *recorder, data []byte) { (*server).Close() }}
			},
			peer:       sendsAndReads,
			wantEvents: []string{"made", "data", "lost: nil"},
			wantPeer:   ", nil",
		},
		{
			name: "DataReceived panics",
			protocol: func(**protocol.Server) *recorder {
				return &recorder{onData: func(r *recorder, data []byte) { panic("DataReceived panics") }}
			},
			peer:       sendsAndReads,
			wantEvents: []string{"made", "data", "lost: panicked"},
			wantPeer:   ", reset",
			wantPanics: 1,
		},
		{
			name: "ConnectionMade panics",
			protocol: func(**protocol.Server) *recorder {
				return &recorder{onMade: func(r *recorder) { panic("ConnectionMade panics") }}
			},
			peer:       onlyReads,
			wantEvents: []string{"made", "lost: panicked"},
			wantPeer:   ", reset",
			wantPanics: 1,
		},
		{
			name: "EOFReceived panics",
			protocol: func(**protocol.Server) *recorder {
				return &recorder{onEOF: func(r *recorder) bool { panic("EOFReceived panics") }}
			},
			peer:       halfCloses,
			wantEvents: []string{"made", "data", "eof", "lost: panicked"},
			wantPeer:   ", reset",
			wantPanics: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			testutil.ForEachBackend(t, func(t *testing.T, backend string) {
				l, errLog := testutil.NewLoop(t, backend)
				var server *protocol.Server
				var r *recorder
				server, err := protocol.Serve(l, "127.0.0.1:0", func() protocol.Protocol {
					r = tt.protocol(&server)
					r.onLost = func(*recorder, error) { server.Close() } // one connection: then stop
					return r
				})
				if err != nil {
					t.Fatal(err)
				}
				var peerSaw string
				wait := testutil.Go(t, func() error {
					conn, err := net.Dial("tcp", server.Addr().String())
					if kind(err) == "reset" {
						peerSaw = ", reset" // the reset came before Dial saw the connection made
						return nil
					}
					if err != nil {
						return err
					}
					defer conn.Close()
					conn.SetDeadline(testutil.Deadline())
					read, err := tt.peer(conn.(*net.TCPConn))
					peerSaw = fmt.Sprintf("%s, %s", read, kind(err))
					return nil
				})
				testutil.Run(t, l, 10*time.Second)
				if err := wait(); err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(tt.wantEvents, r.events); diff != "" {
					t.Errorf("protocol events (-want +got):\n%s", diff)
				}
				if diff := cmp.Diff(tt.wantPeer, peerSaw); diff != "" {
					t.Errorf("peer read (-want +got):\n%s", diff)
				}
				if diff := cmp.Diff(tt.wantPanics, countPanics(errLog.Take())); diff != "" {
					t.Errorf("panics reported to the loop (-want +got):\n%s", diff)
				}
			})
		})
	}
}

// countPanics counts the panics among errs; any other error counts as
// a hundred, so that it shows in the diff.
func countPanics(errs []error) int {
	n := 0
	for _, err := range errs {
		var p *loop.PanicError
		if errors.As(err, &p) {
			n++
		} else {
			n += 100
		}
	}
	return n
}
