package main

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/loopkit/loopkit/loop"
	"github.com/loopkit/loopkit/tutorials/internal/steptest"
	"github.com/loopkit/loopkit/tutorials/internal/todo"
)

// TestHTTPRoundTrip serves HTTP with net/http.Serve, unchanged, on your
// Listener and Conns on the kit's loop, and talks to it with Go's HTTP
// client: a GET, and a POST whose body comes back. Then Server.Close must
// close your listener and connections, and the loop, let go, must end.
func TestHTTPRoundTrip(t *testing.T) {
	steptest.CheckLeaks(t)
	defer hintOnFailure(t)
	listen := steptest.Impl(t, impls)
	l, problems := newLoop(t)
	ln, err := listen(l, "127.0.0.1:0")
	if err != nil {
		l.Close()
		t.Fatal(err)
	}
	ended := make(chan error, 1)
	go func() { ended <- l.Run() }()
	srv := &http.Server{Handler: hello("check")}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	tr := &http.Transport{}
	client := &http.Client{Transport: tr, Timeout: bound()}
	get := func() (string, error) {
		resp, err := client.Get("http://" + ln.Addr().String() + "/")
		if err != nil {
			return "", err
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		return string(body), err
	}
	body, err := get()
	if err != nil || !strings.HasPrefix(body, "hello from net/http") {
		tr.CloseIdleConnections()
		srv.Close()
		t.Fatalf("GET / = %q, %v; want the greeting%s", body, err, problems())
	}
	resp, err := client.Post("http://"+ln.Addr().String()+"/", "text/plain", strings.NewReader("a body, read and sent back"))
	if err == nil {
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		body = string(b)
	}
	if err != nil || body != "a body, read and sent back" {
		t.Errorf("POST / = %q, %v; want the body back%s", body, err, problems())
	}
	tr.CloseIdleConnections()

	srv.Close()
	select {
	case err := <-served:
		if err != http.ErrServerClosed {
			t.Errorf("http.Serve returned %v, want http.ErrServerClosed", err)
		}
	case <-time.After(bound()):
		t.Fatalf("http.Serve had not returned %v after Server.Close: did closing your listener wake its Accept?%s", bound(), problems())
	}
	select {
	case err := <-ended:
		if err != nil {
			t.Errorf("the loop's Run: %v", err)
		}
		l.Close()
	case <-time.After(bound()):
		t.Errorf("every socket is closed, but the loop still runs %v later: something still holds it%s", bound(), problems())
	}
}

// TestBufioScanner reads lines with bufio.Scanner, unchanged, from your
// Conn, and answers each with fmt.Fprintf.
func TestBufioScanner(t *testing.T) {
	steptest.CheckLeaks(t)
	defer hintOnFailure(t)
	listen := steptest.Impl(t, impls)
	l, problems := newLoop(t)
	ln, err := listen(l, "127.0.0.1:0")
	if err != nil {
		l.Close()
		t.Fatal(err)
	}
	ended := make(chan error, 1)
	go func() { ended <- l.Run() }()
	defer func() {
		ln.Close()
		select {
		case <-ended:
			l.Close()
		case <-time.After(bound()):
			t.Errorf("the loop still runs %v after every socket was closed%s", bound(), problems())
		}
	}()
	var wg sync.WaitGroup
	defer wg.Wait()
	wg.Add(1)
	go func() {
		defer wg.Done()
		conn, err := ln.Accept()
		if err != nil {
			return
		}
		defer conn.Close()
		sc := bufio.NewScanner(conn)
		for n := 1; sc.Scan(); n++ {
			fmt.Fprintf(conn, "%d: %s\n", n, strings.ToUpper(sc.Text()))
		}
	}()
	c, err := net.DialTimeout("tcp", ln.Addr().String(), bound())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(bound()))
	io.WriteString(c, "one\ntwo\nthree\n")
	r := bufio.NewReader(c)
	for i, want := range []string{"1: ONE\n", "2: TWO\n", "3: THREE\n"} {
		got, err := r.ReadString('\n')
		if got != want {
			t.Fatalf("answer %d from the bufio.Scanner server = %q, %v; want %q%s", i+1, got, err, want, problems())
		}
	}
}

// newLoop makes a kit loop (on the real clock) whose errors are kept;
// problems words them for a failure.
func newLoop(t *testing.T) (*loop.Loop, func() string) {
	t.Helper()
	var mu sync.Mutex
	var reported []string
	l, err := loop.New(loop.WithErrorHandler(func(err error) {
		mu.Lock()
		defer mu.Unlock()
		reported = append(reported, todo.Reported(err).Error())
	}))
	if err != nil {
		t.Fatal(err)
	}
	return l, func() string {
		mu.Lock()
		defer mu.Unlock()
		if len(reported) == 0 {
			return ""
		}
		return "\n  the loop reported:\n  " + strings.Join(reported, "\n  ")
	}
}
