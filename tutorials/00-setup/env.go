package main

import (
	"errors"
	"fmt"
	"net"
	"runtime"
	"strings"
	"time"

	"golang.org/x/sys/unix"

	"github.com/loopkit/loopkit/loop"
)

// minFDs is the fewest open fds the tutorial needs: step 02 opens 500
// client connections, each two fds in one process.
const minFDs = 1024

// A result is one fact about this machine, or the problem that stops the
// tutorial.
type result struct {
	id    string // the subtest name: TestEnvironment/FDLimit
	name  string
	value string
	err   error
}

// runChecks looks at everything the tutorial needs, in the order a
// problem should be fixed.
func runChecks(addr string) []result {
	return []result{
		{id: "Go", name: "Go", value: runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH},
		checkFDLimit(),
		checkPollers(),
		checkListen(addr),
		checkLoopback(),
	}
}

// checkFDLimit reads the soft limit on open fds. Go raises it to the hard
// limit when a program starts, so this is what a step gets.
func checkFDLimit() result {
	r := result{id: "FDLimit", name: "open fds (ulimit -n)"}
	var lim unix.Rlimit
	if err := unix.Getrlimit(unix.RLIMIT_NOFILE, &lim); err != nil {
		r.err = fmt.Errorf("getrlimit: %w", err)
		return r
	}
	r.value = fmt.Sprint(lim.Cur)
	if lim.Cur < minFDs {
		r.err = fmt.Errorf("limit %d, want at least %d: run ulimit -n %d (or raise the hard limit)", lim.Cur, minFDs, minFDs)
	}
	return r
}

// checkPollers lists the backends of this OS and makes sure the first one
// works: a pipe with a byte in it must be reported readable.
func checkPollers() result {
	r := result{id: "Pollers", name: "pollers", value: strings.Join(loop.Backends(), ", ")}
	for _, name := range loop.Backends() {
		if err := tryPoller(name); err != nil {
			r.err = fmt.Errorf("%s: %w", name, err)
			return r
		}
	}
	return r
}

func tryPoller(name string) error {
	p, err := loop.NewPoller(name)
	if err != nil {
		return err
	}
	defer p.Close()
	var fds [2]int
	if err := unix.Pipe(fds[:]); err != nil {
		return fmt.Errorf("pipe: %w", err)
	}
	defer unix.Close(fds[0])
	defer unix.Close(fds[1])
	if err := p.Register(fds[0], loop.Readable); err != nil {
		return err
	}
	if _, err := unix.Write(fds[1], []byte{'x'}); err != nil {
		return err
	}
	ready := make([]loop.Event, 4)
	n, err := p.Wait(2*time.Second, ready)
	if err != nil {
		return err
	}
	if n != 1 || ready[0] != (loop.Event{FD: fds[0], Events: loop.Readable}) {
		return fmt.Errorf("a pipe with a byte in it: Wait reported %v, want it readable", ready[:n])
	}
	return p.Register(fds[0], 0)
}

// checkListen listens on the step's address, as step 01 will.
func checkListen(addr string) result {
	r := result{id: "Listen", name: "listen on " + addr}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		r.err = err
		if errors.Is(err, unix.EADDRINUSE) {
			r.err = fmt.Errorf("%s is in use: is a step still running in another terminal? (or use -addr 127.0.0.1:0)", addr)
		}
		return r
	}
	r.value = "ok"
	ln.Close()
	return r
}

// checkLoopback connects two sockets over 127.0.0.1 and sends a byte each
// way: every check of the tutorial talks to its server like this.
func checkLoopback() result {
	r := result{id: "Loopback", name: "loopback round trip"}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		r.err = err
		return r
	}
	defer ln.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			close(accepted)
			return
		}
		accepted <- c
	}()
	client, err := net.DialTimeout("tcp", ln.Addr().String(), 2*time.Second)
	if err != nil {
		r.err = err
		return r
	}
	defer client.Close()
	server, ok := <-accepted
	if !ok {
		r.err = errors.New("accept failed")
		return r
	}
	defer server.Close()
	client.SetDeadline(time.Now().Add(2 * time.Second))
	server.SetDeadline(time.Now().Add(2 * time.Second))
	buf := make([]byte, 1)
	if _, err := client.Write([]byte{'a'}); err != nil {
		r.err = err
	} else if _, err := server.Read(buf); err != nil {
		r.err = err
	} else if _, err := server.Write(buf); err != nil {
		r.err = err
	} else if _, err := client.Read(buf); err != nil {
		r.err = err
	}
	if r.err == nil {
		r.value = "ok"
	}
	return r
}

// busyPorts lists the tutorial's ports (7000 to 7013) that something else
// is listening on. Not a problem, only a note: every step takes -addr.
func busyPorts() []string {
	var busy []string
	for port := 7000; port <= 7013; port++ {
		addr := fmt.Sprintf("127.0.0.1:%d", port)
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			busy = append(busy, fmt.Sprint(port))
			continue
		}
		ln.Close()
	}
	return busy
}
