// Package sock makes the non-blocking sockets the front ends hand to the
// loop: listening, accepting and connecting TCP sockets, and UDP sockets, as
// raw fds made with golang.org/x/sys/unix. It knows nothing of the loop; the
// front ends (callbacks, protocol, coroutines) register the fds it returns.
//
// Everything here is a thin, commented wrapper over a system call sequence a
// student can look up in socket(7), tcp(7) and connect(2): the order of the
// calls and the errors that matter are the lesson. Go's net package does the
// same work behind its netpoller; loopkit does it by hand so that the loop
// owns the fds.
package sock
