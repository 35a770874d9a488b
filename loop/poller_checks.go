package loop

import "fmt"

// The checks below are the same for every backend; each backend passes its
// name so that a message says which poller refused and why.

// checkRegister refuses a Register that no backend can honour: a negative
// fd, or events other than Readable and Writable (a caller's bug that would
// otherwise be silently ignored).
func checkRegister(backend string, fd int, ev Events) error {
	if fd < 0 {
		return fmt.Errorf("%s: Register(%d, %v): negative fd", backend, fd, ev)
	}
	if ev&^(Readable|Writable) != 0 {
		return fmt.Errorf("%s: Register(%d, %v): unknown events", backend, fd, ev)
	}
	return nil
}

// checkReady refuses a Wait with no room for an event: it could report
// nothing, and a loop calling it would wait for ever or spin.
func checkReady(backend string, ready []Event) error {
	if len(ready) == 0 {
		return fmt.Errorf("%s: Wait: ready has length 0: no room for an event", backend)
	}
	return nil
}

// errClosed is the error of a method called after Close.
func errClosed(backend, method string) error {
	return fmt.Errorf("%s: %s: %w", backend, method, ErrClosed)
}
