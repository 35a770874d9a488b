//go:build linux

package main

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"time"

	"github.com/loopkit/loopkit/internal/sock"
	"github.com/loopkit/loopkit/loop"
	"golang.org/x/sys/unix"
)

// An epollLoad is the echo load of the homelands run: the closed loop of
// echoLoad (conns connections, each sending a message of size bytes and
// sending the next once all of it came back), driven by one thread on the
// kit's own epoll poller, so that one client core keeps the fastest server
// busy. The Go net client of echoLoad costs about what a server does per
// round trip; this one makes one write and one read per round trip and a
// share of one epoll_wait, the least any client can make.
//
// Every echoed byte is checked against what was sent: each message is a
// slice of a random pool at an offset that depends on the connection and
// the round trip, so a corrupt, stale, misrouted or extra byte shows. A
// connection that makes no round trip in the window has stalled. Either
// fails the load: a wrong server gets no figure.
type epollLoad struct {
	conns  int
	size   int
	warmup time.Duration
	window time.Duration
}

// epollFigures is what an epoll load measured over its window: the echo
// figures, and what the client itself cost, so that a reader sees when the
// client, not the server, set the pace.
type epollFigures struct {
	echoFigures
	ClientCPU    float64 `json:"client_cpus"`          // CPUs the client process used over the window
	ClientSleeps float64 `json:"client_sleeps_per_rt"` // times the client's thread blocked, per round trip
}

// admitBound is how long every connection has to make its first round trip.
// Node accepts one connection per turn of its loop, so a thousand take a
// while; the load starts once all are served.
const admitBound = 30 * time.Second

// poolSize is the length of the random pool that messages are cut from.
const poolSize = 4096

// run connects, admits every connection (one round trip each), warms up,
// and measures the window. onWindow is called as the window opens and as it
// closes, for the caller to read the server's CPU time over it. The load
// runs on one locked OS thread, so that the thread's count of sleeps is the
// client's.
func (ld epollLoad) run(addr string, onWindow func(opening bool)) (epollFigures, error) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	c, err := dialEpoll(addr, ld)
	if err != nil {
		return epollFigures{}, err
	}
	defer c.close()
	if err := c.admit(time.Now().Add(admitBound)); err != nil {
		return epollFigures{}, err
	}
	if err := c.drive(time.Now().Add(ld.warmup)); err != nil {
		return epollFigures{}, err
	}
	onWindow(true)
	c.openWindow()
	if err := c.drive(time.Now().Add(ld.window)); err != nil {
		return epollFigures{}, err
	}
	c.closeWindow()
	onWindow(false)
	return c.figures()
}

// An epollClient is the connections of a load and the poller they are
// waited on with.
type epollClient struct {
	// set by dialEpoll
	load   epollLoad
	poller loop.Poller
	conns  []*echoConn // indexed by fd
	pool   []byte      // messages are slices of it
	count  int         // connections

	// set by the drive loop
	events  []loop.Event
	scratch []byte // what a read returns, before it is checked
	err     error  // the first wrong echo

	// the window
	measuring  bool
	open, shut time.Time
	latencies  []time.Duration
	roundTrips int
	usage      [2]clientUsage // at open and at shut
}

// An echoConn is one connection of the load.
type echoConn struct {
	fd       int
	id       int
	seq      int       // the round trip under way
	message  []byte    // its message
	written  int       // bytes of it written
	received int       // bytes of its echo received and checked
	sentAt   time.Time // when it was sent
	counted  int       // round trips completed in the window
}

// dialEpoll opens the connections, one after the other (a blocking connect
// on loopback returns once the kernel has queued the connection, without
// waiting for the server to accept it), and makes each non-blocking.
func dialEpoll(addr string, ld epollLoad) (*epollClient, error) {
	ap, err := sock.ParseAddr(addr)
	if err != nil {
		return nil, err
	}
	poller, err := loop.NewPoller("epoll")
	if err != nil {
		return nil, err
	}
	c := &epollClient{load: ld, poller: poller, pool: randomPool(ld.size),
		events: make([]loop.Event, 256), scratch: make([]byte, 64<<10)}
	for id := range ld.conns {
		fd, err := connectBlocking(ap.Addr().Is4(), sock.Sockaddr(ap))
		if err != nil {
			c.close()
			return nil, fmt.Errorf("connection %d of %d: %w", id+1, ld.conns, err)
		}
		c.add(&echoConn{fd: fd, id: id})
	}
	return c, nil
}

