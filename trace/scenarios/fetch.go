package scenarios

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/loopkit/loopkit/examples/fetch"
	"github.com/loopkit/loopkit/trace/scenarios/internal/stage"
)

// pages are what the scenario's server serves, by path.
var pages = []struct{ path, body string }{
	{"/a", "alpha"}, {"/b", "bravo"}, {"/c", "charlie"}, {"/d", "delta"},
}

// fetchPool is the size of the fetch's pool: one less than the pages, so
// that the last page waits for a free slot.
const fetchPool = 3

// runFetch runs the fetch example in style: four URLs through a pool of
// three, from a server that answers one request at a time, in the order
// the requests arrive, and hangs up after each answer.
func runFetch(s *stage.Stage, style string) error {
	fetchIn, err := fetch.Styles.Lookup(style)
	if err != nil {
		return err
	}
	srv, err := newPageServer(s)
	if err != nil {
		return err
	}
	defer srv.close()
	var urls []string
	var steps []stage.Step
	for i, p := range pages {
		urls = append(urls, "http://"+srv.addr()+p.path)
		steps = append(steps, srv.answer(i), srv.hangUp(i))
	}
	s.Script(steps...)
	s.Begin()
	results := fetchIn(fetch.Config{Backend: s.Backend(), Pool: fetchPool, Timeout: time.Minute, OnError: s.ReportError, Hooks: s.Hooks()}, urls)
	var errs []error
	for i, r := range results {
		s.Note("results", "%s: %s", pages[i].path, r.Body)
		if r.Err != nil || string(r.Body) != pages[i].body {
			errs = append(errs, fmt.Errorf("%s: got %q, %v; want %q", pages[i].path, r.Body, r.Err, pages[i].body))
		}
	}
	if left := s.StepsLeft(); len(left) > 0 {
		errs = append(errs, fmt.Errorf("the fetch ended before the steps %q", left))
	}
	return errors.Join(errs...)
}

// A pageServer is the web server of the fetch scenario, on Go's net
// package: the world outside the loop. It accepts connections in the order
// they come and answers each in turn, when the script says.
type pageServer struct {
	s     *stage.Stage
	ln    net.Listener
	conns []net.Conn // accepted, in order
}

func newPageServer(s *stage.Stage) (*pageServer, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	return &pageServer{s: s, ln: ln}, nil
}

func (p *pageServer) addr() string { return p.ln.Addr().String() }

// answer reads the request on the i-th connection (accepting it first, if
// it has not been) and answers it: the loop's end becomes readable.
func (p *pageServer) answer(i int) stage.Step {
	return stage.Step{Name: fmt.Sprintf("the server answers request %d", i+1), Do: func() error {
		conn, err := p.accept(i)
		if err != nil {
			return err
		}
		conn.SetDeadline(time.Now().Add(ioWait))
		req, err := http.ReadRequest(bufio.NewReader(conn))
		if err != nil {
			return fmt.Errorf("server: reading request %d: %w", i+1, err)
		}
		body, ok := pageAt(req.URL.Path)
		if !ok {
			return fmt.Errorf("server: request %d is for %s, which it does not serve", i+1, req.URL.Path)
		}
		p.s.Note("server", "server answers GET %s: %s", req.URL.Path, body)
		_, err = fmt.Fprintf(conn, "HTTP/1.0 200 OK\r\nContent-Length: %d\r\n\r\n%s", len(body), body)
		return err
	}}
}

// hangUp closes the i-th connection: the loop reads the end of the
// response.
func (p *pageServer) hangUp(i int) stage.Step {
	return stage.Step{Name: fmt.Sprintf("the server hangs up connection %d", i+1), Do: func() error {
		p.s.Note("server", "server hangs up")
		return p.conns[i].Close()
	}}
}

// accept returns the i-th connection, accepting until it has come. The
// loop has connected before it waits, so it is in the listen queue.
func (p *pageServer) accept(i int) (net.Conn, error) {
	p.ln.(*net.TCPListener).SetDeadline(time.Now().Add(ioWait))
	for len(p.conns) <= i {
		conn, err := p.ln.Accept()
		if err != nil {
			return nil, fmt.Errorf("server: accepting connection %d: %w", len(p.conns)+1, err)
		}
		p.conns = append(p.conns, conn)
	}
	return p.conns[i], nil
}

func (p *pageServer) close() {
	p.ln.Close()
	for _, c := range p.conns {
		c.Close()
	}
}

// pageAt returns the body served at path.
func pageAt(path string) (string, bool) {
	for _, p := range pages {
		if p.path == path {
			return p.body, true
		}
	}
	return "", false
}
