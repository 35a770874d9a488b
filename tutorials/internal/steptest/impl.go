package steptest

import (
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/loopkit/loopkit/tutorials/internal/manifest"
)

// A Registry maps the names LOOPKIT_IMPL can take to a step's
// implementations. Its value type is the step's entry point, such as
// func() (loop.Poller, error): the compiler then makes sure the exercise,
// the solution and every mutant offer the same API, so the skeleton cannot
// drift from the solution.
type Registry[T any] map[string]T

// The names of the registry's permanent entries.
const (
	Exercise = "exercise"
	Solution = "solution"
)

// Selected returns the name LOOPKIT_IMPL asks for: "exercise" when it is
// unset.
func Selected() string {
	if name := strings.TrimSpace(os.Getenv("LOOPKIT_IMPL")); name != "" {
		return name
	}
	return Exercise
}

// Impl returns the implementation LOOPKIT_IMPL names, and logs which one is
// being checked. An unknown name fails the test with the names there are.
func Impl[T any](t testing.TB, impls Registry[T]) T {
	t.Helper()
	name := Selected()
	impl, ok := impls[name]
	if !ok {
		t.Fatalf("LOOPKIT_IMPL=%q: no such implementation in this step; want one of %s", name,
			strings.Join(slices.Sorted(maps.Keys(impls)), ", "))
	}
	t.Logf("checking the %s (LOOPKIT_IMPL=%s)", describe(name), name)
	return impl
}

// describe words an implementation's name for the log.
func describe(name string) string {
	switch {
	case name == Exercise:
		return "exercise: your code in exercise/"
	case name == Solution:
		return "reference solution in solution/"
	}
	return name
}

// OverlayMutant has every go command the test starts (with t.Setenv, so
// for the rest of the test) build the step's reference with the patch of
// its mutant name applied: a test of the step's program can then show
// what the program does with that known mistake in it. Call it from the
// step's directory, where go test runs a step's tests.
func OverlayMutant(t *testing.T, name string) {
	t.Helper()
	dir, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	_, overlay, err := manifest.MutantOverlay(dir, name, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("GOFLAGS", strings.TrimSpace(os.Getenv("GOFLAGS")+" -overlay="+overlay))
}