// randomPool returns poolSize+size random bytes, the same every run.
func randomPool(size int) []byte {
	r := rand.New(rand.NewPCG(1, 2))
	pool := make([]byte, poolSize+size)
	for i := range pool {
		pool[i] = byte(r.Uint32())
	}
	return pool
}

func connectBlocking(ipv4 bool, sa unix.Sockaddr) (int, error) {
	family := unix.AF_INET6
	if ipv4 {
		family = unix.AF_INET
	}
	fd, err := unix.Socket(family, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return -1, fmt.Errorf("socket: %w", err)
	}
	if err := unix.Connect(fd, sa); err != nil {
		unix.Close(fd)
		return -1, fmt.Errorf("connect: %w", err)
	}
	// Without TCP_NODELAY a message written while the last one's ACK is
	// outstanding waits for it (Nagle's algorithm): 40 ms per round trip.
	unix.SetsockoptInt(fd, unix.IPPROTO_TCP, unix.TCP_NODELAY, 1)
	if err := unix.SetNonblock(fd, true); err != nil {
		unix.Close(fd)
		return -1, fmt.Errorf("fcntl O_NONBLOCK: %w", err)
	}
	return fd, nil
}

func (c *epollClient) add(conn *echoConn) {
	if conn.fd >= len(c.conns) {
		c.conns = append(c.conns, make([]*echoConn, conn.fd+1-len(c.conns))...)
	}
	c.conns[conn.fd] = conn
	c.count++
}

// close closes the connections and the poller.
func (c *epollClient) close() {
	for _, conn := range c.conns {
		if conn != nil {
			c.poller.Register(conn.fd, 0)
			unix.Close(conn.fd)
		}
	}
	c.poller.Close()
}

// admit starts a round trip on every connection and drives the load until
// each has made one, or until deadline.
func (c *epollClient) admit(deadline time.Time) error {
	for _, conn := range c.conns {
		if conn != nil {
			c.send(conn, time.Now())
		}
	}
	if c.err != nil {
		return c.err
	}
	for time.Now().Before(deadline) {
		if waiting := c.waitingForFirstEcho(); waiting == 0 {
			return nil
		}
		if err := c.turn(time.Until(deadline)); err != nil {
			return err
		}
	}
	return fmt.Errorf("%d of %d connections had no echo within %v (stalled)", c.waitingForFirstEcho(), c.count, admitBound)
}

func (c *epollClient) waitingForFirstEcho() int {
	n := 0
	for _, conn := range c.conns {
		if conn != nil && conn.seq == 0 {
			n++
		}
	}
	return n
}

// drive runs the load until the time until.
func (c *epollClient) drive(until time.Time) error {
	for {
		left := time.Until(until)
		if left <= 0 {
			return nil
		}
		if err := c.turn(left); err != nil {
			return err
		}
	}
}

// turn waits at most timeout for connections to be ready, reads the
// echoes that arrived and writes what was waiting for room.
func (c *epollClient) turn(timeout time.Duration) error {
	n, err := c.poller.Wait(timeout, c.events)
	if err != nil {
		return err
	}
	for _, ev := range c.events[:n] {
		conn := c.conns[ev.FD]
		if ev.Events&loop.Writable != 0 {
			c.write(conn)
		}
		if ev.Events&loop.Readable != 0 {
			c.read(conn)
		}
		if c.err != nil {
			return c.err
		}
	}
	return nil
}

// send starts round trip conn.seq: its message is the pool's slice at an
// offset that differs from one connection and one round trip to the next.
func (c *epollClient) send(conn *echoConn, now time.Time) {
	off := (conn.id*131 + conn.seq*61) % poolSize
	conn.message = c.pool[off : off+c.load.size]
	conn.written, conn.received, conn.sentAt = 0, 0, now
	c.write(conn)
}

// write writes what is left of the message. If the kernel takes only part,
// the connection waits for writability too (a 64-byte message never does
// that in practice, but a larger one may).
func (c *epollClient) write(conn *echoConn) {
	for conn.written < len(conn.message) {
		n, err := sock.Write(conn.fd, conn.message[conn.written:])
		if sock.WouldBlock(err) {
			c.setErr(c.poller.Register(conn.fd, loop.Readable|loop.Writable))
			return
		}
		if err != nil {
			c.setErr(fmt.Errorf("connection %d: round trip %d: write: %w", conn.id, conn.seq, err))
			return
		}
		conn.written += n
	}
	c.setErr(c.poller.Register(conn.fd, loop.Readable))
}

