package protocol

import (
	"github.com/loopkit/loopkit/callbacks"
	"github.com/loopkit/loopkit/threadpool"
)

// ConnectHost is Connect to an address whose host may be a name
// ("localhost:8080"): the name is looked up on a worker of pool, and the
// addresses found are tried in turn (callbacks.DialHost). p and done are
// called as Connect calls them, on pool's loop.
func ConnectHost(pool *threadpool.Pool, addr string, p Protocol, done func(error)) {
	callbacks.DialHost(pool, addr, connected(pool.Loop(), p, done))
}
