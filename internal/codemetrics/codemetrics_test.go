package codemetrics_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/loopkit/loopkit/internal/codemetrics"
)

func TestMeasure(t *testing.T) {
	src := `package p

// f has a comment.
func f(xs []int) int {
	n := 0 // trailing comment
	for _, x := range xs {
		if x > 0 {
			n++
		} else if x < 0 {
			n--
		}
	}
	/* a block
	   comment */
	g := func() {
		go func() {}()
	}
	g()
	return n
}
`
	lines, depth, err := codemetrics.Measure("p.go", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	// Lines: package, func, n :=, for, if, n++, } else if, n--, }, }, g :=, go, }, g(), return, }.
	if diff := cmp.Diff([2]int{16, 2}, [2]int{lines, depth}); diff != "" {
		t.Errorf("lines and depth (-want +got):\n%s", diff)
	}
}

// TestDepthCountsThePyramid measures callbacks nested in callbacks: each
// function literal, and each if inside one, is a level.
func TestDepthCountsThePyramid(t *testing.T) {
	src := `package p

func get(url string, fn func(string, error)) {}

func chain(done func(string, error)) {
	get("a", func(a string, err error) {
		if err != nil {
			done("", err)
			return
		}
		get("b?"+a, func(b string, err error) {
			if err != nil {
				done("", err)
				return
			}
			done(b, nil)
		})
	})
}
`
	_, depth, err := codemetrics.Measure("p.go", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if depth != 3 {
		t.Errorf("depth of two nested callbacks with an if in the inner one = %d, want 3", depth)
	}
}

func TestMeasureReportsAParseError(t *testing.T) {
	if _, _, err := codemetrics.Measure("bad.go", []byte("package p\nfunc {")); err == nil {
		t.Error("Measure of a file that does not parse returned no error")
	}
}

func TestFuncsMeasuresEachFunction(t *testing.T) {
	src := `package p

// flat is flat.
func flat() int { return 1 }

func (c *Conn) deep(xs []int) {
	for range xs {
		if true {
			go func() {}()
		}
	}
}

type Conn struct{}
`
	got, err := codemetrics.Funcs("p.go", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	want := []codemetrics.Func{
		{Name: "flat", Lines: 1, Depth: 0},
		{Name: "(*Conn).deep", Lines: 7, Depth: 3},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Funcs (-want +got):\n%s", diff)
	}
}
