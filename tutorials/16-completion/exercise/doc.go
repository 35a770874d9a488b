// Package ring is the submit and reap half of an io_uring, over the queues
// package internal/uring sets up and maps: you write it in tutorial step 16.
// The step's README says how; go test ./tutorials/16-completion checks it.
package ring
