package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/loopkit/loopkit/tutorials/internal/manifest"
)

// check runs a step's checks on the student's code (or whatever
// LOOPKIT_IMPL names) and prints what failed, with the hint to read for
// each failure; on success, where the reference is.
func (tu *tutorial) check(name string, race bool) error {
	s, err := tu.step(name)
	if err != nil {
		return err
	}
	if s.Status == manifest.Planned {
		return fmt.Errorf("%s is not written yet", s.Dir)
	}
	args := []string{"-count=1", "-timeout=60s"}
	if race {
		args = append(args, "-race")
	}
	args = append(args, pkg(s))
	fmt.Fprintf(tu.out, "go test %s %s\n\n", strings.Join(args, " "), implNote())
	r := goTestJSON(context.Background(), tu.module, nil, args...)
	if r.build.Len() > 0 {
		// The compiler's message first: nothing after it means much until it is fixed.
		fmt.Fprintf(tu.out, "%s\n", r.build.String())
	}
	leaves := r.failedLeaves()
	var hints []string
	for i, t := range leaves {
		out := r.outputOf(t)
		if hint := tu.hintPointer(s, t.test, out); hint != "" && !slices.Contains(hints, hint) {
			hints = append(hints, hint)
		}
		if i >= shownFailures {
			continue
		}
		fmt.Fprintf(tu.out, "--- FAIL: %s\n%s\n\n", t.test, indent(dedent(withoutHintLine(out)), "    "))
	}
	if more := len(leaves) - shownFailures; more > 0 {
		fmt.Fprintf(tu.out, "... and %d more failed checks (go test -v %s shows them all).\n", more, pkg(s))
	}
	for _, h := range hints {
		fmt.Fprintf(tu.out, "hint: %s\n", h)
	}
	if len(leaves) == 0 && (r.exitCode != 0 || len(r.pkgFail) > 0) {
		// Not a failed test: the package did not build, or crashed.
		fmt.Fprintln(tu.out, r.out("").String()+r.out(modulePath(tu)+"/tutorials/"+s.Dir).String()+r.stderr)
		if r.build.Len() > 0 {
			return fmt.Errorf("%s does not compile: the compiler's message is above", s.Dir)
		}
		return fmt.Errorf("%s: go test failed before any check could run (see above)", s.Dir)
	}
	if skipped := r.count("skip"); skipped > 0 && len(leaves) > 0 {
		fmt.Fprintf(tu.out, "(%d more stages or checks wait until the ones before them pass)\n", skipped)
	}
	if len(leaves) > 0 {
		return fmt.Errorf("%s: %d check(s) failed; the first is the one to fix first", s.Dir, len(leaves))
	}
	tu.passed(s, r.count("pass"))
	return nil
}

// passed says that every check of a step passed, where the reference is,
// and, for a step whose code can serve the real thing, the one command
// that serves it.
func (tu *tutorial) passed(s manifest.Step, checks int) {
	fmt.Fprintf(tu.out, "%s: all %d checks passed. Compare with tutorials/%s/solution/\n", s.Dir, checks, s.Dir)
	if next, ok := servedOnYours[s.ID]; ok {
		fmt.Fprintf(tu.out, "\nNow %s:\n\n    %s\n\n", next.what, next.command)
	}
}

// servedOnYours are the steps whose code, once it passes, serves the
// talk's chat to real clients: the one command to run next, and what it
// does. Its program runs the step's suite again first, and refuses if it
// fails.
var servedOnYours = map[string]struct{ what, command string }{
	"03": {"serve the talk's chat on your own poller (join it from another terminal with go run ./cmd/loopkit join 127.0.0.1:7003)",
		"go run ./tutorials/03-select -serve chat"},
	"04": {"serve the talk's chat on your own loop (join it from another terminal with go run ./cmd/loopkit join 127.0.0.1:7004)",
		"go run ./tutorials/04-loop -serve chat"},
}

// shownFailures is how many failures check prints in full: the first is
// the one to fix first, and a screenful is enough.
const shownFailures = 3

// withoutHintLine drops the line a step's test logs to point at its hints:
// check prints the precise one itself.
func withoutHintLine(out string) string {
	var keep []string
	for _, line := range strings.SplitAfter(out, "\n") {
		if !strings.Contains(line, "stuck? tutorials/") {
			keep = append(keep, line)
		}
	}
	return strings.Join(keep, "")
}

// dedent removes the indentation every line of s shares.
func dedent(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	common := -1
	for _, l := range lines {
		if strings.TrimSpace(l) == "" {
			continue
		}
		n := len(l) - len(strings.TrimLeft(l, " \t"))
		if common < 0 || n < common {
			common = n
		}
	}
	for i, l := range lines {
		if len(l) >= common && common > 0 {
			lines[i] = l[common:]
		}
	}
	return strings.Join(lines, "\n")
}

