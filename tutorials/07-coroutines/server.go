package main

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// serve spawns the server's acceptor: a coroutine that accepts each
// connection of the listening socket ln and spawns a coroutine to run Echo
// on it, as gevent's StreamServer does. Killed, the acceptor returns, and
// the caller closes ln.
func serve(h Hub, ln int) Task {
	return h.Spawn("acceptor", func(co Co) error {
		for {
			fd, err := co.Accept(ln)
			if err != nil {
				return err
			}
			h.Spawn(fmt.Sprintf("echo(%d)", fd), func(co Co) error {
				defer unix.Close(fd) // its waiters are gone: each wait removes its own
				return Echo(co, fd)
			})
		}
	})
}
