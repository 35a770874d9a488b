package steptest

import (
	"os"
	"strconv"
	"time"
)

// Scale returns d multiplied by the environment variable
// LOOPKIT_TIME_SCALE (a positive number, 1 if unset), so that the bounds
// of the checks stretch on a slow or loaded machine. The bounds only limit
// how long a wrong program takes to fail: no check passes or fails by a
// stopwatch.
func Scale(d time.Duration) time.Duration {
	f, err := strconv.ParseFloat(os.Getenv("LOOPKIT_TIME_SCALE"), 64)
	if err != nil || f <= 0 {
		return d
	}
	return time.Duration(float64(d) * f)
}
