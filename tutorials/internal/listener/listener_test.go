package listener_test

import (
	"errors"
	"net"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/loopkit/loopkit/tutorials/internal/listener"
)

func TestAcceptReturnsBlockingConnection(t *testing.T) {
	ln, err := listener.Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		if c, err := net.Dial("tcp", ln.Addr().String()); err == nil {
			c.Write([]byte("x"))
			c.Close()
		}
	}()
	fd, err := ln.Accept()
	if err != nil {
		t.Fatalf("Accept() = %v", err)
	}
	defer unix.Close(fd)
	flags, err := unix.FcntlInt(uintptr(fd), unix.F_GETFL, 0)
	if err != nil {
		t.Fatal(err)
	}
	if flags&unix.O_NONBLOCK != 0 {
		t.Errorf("accepted fd %d is non-blocking, want blocking", fd)
	}
}

func TestCloseWakesABlockedAccept(t *testing.T) {
	ln, err := listener.Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := ln.Accept()
		done <- err
	}()
	time.Sleep(20 * time.Millisecond) // let Accept block; the test passes either way
	if err := ln.Close(); err != nil {
		t.Fatalf("Close() = %v", err)
	}
	select {
	case err := <-done:
		if !errors.Is(err, listener.ErrClosed) {
			t.Errorf("Accept after Close = %v, want ErrClosed", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Accept still blocked 5s after Close")
	}
	if _, err := ln.Accept(); !errors.Is(err, listener.ErrClosed) {
		t.Errorf("second Accept after Close = %v, want ErrClosed", err)
	}
	if err := ln.Close(); !errors.Is(err, listener.ErrClosed) {
		t.Errorf("second Close = %v, want ErrClosed", err)
	}
}
