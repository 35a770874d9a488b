// Package completion is the echo server once more, with io_uring doing the
// reads and writes themselves: the completion model, beside the readiness
// model of every other style.
//
// Every loop style of the kit asks the kernel "which fds are ready?" and
// then makes each recv and send itself: per round trip, one wait, one
// read, one write, each a system call. Here the server hands the kernel
// the operations ("receive into this buffer", "send these bytes") on the
// submission ring of package internal/uring, and the kernel answers "this
// one is done, with this result" on the completion ring. One io_uring_enter
// per iteration submits every request prepared since the last one and
// waits for completions; a busy server does a whole batch of round trips
// per system call. examples/echo/callbacks.go is the same program in
// readiness style: read them side by side.
//
// Each connection has one buffer and one request in flight at a time: a
// recv into the buffer, then a send of what it received, then a recv
// again. A send that moves only part of the bytes (the peer is slow, its
// window is full) is sent on from where it stopped. Because the next recv
// waits for the send, a client that stops reading stops the server reading
// from it: flow control comes with the shape, with no high-water mark.
//
// # What completion changes for a front end
//
// The readiness contract lets a front end keep every buffer until the
// system call it makes, and cancel by not making it. Completion changes
// three things, and a front end built on it (tokio-uring, glommio, monoio,
// libuv's io_uring file operations) has to say so in its own API:
//
//   - Buffer lifetime. From submission to completion the buffer belongs to
//     the kernel, which may write into it at any moment: the program must
//     neither reuse nor free it. Rust's tokio-uring makes read take the
//     buffer by value and give it back with the result for that reason.
//     Here each connection owns its buffer, and Go's collector, which never
//     moves heap memory, is kept from freeing it by the connection's
//     reference.
//   - Cancellation. A request cannot be taken back by forgetting it.
//     Cancelling (IORING_OP_ASYNC_CANCEL) is itself a request, and the
//     cancelled one still completes, with -ECANCELED or with its result if
//     it finished first; only then are its fd and buffer free. Close here
//     cancels everything, then runs the ring until every request has come
//     back, and only then closes the fds.
//   - Ordering. Completions come in the order the operations finish, not
//     the order they were submitted; two sends in flight on one socket
//     could be done in either order. One request in flight per connection
//     keeps each stream in order (linked requests, IOSQE_IO_LINK, are the
//     other way).
//
// Discussion: buffers. A buffer per connection (here 32 KiB, as the other
// styles read) is simple and makes the echo copy nothing, but costs its
// memory for every idle connection. Production servers register provided
// buffer rings (IORING_REGISTER_PBUF_RING): the kernel picks a buffer from
// a shared pool only when data arrives, so memory follows the reads in
// flight rather than the connections. The kit keeps a buffer per
// connection so that ownership is visible in one field.
//
// Where not to add things: this is one program, not a front end. A general
// completion front end would need its own loop (timers, callbacks) built on
// the ring; the kit's loop stays a readiness loop, which io_uring can also
// serve (loop/poller_uring.go).
package completion
