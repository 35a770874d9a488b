package echo_test

import (
	"io"
	"net"
	"runtime/metrics"
	"testing"
	"time"

	"github.com/loopkit/loopkit/examples"
	"github.com/loopkit/loopkit/examples/echo"
	"github.com/loopkit/loopkit/examples/internal/styletest"
)

// TestCoroutineStacksStaySmall serves stackConns connections with the
// coroutines echo and checks what their coroutines' stacks cost: a
// goroutine's first 8 KiB each, not the 64 KiB a 32 KiB read buffer on
// the stack would grow each one to (see echoCoroutines). The bound is
// half of that, so the check cannot flake on the few kilobytes other
// goroutines may take meanwhile.
func TestCoroutineStacksStaySmall(t *testing.T) {
	const stackConns = 50
	start, err := echo.Styles.Lookup("coroutines")
	if err != nil {
		t.Fatal(err)
	}
	addr := styletest.Start(t, func() (examples.Server, error) { return start(styletest.Config(t, styletest.Backends()[0])) })
	before := stackBytes()
	msg := []byte("hello, loop\n")
	for range stackConns {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(10 * time.Second))
		if _, err := c.Write(msg); err != nil {
			t.Fatal(err)
		}
		if _, err := io.ReadFull(c, make([]byte, len(msg))); err != nil {
			t.Fatal(err) // answered: the connection's coroutine has read into its buffer
		}
	}
	perConn := (int64(stackBytes()) - int64(before)) / stackConns
	if perConn >= 32<<10 {
		t.Errorf("each connection's coroutine added %d KiB of goroutine stacks; want under 32 KiB (a goroutine starts with 8)", perConn>>10)
	}
}

// stackBytes returns the memory the runtime holds for goroutine stacks.
func stackBytes() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/stacks:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}
