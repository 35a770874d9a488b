// Package testutil holds what the tests of the front ends share: a loop per
// backend with a watchdog, a count of open fds to catch leaks, and an echo
// peer built on Go's net package, independent of the kit.
//
// A test of a front end is written once and run on every backend:
//
//	func TestEcho(t *testing.T) {
//		testutil.ForEachBackend(t, func(t *testing.T, backend string) {
//			l, _ := testutil.NewLoop(t, backend)
//			// set up servers and clients on l, start peers in goroutines
//			testutil.Run(t, l, 10*time.Second)
//			// compare what was seen with what was wanted
//		})
//	}
//
// ForEachBackend checks that the subtest closed every fd it opened, NewLoop
// fails the test on any error the loop reports that the test did not take,
// and Run turns a hang into a failure with a message instead of go test's
// ten-minute panic.
//
// The loop runs on the test goroutine, as the loop's rules want; peers run
// in goroutines of their own and hand the loop work only through
// CallSoonThreadSafe.
//
// Only tests import this package. It may use net, time.Sleep and blocking
// calls freely: it plays the world outside the loop.
package testutil
