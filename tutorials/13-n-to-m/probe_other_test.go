//go:build !linux

package main

import "time"

// sleepInKernel is time.Sleep here: the probe that needs a system call
// runs on Linux only (TestEachLoopKeepsItsThread skips elsewhere).
func sleepInKernel(d time.Duration) { time.Sleep(d) }
