// Package blocking is an echo over a blocking socket: you write it in
// tutorial step 01. Fill in the two functions below; the step's README
// says how, and go test ./tutorials/01-blocking checks them.
package blocking

// Echo sends back to the client on fd everything it reads from it, until
// the client closes its end; then it returns nil. fd is a blocking socket:
// read waits until the client sends something, write until the kernel has
// taken the bytes. While Echo runs, the goroutine that called it serves no
// one else.
func Echo(fd int) error {
	// Read into a buffer with unix.Read(fd, buf). It returns n > 0 bytes
	// (write them back with WriteAll), 0 at end of file (return nil), or
	// an error (return it; unix.EINTR means "try again").
	panic("TODO(step01): Echo: read from fd until end of file, and write back each piece with WriteAll")
}

// WriteAll writes all of p to fd. One write may take fewer bytes than it
// was given, even on a blocking socket: when a signal interrupts it after
// some bytes went, write returns how many did (a short write). So WriteAll
// writes again, with the rest, until nothing is left.
func WriteAll(fd int, p []byte) error {
	// unix.Write(fd, p) returns how many bytes it took.
	panic("TODO(step01): WriteAll: call unix.Write until all of p is written")
}
