// Package work is the CPU-bound job of tutorial step 11: a computation
// that needs no I/O at all, only time on a CPU, cut into steps so that
// whoever runs it decides when to stop and let others run.
//
// The job is the one curio's tutorial warns with, fib(n) by its
// definition, fib(n) = fib(n-1) + fib(n-2): exponential work (fib(35) is
// about thirty million calls) that no poll call can interrupt. A recursive
// function cannot be stopped halfway and resumed later, so Fib keeps its
// own stack of the calls still to make, and Step makes a few thousand of
// them.
package work

import (
	"fmt"
	"strconv"
	"strings"
)

// A Work is a computation done in steps. Step does a little of it (well
// under a millisecond) and reports whether the whole is finished; Result
// is the answer once it is. A Work belongs to one goroutine at a time.
type Work interface {
	Step() (done bool)
	Result() string
}

// MaxFib is the largest n Parse takes: fib(45) already takes many seconds.
const MaxFib = 45

// Parse returns the work a request names: "35" is Fib(35).
func Parse(arg string) (Work, error) {
	n, err := strconv.Atoi(strings.TrimSpace(arg))
	if err != nil || n < 0 || n > MaxFib {
		return nil, fmt.Errorf("want a number from 0 to %d, got %q", MaxFib, arg)
	}
	return Fib(n), nil
}

// callsPerStep is how many calls of the definition one Step makes: some
// tens of microseconds on a current CPU.
const callsPerStep = 10000

// fib computes fib(n) as the definition does, one call at a time: a call
// fib(k) with k < 2 adds k to the sum, any other is replaced by its two
// calls. The stack holds the calls still to make; it is never deeper than
// n+1.
type fib struct {
	n     int
	stack []int
	sum   int
}

// Fib returns the work of computing fib(n) by its definition.
func Fib(n int) Work { return &fib{n: n, stack: []int{n}} }

// Step makes up to callsPerStep calls.
func (f *fib) Step() bool {
	for range callsPerStep {
		last := len(f.stack) - 1
		if last < 0 {
			return true
		}
		k := f.stack[last]
		if k < 2 {
			f.sum += k
			f.stack = f.stack[:last]
			continue
		}
		f.stack[last] = k - 1
		f.stack = append(f.stack, k-2)
	}
	return len(f.stack) == 0
}

// Result returns fib(n) once Step has reported done, "" before.
func (f *fib) Result() string {
	if len(f.stack) > 0 {
		return ""
	}
	return strconv.Itoa(f.sum)
}