// read reads what arrived, checks it byte for byte against what was sent,
// and when the echo is whole, counts the round trip and sends the next.
func (c *epollClient) read(conn *echoConn) {
	n, err := sock.Read(conn.fd, c.scratch)
	switch {
	case sock.WouldBlock(err):
		return
	case err != nil:
		c.setErr(fmt.Errorf("connection %d: round trip %d: read: %w", conn.id, conn.seq, err))
		return
	case n == 0:
		c.setErr(fmt.Errorf("connection %d: round trip %d: the server closed the connection", conn.id, conn.seq))
		return
	}
	if err := conn.check(c.scratch[:n]); err != nil {
		c.setErr(err)
		return
	}
	if conn.received < len(conn.message) {
		return
	}
	now := time.Now()
	c.record(conn, now)
	conn.seq++
	c.send(conn, now)
}

// check compares bytes that came back with the part of the message they
// should echo.
func (conn *echoConn) check(got []byte) error {
	want := conn.message[conn.received:]
	if len(got) > len(want) {
		return fmt.Errorf("connection %d: round trip %d: %d bytes came back, %d were sent", conn.id, conn.seq, conn.received+len(got), len(conn.message))
	}
	if i := mismatch(got, want); i >= 0 {
		return fmt.Errorf("connection %d: round trip %d: byte %d of the echo is %#02x, %#02x was sent", conn.id, conn.seq, conn.received+i, got[i], want[i])
	}
	conn.received += len(got)
	return nil
}

// mismatch returns the index of the first byte where got differs from
// want, or -1.
func mismatch(got, want []byte) int {
	for i := range got {
		if got[i] != want[i] {
			return i
		}
	}
	return -1
}

// record counts a round trip that ended at now, if the window is open; its
// latency only if it began in the window too.
func (c *epollClient) record(conn *echoConn, now time.Time) {
	if !c.measuring {
		return
	}
	c.roundTrips++
	conn.counted++
	if !conn.sentAt.Before(c.open) {
		c.latencies = append(c.latencies, now.Sub(conn.sentAt))
	}
}

func (c *epollClient) setErr(err error) {
	if c.err == nil {
		c.err = err
	}
}

func (c *epollClient) openWindow() {
	c.usage[0] = readClientUsage()
	c.open, c.measuring = time.Now(), true
}

func (c *epollClient) closeWindow() {
	c.shut, c.measuring = time.Now(), false
	c.usage[1] = readClientUsage()
}

// figures sums up the window; a connection that made no round trip in it
// has stalled, and fails the load.
func (c *epollClient) figures() (epollFigures, error) {
	stalled := 0
	for _, conn := range c.conns {
		if conn != nil && conn.counted == 0 {
			stalled++
		}
	}
	if stalled > 0 {
		return epollFigures{}, fmt.Errorf("%d of %d connections made no round trip in the %v window (stalled)", stalled, c.count, c.load.window)
	}
	window := c.shut.Sub(c.open)
	f := epollFigures{echoFigures: summarizeLatencies(slices.Clone(c.latencies), window)}
	f.RoundTrips = int64(c.roundTrips)
	f.PerSecond = float64(c.roundTrips) / window.Seconds()
	f.ClientCPU = (c.usage[1].cpu - c.usage[0].cpu).Seconds() / window.Seconds()
	f.ClientSleeps = float64(c.usage[1].sleeps-c.usage[0].sleeps) / float64(c.roundTrips)
	return f, nil
}

// clientUsage is what the client has cost so far: the CPU time of its
// whole process (every thread, the Go runtime's included), and how many
// times the load's thread blocked (voluntary context switches: each is a
// wait in epoll_wait with nothing ready).
type clientUsage struct {
	cpu    time.Duration
	sleeps int64
}

// readClientUsage must be called on the load's locked thread.
func readClientUsage() clientUsage {
	var self, thread unix.Rusage
	unix.Getrusage(unix.RUSAGE_SELF, &self)
	unix.Getrusage(unix.RUSAGE_THREAD, &thread)
	return clientUsage{
		cpu:    time.Duration(self.Utime.Nano() + self.Stime.Nano()),
		sleeps: thread.Nvcsw,
	}
}
