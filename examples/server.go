package examples

import (
	"fmt"
	"slices"
	"strings"
)

// Config says where and how a server runs.
type Config struct {
	// Addr is the address to listen on, such as "127.0.0.1:8001" (port 0
	// picks a free port, Server.Addr tells which), or a Unix-domain
	// socket's path, such as "unix:/tmp/chat.sock".
	Addr string
	// Backend is the poller of the loops: one of loop.Backends(), or ""
	// for the default (LOOPKIT_BACKEND, else the best of the OS). The
	// goroutines style has no loop and ignores it.
	Backend string
	// Loops is the number of loops, each on its own OS thread with its own
	// poller, all listening on the same port (SO_REUSEPORT): the kernel
	// spreads the connections among them. 0 means 1. The goroutines style
	// ignores it (Go's runtime already spreads goroutines over threads).
	Loops int
	// OnError receives the errors no caller can be told of: a panic in a
	// callback, a failure to accept. nil prints them to standard error.
	OnError func(error)
	// Hooks shape the loops and hubs the server makes (see Hooks). The
	// goroutines style makes neither and ignores them.
	Hooks
}

// A Server is a running example server, in any style.
type Server interface {
	// Addr returns the address the server listens on, as "host:port" or
	// "unix:PATH": as the front ends' Dial and loopkit join take it.
	Addr() string
	// Close stops the server: it stops listening, closes every
	// connection, and waits until the server's goroutines (and loops)
	// have ended. It returns the first error that ended a loop, or an
	// error if something was still waiting when it should have ended.
	Close() error
}

// A Style is one version of a program: its name ("goroutines",
// "callbacks", "protocol", "coroutines") and the function that starts it.
// F is the program's start function type.
type Style[F any] struct {
	Name  string
	Start F
}

// Styles is a program's table of styles, in the order the package doc
// lists them.
type Styles[F any] []Style[F]

// Names returns the styles' names in order.
func (s Styles[F]) Names() []string {
	names := make([]string, len(s))
	for i, st := range s {
		names[i] = st.Name
	}
	return names
}

// Lookup returns the start function of the style called name, or an error
// that lists the styles there are.
func (s Styles[F]) Lookup(name string) (F, error) {
	i := slices.IndexFunc(s, func(st Style[F]) bool { return st.Name == name })
	if i < 0 {
		var zero F
		return zero, fmt.Errorf("unknown style %q (choose one of: %s)", name, strings.Join(s.Names(), ", "))
	}
	return s[i].Start, nil
}
