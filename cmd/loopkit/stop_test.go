package main

import (
	"syscall"
	"testing"
	"time"
)

// TestRunStopsOnCtrlC sends the server what Ctrl-C sends, SIGINT, in each
// style: the signal reaches run's loop, which closes the server, and the
// process exits 0. (TestRunEchoServes stops it with SIGTERM.)
func TestRunStopsOnCtrlC(t *testing.T) {
	for _, style := range []string{"goroutines", "callbacks", "coroutines"} {
		t.Run(style, func(t *testing.T) {
			c, err := startChild("echo", style, "poll", 1)
			if err != nil {
				t.Fatal(err)
			}
			c.cmd.Process.Signal(syscall.SIGINT)
			select {
			case err := <-c.exited:
				if err != nil {
					t.Errorf("loopkit run echo --style %s, sent SIGINT: %v\n%s", style, err, c.stderr)
				}
			case <-time.After(10 * time.Second):
				c.cmd.Process.Kill()
				<-c.exited
				t.Fatalf("loopkit run echo --style %s did not stop within 10s of SIGINT", style)
			}
		})
	}
}
