package testutil

import (
	"os"
	"strconv"
	"time"
)

// Scale returns d multiplied by the environment variable LOOPKIT_TIME_SCALE
// (a number, 1 if unset), so that the time bounds of the tests can be
// stretched on a slow machine without editing them.
func Scale(d time.Duration) time.Duration {
	f, err := strconv.ParseFloat(os.Getenv("LOOPKIT_TIME_SCALE"), 64)
	if err != nil || f <= 0 {
		return d
	}
	return time.Duration(float64(d) * f)
}
