package looptest

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// timeScale returns LOOPKIT_TIME_SCALE, the factor by which the checks
// stretch their bounds on a slow or loaded machine (2 doubles them), or 1.
func timeScale(t *testing.T) float64 {
	t.Helper()
	s := os.Getenv("LOOPKIT_TIME_SCALE")
	if s == "" {
		return 1
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f <= 0 {
		t.Fatalf("LOOPKIT_TIME_SCALE=%q: want a positive number, such as 2 to double every bound", s)
	}
	return f
}

// scaled returns d stretched by the time scale.
func scaled(d time.Duration, scale float64) time.Duration {
	return time.Duration(float64(d) * scale)
}

// packageDir returns the directory of the package under test as go test
// names it from the module root ("./loop", "./tutorials/03-select"), or "."
// if the module root cannot be found. go test runs a package's tests in its
// directory.
func packageDir() string {
	wd, err := os.Getwd()
	if err != nil {
		return "."
	}
	for dir := wd; ; dir = filepath.Dir(dir) {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			rel, err := filepath.Rel(dir, wd)
			if err != nil || rel == "." {
				return "."
			}
			return "./" + filepath.ToSlash(rel)
		}
		if filepath.Dir(dir) == dir {
			return "."
		}
	}
}

// reproduce returns the command that runs just the test t.
func reproduce(t *testing.T, dir string) string {
	return fmt.Sprintf("reproduce: go test %s -run '%s' -v", dir, t.Name())
}
