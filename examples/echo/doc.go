// Package echo is the smallest server there is, in every style: every byte
// a client sends comes back to it, in order, on the same connection, until
// the client closes its side; then the server closes too.
//
// Each style is one file, registered in Styles: StartGoroutines, and the
// programs serveCallbacks, serveProtocol and serveCoroutines, which
// examples.Loops runs on each loop. Read goroutines.go first: it is the
// program as Go's net package writes it, a goroutine per connection that
// reads and writes back. The other files write the same program on a
// loopkit loop, whole, from loop.New to Run; compare them two by two with
// diff. echotest.Run is the behaviour every one of them passes, on every
// backend.
package echo

import "github.com/loopkit/loopkit/examples"

// Start starts an echo server as cfg says.
type Start func(cfg examples.Config) (examples.Server, error)

// Styles lists the echo server in every style.
var Styles = examples.Styles[Start]{
	{Name: "goroutines", Start: StartGoroutines},
	{Name: "callbacks", Start: examples.Loops(serveCallbacks)},
	{Name: "protocol", Start: examples.Loops(serveProtocol)},
	{Name: "coroutines", Start: examples.Loops(serveCoroutines)},
}

// bufferSize is how much one read may take. 32 KiB as the anchor servers of
// the benchmark use: big enough that a read rarely leaves data behind.
const bufferSize = 32 << 10

// highWater is how many bytes a loop style's echo may have written and not
// yet seen taken by the kernel before it stops reading from that client.
const highWater = 64 << 10
