//go:build !linux

package looptest

import "errors"

// canInterrupt says whether this OS lets a check send a signal to the one
// thread that is inside Wait: only Linux has tgkill.
const canInterrupt = false

func lockAndReportThread(chan<- int) {}

func interruptThread(int) error { return errors.New("looptest: tgkill is Linux only") }
