// Package sock makes the non-blocking sockets the front ends hand to the
// loop: listening, accepting and connecting TCP sockets, Unix-domain stream
// sockets (named by a path, "unix:/tmp/chat.sock": unix.go), and UDP
// sockets, as raw fds made with golang.org/x/sys/unix. It knows nothing of
// the loop; the front ends (callbacks, protocol, coroutines) register the
// fds it returns.
//
// A Unix-domain socket is read and written, polled and closed as a TCP one
// is, so the front ends serve both with the same code, and so does this
// package where it can (stream.go: ListenStream, CloseListener, Connect).
// Only listening differs (a file to make, find stale and remove: unix.go),
// and addresses (a path, not an IP address and port).
//
// Everything here is a thin, commented wrapper over a system call sequence
// a student can look up in socket(7), tcp(7), unix(7) and connect(2): the
// order of the calls and the errors that matter are the lesson. Go's net
// package does the same work behind its netpoller; loopkit does it by hand
// so that the loop owns the fds.
package sock
