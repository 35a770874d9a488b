package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"time"
)

// An event is one line of go test -json: cmd/test2json's TestEvent, or
// the build's BuildEvent (Action "build-output", with ImportPath).
type event struct {
	Action     string
	Package    string
	ImportPath string
	Test       string
	Output     string
	Elapsed    float64
}

// A result is what one test did, gathered from its events.
type result struct {
	action string // pass, fail, skip; "" if it never finished
	output strings.Builder
}

// A key names a test in a run that may span packages: every step has a
// TestEcho.
type key struct{ pkg, test string }

// A report is every test's result in one go test run.
type report struct {
	tests    map[key]*result
	order    []key           // tests in the order they started
	pkgFail  map[string]bool // packages that failed as a whole (build errors, panics)
	pkgOut   map[string]*strings.Builder
	build    strings.Builder // the compiler's messages, of every package
	exitCode int
	stderr   string
}

func newReport() *report {
	return &report{tests: map[key]*result{}, pkgFail: map[string]bool{}, pkgOut: map[string]*strings.Builder{}}
}

// read decodes a stream of test events. A line that is not JSON (a build
// error printed by go test) goes to the output of package "".
func (r *report) read(stream io.Reader) {
	sc := bufio.NewScanner(stream)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		var ev event
		if err := json.Unmarshal(sc.Bytes(), &ev); err != nil {
			r.out("").WriteString(sc.Text() + "\n")
			continue
		}
		if ev.Test == "" {
			switch ev.Action {
			case "build-output":
				r.build.WriteString(ev.Output)
			case "fail":
				r.pkgFail[ev.Package] = true
			case "output":
				r.out(ev.Package).WriteString(ev.Output)
			}
			continue
		}
		k := key{ev.Package, ev.Test}
		res := r.tests[k]
		if res == nil {
			res = &result{}
			r.tests[k] = res
			r.order = append(r.order, k)
		}
		switch ev.Action {
		case "output":
			res.output.WriteString(ev.Output)
		case "pass", "fail", "skip":
			res.action = ev.Action
		}
	}
}

func (r *report) out(pkg string) *strings.Builder {
	b := r.pkgOut[pkg]
	if b == nil {
		b = &strings.Builder{}
		r.pkgOut[pkg] = b
	}
	return b
}

// find returns the result of the test named name, in a run of one package.
func (r *report) find(name string) (*result, bool) {
	for _, k := range r.order {
		if k.test == name {
			return r.tests[k], true
		}
	}
	return nil, false
}

// ran reports whether the test name, or a subtest of it, ran in pkg.
func (r *report) ran(pkg, name string) bool {
	for _, k := range r.order {
		if k.pkg == pkg && (k.test == name || strings.HasPrefix(k.test, name+"/")) {
			return true
		}
	}
	return false
}

// outputOf returns the output of a test and of its subtests, without the
// lines go test adds about running and finishing them. An empty k.pkg
// matches any package: enough in a run of one.
func (r *report) outputOf(k key) string {
	var b strings.Builder
	for _, t := range r.order {
		if k.pkg != "" && t.pkg != k.pkg || t.test != k.test && !strings.HasPrefix(t.test, k.test+"/") {
			continue
		}
		for _, line := range strings.SplitAfter(r.tests[t].output.String(), "\n") {
			trimmed := strings.TrimSpace(line)
			if strings.HasPrefix(trimmed, "=== ") || strings.HasPrefix(trimmed, "--- ") || trimmed == "" {
				continue
			}
			b.WriteString(line)
		}
	}
	return b.String()
}

// failedLeaves returns the failed tests none of whose subtests failed: the
// checks that say what is wrong, in the order they ran.
func (r *report) failedLeaves() []key {
	var out []key
	for _, t := range r.order {
		if r.tests[t].action != "fail" {
			continue
		}
		leaf := true
		for _, u := range r.order {
			if u.pkg == t.pkg && strings.HasPrefix(u.test, t.test+"/") && r.tests[u].action == "fail" {
				leaf = false
				break
			}
		}
		if leaf {
			out = append(out, t)
		}
	}
	return out
}

// count returns how many tests ended with action.
func (r *report) count(action string) int {
	n := 0
	for _, res := range r.tests {
		if res.action == action {
			n++
		}
	}
	return n
}

// goTestJSON runs go test -json with args in dir, env added to the
// environment, and returns the report.
func goTestJSON(ctx context.Context, dir string, env []string, args ...string) *report {
	cmd := exec.CommandContext(ctx, "go", append([]string{"test", "-json"}, args...)...)
	return runJSON(cmd, dir, env)
}

// testBinaryJSON runs a compiled test binary through go tool test2json, in
// dir (go test runs a package's tests in its directory).
func testBinaryJSON(ctx context.Context, dir string, env []string, binary string, args ...string) *report {
	cmd := exec.CommandContext(ctx, "go", append([]string{"tool", "test2json", "-t", binary, "-test.v=test2json"}, args...)...)
	return runJSON(cmd, dir, env)
}

func runJSON(cmd *exec.Cmd, dir string, env []string) *report {
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.WaitDelay = 5 * time.Second
	err := cmd.Run()
	r := newReport()
	r.read(&stdout)
	r.stderr = stderr.String()
	if exit, ok := err.(*exec.ExitError); ok {
		r.exitCode = exit.ExitCode()
	} else if err != nil {
		r.exitCode = -1
		r.stderr += err.Error()
	}
	return r
}

// runPattern returns the -run pattern that selects exactly the test name,
// subtests included: each element anchored.
func runPattern(name string) string {
	parts := strings.Split(name, "/")
	for i, p := range parts {
		parts[i] = "^" + regexp.QuoteMeta(p) + "$"
	}
	return strings.Join(parts, "/")
}

// indent prefixes every line of s.
func indent(s, prefix string) string {
	s = strings.TrimRight(s, "\n")
	if s == "" {
		return ""
	}
	return prefix + strings.ReplaceAll(s, "\n", "\n"+prefix)
}

// since formats how long something took.
func since(start time.Time) string {
	return fmt.Sprintf("%.1fs", time.Since(start).Seconds())
}
