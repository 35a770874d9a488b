//go:build !linux

package main

import (
	"errors"
	"io"
)

// run refuses: io_uring is Linux's, and so is this step.
func run(args []string, out io.Writer) error {
	return errors.New("step 16 needs Linux: io_uring is a Linux interface (on macOS or Windows, use a Linux VM or WSL2)")
}
