// Package bench holds the homelands: servers written as the users of each
// style's home framework write them, which loopkit compare --homelands
// measures beside the kit's own styles under the same load. They are in
// servers/:
//
//   - node_echo.js: callbacks, on Node's net module (libuv underneath).
//   - asyncio_echo.py: a protocol object, on asyncio's loop, or on uvloop
//     (libuv) with --uvloop.
//   - gevent_echo.py and gevent_chat.py: coroutines, a greenlet per
//     connection on gevent's StreamServer; the chat is the talk's.
//   - c_epoll_echo.c: the floor, one thread on level-triggered epoll.
//
// Go's own net package, the goroutines style, is loopkit run echo --style
// goroutines: it is Go net already, so it is not written twice.
//
// Each server takes HOST:PORT as its one argument (port 0: a free one) and
// prints "listening on HOST:PORT" once it listens, as loopkit run does. They
// are small on purpose: what each framework's users would write first, with
// no tuning that the kit's styles do not get either.
//
// Where not to add things: nothing here is needed by make test or make
// compare; a server whose runtime is missing is left out of the run with a
// line that says what to install.
package bench

import "embed"

// Files holds servers/, the homelands' sources. loopkit compare --homelands
// writes them to a temporary folder and runs them from there (compiling the
// C one first), so that the run needs the binary and the runtimes, not the
// checkout. (The sources are in a folder of their own because Go refuses a
// .c file in a package that does not use cgo.)
//
//go:embed servers
var Files embed.FS
