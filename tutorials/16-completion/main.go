// Command 16-completion runs the echo server once more, with io_uring doing
// the recv and send themselves (examples/echo/completion), on the submit
// and reap half of the ring that you write (exercise/ring.go): readiness
// ("which fds are ready?") turned into completion ("which operations are
// done?"). Linux only: io_uring is Linux's.
//
//	go run ./tutorials/16-completion            # the completion echo on 127.0.0.1:7016
//	go run ./tutorials/16-completion -demo      # system calls per round trip: readiness against completion
//	go run ./tutorials/16-completion -ref       # the reference ring
//	go test ./tutorials/16-completion           # check your ring.go
package main

import "github.com/loopkit/loopkit/tutorials/internal/step"

func main() { step.Main(run) }
