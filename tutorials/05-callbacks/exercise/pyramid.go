// Package pyramid is an echo server and a chain of two fetches, in raw
// callbacks: you write both in tutorial step 05. Fill in the functions that
// panic with TODO(step05); go test ./tutorials/05-callbacks checks them.
//
// Everything here is a function handed to the loop: the loop calls it when
// what it waits for has happened, and its result can go nowhere but into
// the next function. Watch the nesting of BeerThenFruit grow: that is the
// pyramid.
package pyramid

import (
	"github.com/loopkit/loopkit/callbacks"
	"github.com/loopkit/loopkit/loop"
)

// highWater is how many echoed bytes may wait in the connection's buffer,
// because the client does not read them, before Echo stops reading from
// that client: a client that sends without reading must not fill the
// server's memory.
//
//lint:ignore U1000 Echo, your part, uses it
const highWater = 64 << 10

// Echo sets the callbacks of one accepted connection so that every byte
// the client sends comes back, in order; when the client closes its end,
// Echo closes the connection once the echo is written.
func Echo(c *callbacks.Conn) {
	// c.OnRead(func(data []byte, err error) {...}) is called with each
	// chunk, then once with io.EOF (or the error that broke the
	// connection). c.Write(data, nil) sends; c.Close() closes once what
	// is buffered is written. Above highWater buffered bytes
	// (c.Buffered()), c.PauseReading(); c.OnFlush tells you when the
	// buffer has drained: then c.ResumeReading().
	panic("TODO(step05): Echo: OnRead writes each chunk back and closes at the end; pause reading above highWater, resume when flushed")
}

// BeerThenFruit is the talk's get_fruit: it fetches base+"/api/beer", whose
// body is a beer's id, then base+"/api/fruit/"+id, and calls done once,
// from the loop, with the second body, or with the first error on the way.
func BeerThenFruit(l *loop.Loop, base string, done func(fruit string, err error)) {
	// callbacks.Get(l, url, func(resp *http.Response, err error) {...})
	// calls its function from the loop with the response, whose Body is
	// in memory already (io.ReadAll(resp.Body)), or with the error that
	// stopped it. The second Get can only start inside the first one's
	// function: that is where the beer's id is.
	panic("TODO(step05): BeerThenFruit: Get /api/beer, then, in its callback, Get /api/fruit/ID; call done once, with the fruit or the first error")
}