// implNote says which implementation is checked, if not the exercise.
func implNote() string {
	if impl := os.Getenv("LOOPKIT_IMPL"); impl != "" && impl != "exercise" {
		return "(LOOPKIT_IMPL=" + impl + ")"
	}
	return ""
}

// hintPointer names the hints section for a failed check: the one that
// quotes its message, else the first hint of the hole it exercises (see
// manifest.Exercise.HintFor).
func (tu *tutorial) hintPointer(s manifest.Step, test, output string) string {
	if s.Exercise == nil {
		return ""
	}
	hints, _ := os.ReadFile(filepath.Join(tu.root, s.Dir, "hints.md"))
	anchor, ok := s.Exercise.HintFor(string(hints), test, output)
	switch {
	case !ok:
		return fmt.Sprintf("tutorials/%s/hints.md", s.Dir)
	case strings.HasSuffix(anchor, "-h1"):
		return fmt.Sprintf("tutorials/%s/hints.md#%s (or: make hint S=%s H=%s, then h2, h3)", s.Dir, anchor, s.ID, anchor)
	}
	return fmt.Sprintf("tutorials/%s/hints.md#%s (or: make hint S=%s H=%s)", s.Dir, anchor, s.ID, anchor)
}

// progress checks every written step against the student's code, in one
// go test run, and prints one line each, as rustlings' list and xv6's make
// grade do; then it sends them to the room, if there is one.
func (tu *tutorial) progress(to room) error {
	var pkgs []string
	for _, s := range tu.m.Written() {
		pkgs = append(pkgs, pkg(s))
	}
	r := goTestJSON(context.Background(), tu.module, nil, append([]string{"-count=1", "-timeout=5m"}, pkgs...)...)
	prefix := modulePath(tu) + "/tutorials/"
	var lines []string
	for _, s := range tu.m.Steps {
		line := progressLine(s, r, prefix+s.Dir)
		fmt.Fprintf(tu.out, "%-18s %s\n", s.Dir, line)
		lines = append(lines, line)
	}
	return to.send(to.report(tu.m.Steps, lines), tu.out)
}

// progressLine sums up one step of a progress run.
func progressLine(s manifest.Step, r *report, importPath string) string {
	if s.Status == manifest.Planned {
		return "not written yet"
	}
	var failed []string
	notStarted := true
	for _, t := range r.failedLeaves() {
		if t.pkg != importPath {
			continue
		}
		failed = append(failed, t.test)
		if !strings.Contains(r.outputOf(t), "not implemented yet") {
			notStarted = false
		}
	}
	switch {
	case len(failed) == 0 && r.pkgFail[importPath]:
		return "FAIL (does not build, or crashed: run make check S=" + s.ID + ")"
	case len(failed) == 0:
		return "PASS"
	case notStarted:
		return "TODO  not started (" + failed[0] + ")"
	}
	return "FAIL  " + failed[0]
}

// modulePath reads the module path from go.mod.
func modulePath(tu *tutorial) string {
	data, err := os.ReadFile(filepath.Join(tu.module, "go.mod"))
	if err != nil {
		return ""
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "module "); ok {
			return strings.TrimSpace(rest)
		}
	}
	return ""
}

// hint prints hints of a step: which is a level ("2": that level of every
// hole), an anchor ("register-h2"), or "" (the list of anchors).
func (tu *tutorial) hint(name, which string) error {
	s, err := tu.step(name)
	if err != nil {
		return err
	}
	if s.Exercise == nil || s.Status == manifest.Planned {
		return fmt.Errorf("%s has no hints", s.Dir)
	}
	path := filepath.Join(tu.root, s.Dir, "hints.md")
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	anchors := manifest.Anchors(string(data))
	var want []string
	switch {
	case which == "":
		fmt.Fprintf(tu.out, "hints of %s (tutorials/%s/hints.md): make hint S=%s H=1, H=2, H=3, or H=<anchor>:\n", s.Dir, s.Dir, s.ID)
		for _, h := range s.Exercise.Holes {
			fmt.Fprintf(tu.out, "  %-16s %s, %s, %s\n", h.Name,
				manifest.HintAnchor(h.Name, "h1"), manifest.HintAnchor(h.Name, "h2"), manifest.HintAnchor(h.Name, "h3"))
		}
		return nil
	case isLevel(which):
		for _, h := range s.Exercise.Holes {
			want = append(want, manifest.HintAnchor(h.Name, "h"+which))
		}
	default:
		want = []string{strings.TrimPrefix(strings.ToLower(which), "#")}
	}
	for _, a := range want {
		body, ok := anchors[a]
		if !ok {
			return fmt.Errorf("no hint #%s in %s; make hint S=%s lists them", a, path, s.ID)
		}
		fmt.Fprintf(tu.out, "## %s\n\n%s\n\n", a, body)
	}
	return nil
}

func isLevel(s string) bool {
	n, err := strconv.Atoi(s)
	return err == nil && slices.Contains([]int{1, 2, 3}, n)
}
