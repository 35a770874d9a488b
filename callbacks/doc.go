// Package callbacks drives TCP and UDP sockets with raw callbacks: for each
// thing you wait for, you hand the loop a function, and the result arrives
// only as the arguments of that function. It is the style of Node
// (net.createServer, socket.on('data'), socket.write(data, cb)) and of
// Tornado's IOStream, built by hand over non-blocking sockets and package
// loop.
//
// # The style
//
// Nothing here blocks and nothing returns a result later. Listen takes the
// function to call with each new connection; Dial the function to call once
// connected; Conn.OnRead the function to call with each chunk read;
// Conn.Write the function to call once the bytes reached the kernel. Each
// callback runs on the loop goroutine, one at a time, to completion, so no
// state needs a lock; in return a callback must never block, or every other
// connection waits with it.
//
//	Node                          loopkit callbacks
//	net.createServer(onConn)      Listen(l, addr, onAccept)
//	net.connect(port, onConnect)  Dial(l, addr, func(*Conn, error))
//	socket.on('data', fn)         Conn.OnRead(fn), fn(data, nil)
//	socket.on('end', fn)          fn(nil, io.EOF)
//	socket.on('error', fn)        fn(nil, err); Write's done(err)
//	socket.on('close', fn)        Conn.OnClose(fn)
//	socket.write(data, cb)        Conn.Write(data, done)
//	socket.on('drain', fn)        Conn.OnFlush(fn), buffered == 0
//	socket.end()                  Conn.CloseWrite, or Close to close as well
//	socket.destroy()              Conn.Abort
//	socket.pause() / resume()     Conn.PauseReading / ResumeReading
//	dgram socket.on('message')    PacketConn.OnReadFrom
//	http.get(url, cb)             Get(l, url, func(*http.Response, error))
//
// # How it drives the loop
//
// A Conn is a non-blocking fd and two waiters. Its reader is registered
// with the loop while a read callback is set and reading is not paused;
// when the fd is readable, the reader borrows a 64 KiB read buffer, reads
// once into it, calls the read callback with the bytes, and gives the
// buffer back (the Discussion below says why). Write tries the write system call
// at once; only what the kernel does not take is copied to the connection's
// buffer, and only then is a writer registered, which flushes the buffer as
// the peer reads and unregisters once it is empty. So an echo server's
// steady state is one read and one write per message, with no allocation
// and no other system call.
//
// # The pyramid
//
// A sequence of steps becomes a nest of callbacks: connect, then write the
// request, then read the response, then parse it, each step inside the
// callback of the step before:
//
//	Dial(l, addr, func(c *Conn, err error) {
//		if err != nil { ... }
//		c.Write(request, func(err error) {
//			if err != nil { ... }
//			c.OnRead(func(data []byte, err error) {
//				if err != nil { ... }
//				...
//			})
//		})
//	})
//
// This is the pyramid of doom (callback hell): the code drifts right, each
// level repeats the error check, a loop becomes a recursion (see how
// TestDialedConnKeepsBytesIntact writes chunk after chunk), and state that
// would be a local variable must live in a closure or a struct that all the
// callbacks share. Get, in http.go, is the pyramid kept small by naming the
// levels. The other two front ends are two ways out: package protocol puts
// the callbacks of one connection on one object, whose fields are the
// state; package coroutines writes the same steps as straight-line code
// that looks blocking.
//
// # Where errors go
//
// An error goes to the callback that waits for it, and only there: a failed
// connect to Dial's callback; a reset to the read callback, to the done of
// each write still buffered, and to the close callback; a write after Close
// to that write's done. When no callback waits for an error, it goes to the
// loop's error handler (loop.WithErrorHandler) rather than nowhere. A panic
// in any callback is recovered by the loop and reported there with its
// stack; a connection whose accept or dial callback panicked is aborted,
// since nobody would close it. Callbacks that report an outcome (done,
// OnClose, a failed Dial) are always called from the loop, never from
// inside the call that caused them: the code after Write runs before its
// done.
//
// Every connection ends exactly once, whichever way (Close, Abort, a reset,
// a failed write): its waiters are removed before its fd is closed, and
// OnClose is called once.
//
// # What is simpler than production
//
// Names are not looked up (a DNS lookup would block; production loops run
// it in a thread pool, as libuv's getaddrinfo does). There are no timeouts:
// build them from loop.CallLater and Abort. Nothing bounds a connection's
// outgoing buffer: Node does not either, it only tells you (write returns
// false); watch Buffered, or use package protocol, which pauses a writer
// for you.
//
// # Discussion: no state per loop
//
// This package keeps nothing per loop, so Listen, Dial and ListenPacket
// take the loop itself. (Package coroutines has a Hub because it does keep
// state per loop: the coroutines it runs.) The two things all the
// connections of a loop could share are owned elsewhere.
//
// The read buffer is borrowed from a sync.Pool for one read and its
// callback. A loop runs one callback at a time, so it keeps one buffer busy
// however many connections it has, but the loop knows nothing of sockets
// and has no place to keep one. A buffer per connection would cost 625 MiB
// for ten thousand idle connections; one allocated per read would hand the
// garbage collector 64 KiB per event. The pool costs neither: no allocation
// per read once it holds a buffer, nothing held by an idle connection, a
// buffer per thread that runs a loop (the pool keeps a cache per
// processor), and the collector takes back the buffers nobody borrowed for
// two cycles. That is
// why the data given to a read callback is valid only during the call.
// libuv leaves the choice to its caller: uv_read_start takes an alloc
// callback, which servers answer from a pool or one static buffer.
//
// The outcomes a call reports later (a Write's done, OnClose) go to the
// loop's own ready queue with CallSoon, one closure each. That is an
// allocation of 32 bytes per Write with a done, as asyncio's call_soon
// makes a Handle and Node a write request for each; the echo hot path
// passes no done and allocates nothing. A private queue drained by one
// loop callback would save that allocation, but it is a second ready queue
// beside the loop's, with its own order and its own panic handling, and it
// needs somewhere per loop to live.
//
// # What to read next
//
// Read conn.go (reading), write.go (the outgoing buffer), close.go (the one
// way a connection ends), listener.go and dial.go (the two ways it begins).
// Then package protocol (callbacks/protocol), built on this one, and
// package coroutines. Protocols, framing and parsers do not belong here:
// this package moves bytes; what they mean is the caller's.
package callbacks
