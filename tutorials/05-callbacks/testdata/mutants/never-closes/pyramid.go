// Package pyramid is a known-wrong version for the checks of tutorial step
// 05: Echo stops reading at the end of the stream, but never closes.
//
// Everything here is a function handed to the loop: the loop calls it when
// what it waits for has happened, and its result can go nowhere but into
// the next function. Read the nesting of BeerThenFruit: that is the pyramid.
package pyramid

import (
	"io"
	"net/http"

	"github.com/loopkit/loopkit/callbacks"
	"github.com/loopkit/loopkit/loop"
)

// highWater is how many echoed bytes may wait in the connection's buffer,
// because the client does not read them, before Echo stops reading from
// that client: a client that sends without reading must not fill the
// server's memory.
const highWater = 64 << 10

// Echo sets the callbacks of one accepted connection so that every byte
// the client sends comes back, in order; when the client closes its end,
// Echo closes the connection once the echo is written.
func Echo(c *callbacks.Conn) {
	c.OnRead(func(data []byte, err error) {
		if err != nil {
			return // the mistake: nothing closes the connection, and its fd stays open
		}
		c.Write(data, nil)
		if c.Buffered() > highWater {
			c.PauseReading()
		}
	})
	c.OnFlush(func(buffered int) {
		if buffered == 0 {
			c.ResumeReading()
		}
	})
}

// BeerThenFruit is the talk's get_fruit: it fetches base+"/api/beer", whose
// body is a beer's id, then base+"/api/fruit/"+id, and calls done once,
// from the loop, with the second body, or with the first error on the way.
func BeerThenFruit(l *loop.Loop, base string, done func(fruit string, err error)) {
	callbacks.Get(l, base+"/api/beer", func(resp *http.Response, err error) {
		if err != nil {
			done("", err)
			return
		}
		beer, _ := io.ReadAll(resp.Body) // in memory already: Get read it
		callbacks.Get(l, base+"/api/fruit/"+string(beer), func(resp *http.Response, err error) {
			if err != nil {
				done("", err)
				return
			}
			fruit, _ := io.ReadAll(resp.Body)
			done(string(fruit), nil)
		})
	})
}
