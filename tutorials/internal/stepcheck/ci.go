package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/loopkit/loopkit/tutorials/internal/manifest"
)

// ci proves every written step both ways, as rustlings' and codecrafters'
// CI do: the skeleton builds and vets but fails the checks it must fail,
// and for the right reason; the solution passes them, three times over,
// with the race detector; each known-wrong version fails the check that is
// there for it; each program runs; the files say what steps.json says.
// Steps still planned are listed, not checked.
//
// Cost: one go vet, one test build per step and one per mutant (mostly a
// link: the build cache has the rest), one race run of all the solutions,
// one build of the programs; the rest runs compiled binaries, which is
// cheap.
func (tu *tutorial) ci() error {
	start := time.Now()
	c := &ciRun{tu: tu, ctx: context.Background()}
	tmp, err := os.MkdirTemp("", "stepcheck-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	c.tmp = tmp

	c.content()
	c.vet()
	c.buildTests()
	c.skeletonsAndMutants()
	c.solutions()
	c.smoke()
	c.planned()

	if len(c.problems) > 0 {
		fmt.Fprintf(tu.out, "\nFAIL: %d problem(s), in %s:\n", len(c.problems), since(start))
		for _, p := range c.problems {
			fmt.Fprintln(tu.out, indent(p, "  "))
		}
		return fmt.Errorf("the tutorials are not in order")
	}
	fmt.Fprintf(tu.out, "\nok: every written step proven both ways, in %s\n", since(start))
	return nil
}

type ciRun struct {
	tu  *tutorial
	ctx context.Context
	tmp string

	mu       sync.Mutex
	problems []string
}

func (c *ciRun) problem(format string, args ...any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	// Paths as the repository names them, not as this machine does.
	msg := strings.ReplaceAll(fmt.Sprintf(format, args...), c.tu.module+string(filepath.Separator), "")
	c.problems = append(c.problems, msg)
}

func (c *ciRun) logf(format string, args ...any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	fmt.Fprintf(c.tu.out, format+"\n", args...)
}

// exercises returns the written steps that have an exercise.
func (c *ciRun) exercises() []manifest.Step {
	var out []manifest.Step
	for _, s := range c.tu.m.Written() {
		if s.Exercise != nil {
			out = append(out, s)
		}
	}
	return out
}

// content checks the files of every step against steps.json.
func (c *ciRun) content() {
	n := 0
	for _, s := range c.tu.m.Steps {
		for _, err := range s.CheckContent(c.tu.root) {
			c.problem("content: %v", err)
			n++
		}
	}
	c.logf("content   %d steps read: %d problem(s)", len(c.tu.m.Steps), n)
}

// vet runs go vet on the tutorials: the skeletons must be as clean as the
// solutions. (staticcheck runs with make lint, over the whole module.)
func (c *ciRun) vet() {
	start := time.Now()
	cmd := exec.CommandContext(c.ctx, "go", append([]string{"vet"}, c.tu.pkgs...)...)
	cmd.Dir = c.tu.module
	if out, err := cmd.CombinedOutput(); err != nil {
		c.problem("go vet %s: %v\n%s", strings.Join(c.tu.pkgs, " "), err, out)
		return
	}
	c.logf("vet       go vet %s clean (%s)", strings.Join(c.tu.pkgs, " "), since(start))
}

// buildTests compiles each step's test binary once, without the race
// detector: the skeleton and mutant runs use it. A build failure is a
// problem of the check, never an "expected failure".
func (c *ciRun) buildTests() {
	start := time.Now()
	parallel(c.exercises(), func(s manifest.Step) {
		cmd := exec.CommandContext(c.ctx, "go", "test", "-c", "-o", c.binary(s), pkg(s))
		cmd.Dir = c.tu.module
		if out, err := cmd.CombinedOutput(); err != nil {
			c.problem("%s: the tests do not build: %v\n%s", s.Dir, err, out)
		}
	})
	c.logf("build     %d test binaries (%s)", len(c.exercises()), since(start))
}

func (c *ciRun) binary(s manifest.Step) string { return filepath.Join(c.tmp, s.Dir+".test") }

// skeletonsAndMutants runs each must_fail test on the skeleton, and each
// mutant's test on the mutant, each alone (-run anchored to it), so that a
// staged suite runs the test even though an earlier stage fails. A mutant
// runs as the solution, in a test binary built with the solution's files
// swapped for the patched ones (go build -overlay): the mistake is then
// the only difference from what the solution's run proves right.
func (c *ciRun) skeletonsAndMutants() {
	start := time.Now()
	type job struct {
		step   manifest.Step
		impl   string
		test   string
		mutant *manifest.Mutant
	}
	var jobs []job
	for _, s := range c.exercises() {
		if _, err := os.Stat(c.binary(s)); err != nil {
			continue // reported by buildTests
		}
		for _, name := range s.Exercise.MustFail {
			jobs = append(jobs, job{step: s, impl: "exercise", test: name})
		}
		for i := range s.Exercise.Mutants {
			mu := &s.Exercise.Mutants[i]
			jobs = append(jobs, job{step: s, impl: "solution", test: mu.Test, mutant: mu})
		}
	}
	var skeletons, mutants int
	var count sync.Mutex
	parallel(jobs, func(j job) {
		binary, hint := c.binary(j.step), ""
		if j.mutant != nil {
			var err error
			if binary, hint, err = c.buildMutant(j.step, j.mutant.Name); err != nil {
				c.problem("%s %v", j.step.Dir, err)
				return
			}
		}
		r := testBinaryJSON(c.ctx, filepath.Join(c.tu.root, j.step.Dir), []string{"LOOPKIT_IMPL=" + j.impl},
			binary, "-test.run", runPattern(j.test), "-test.count=1", "-test.timeout=2m")
		var ok bool
		if j.mutant == nil {
			ok = c.expectSkeletonFailure(j.step, j.test, r)
		} else {
			ok = c.expectMutantFailure(j.step, *j.mutant, r) && c.expectHint(j.step, *j.mutant, hint, r)
		}
		if ok {
			count.Lock()
			if j.mutant == nil {
				skeletons++
			} else {
				mutants++
			}
			count.Unlock()
		}
	})
	c.logf("skeleton  %d must_fail checks fail on the skeletons, for the right reason", skeletons)
	c.logf("mutants   %d known-wrong versions each caught by its check, which leads to the hint its patch names (%s)", mutants, since(start))
}

// expectSkeletonFailure requires test to fail (not pass, not skip) on the
// skeleton, saying TODO(stepNN) or pointing at the hints.
func (c *ciRun) expectSkeletonFailure(s manifest.Step, test string, r *report) bool {
	res, ok := r.find(test)
	switch {
	case !ok || res.action == "":
		c.problem("%s skeleton: %s did not run to an end (no such test? a crash?)\n%s%s",
			s.Dir, test, indent(r.outputOf(key{"", test}), "    "), indent(r.stderr, "    "))
		return false
	case res.action == "pass":
		c.problem("%s skeleton: %s passes on the untouched skeleton: the exercise is already solved", s.Dir, test)
		return false
	case res.action == "skip":
		c.problem("%s skeleton: %s is skipped, want it to fail\n%s", s.Dir, test, indent(r.outputOf(key{"", test}), "    "))
		return false
	}
	out := r.outputOf(key{"", test})
	if !strings.Contains(out, "TODO(step"+s.ID+")") && !strings.Contains(out, s.Dir+"/hints.md") {
		c.problem("%s skeleton: %s fails, but its output mentions neither TODO(step%s) nor %s/hints.md:\n%s",
			s.Dir, test, s.ID, s.Dir, indent(out, "    "))
		return false
	}
	return true
}

// buildMutant applies a mutant's patch to the solution and builds the
// step's tests with the patched files in place of the solution's. It
// returns the test binary and the hint the patch says its failure leads to.
func (c *ciRun) buildMutant(s manifest.Step, name string) (binary, hint string, err error) {
	dir := filepath.Join(c.tmp, s.Dir+"-"+name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", "", err
	}
	patch, overlayFile, err := manifest.MutantOverlay(filepath.Join(c.tu.root, s.Dir), name, dir)
	if err != nil {
		return "", "", err
	}
	binary = filepath.Join(c.tmp, s.Dir+"-"+name+".test")
	cmd := exec.CommandContext(c.ctx, "go", "test", "-c", "-overlay", overlayFile, "-o", binary, pkg(s))
	cmd.Dir = c.tu.module
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", "", fmt.Errorf("mutant %s: the tests do not build with its patch applied: %v\n%s", name, err, out)
	}
	return binary, patch.Hint, nil
}

// expectMutantFailure requires the mutant's test to fail with its message.
func (c *ciRun) expectMutantFailure(s manifest.Step, mu manifest.Mutant, r *report) bool {
	res, ok := r.find(mu.Test)
	switch {
	case ok && res.action == "skip" && runtime.GOOS != "linux":
		c.logf("mutants   %s %s: %s skipped on %s, not proven here", s.Dir, mu.Name, mu.Test, runtime.GOOS)
		return true
	case !ok || res.action != "fail":
		action := "did not run"
		if ok {
			action = "ended with " + res.action
		}
		c.problem("%s mutant %s (%s): %s %s, want it to fail: the check cannot see this mistake\n%s",
			s.Dir, mu.Name, manifest.MutantPath(s.Dir, mu.Name), mu.Test, action, indent(r.outputOf(key{"", mu.Test}), "    "))
		return false
	}
	if out := r.outputOf(key{"", mu.Test}); !strings.Contains(out, mu.Message) {
		c.problem("%s mutant %s: %s fails, but without the message steps.json and hints.md quote, %q:\n%s",
			s.Dir, mu.Name, mu.Test, mu.Message, indent(out, "    "))
		return false
	}
	return true
}

// expectHint requires the failure a mutant causes to send the student to
// the hint its patch names: the hint that quotes the check's message, for
// the hole that is wrong.
func (c *ciRun) expectHint(s manifest.Step, mu manifest.Mutant, want string, r *report) bool {
	hints, err := os.ReadFile(filepath.Join(c.tu.root, s.Dir, "hints.md"))
	if err != nil {
		c.problem("%s: %v", s.Dir, err)
		return false
	}
	got, _ := s.Exercise.HintFor(string(hints), mu.Test, r.outputOf(key{"", mu.Test}))
	if got != want {
		c.problem("%s mutant %s: %s's failure sends the student to hints.md#%s; the patch says #%s is the hint for this mistake",
			s.Dir, mu.Name, mu.Test, got, want)
		return false
	}
	return true
}

// solutions runs every test of the tutorials (of the steps named, if
// any) on the solutions, three times, with the race detector: a flaky
// check shows up here, not in a workshop.
func (c *ciRun) solutions() {
	start := time.Now()
	r := goTestJSON(c.ctx, c.tu.module, []string{"LOOPKIT_IMPL=solution"},
		append([]string{"-race", "-count=3", "-timeout=10m"}, c.tu.pkgs...)...)
	if r.build.Len() > 0 {
		c.problem("solution: does not compile:\n%s", indent(r.build.String(), "    "))
	}
	for _, t := range r.failedLeaves() {
		c.problem("solution: %s %s fails:\n%s", t.pkg, t.test, indent(r.outputOf(t), "    "))
	}
	for p := range r.pkgFail {
		if len(r.failedLeaves()) == 0 {
			c.problem("solution: package %s fails:\n%s", p, indent(r.out(p).String(), "    "))
		}
	}
	if r.exitCode != 0 && len(r.failedLeaves()) == 0 && len(r.pkgFail) == 0 {
		c.problem("solution: go test exited %d:\n%s%s", r.exitCode, indent(r.out("").String(), "    "), indent(r.stderr, "    "))
	}
	c.holeChecksRan(r)
	pkgs := map[string]bool{}
	for k, res := range r.tests {
		if res.action == "pass" {
			pkgs[k.pkg] = true
		}
	}
	c.logf("solution  %d tests (and subtests) of %d packages passed 3 times with -race (%s)",
		r.count("pass"), len(pkgs), since(start))
}

// holeChecksRan requires the checks steps.json lists for each hole to be
// tests the solutions' run has: a check renamed in its suite but not in
// steps.json would send its failures to the wrong hint.
func (c *ciRun) holeChecksRan(r *report) {
	prefix := modulePath(c.tu) + "/tutorials/"
	for _, s := range c.exercises() {
		for _, h := range s.Exercise.Holes {
			for _, check := range h.Checks {
				if !r.ran(prefix+s.Dir, check) {
					c.problem("%s: steps.json says %s of hole %s is checked by %s, a test the solutions' run does not have",
						s.Dir, h.File, h.Name, check)
				}
			}
		}
	}
}

// smoke builds every step's program and runs it as a teacher would before
// the workshop: -ref -demo on a free port, which must exit 0.
func (c *ciRun) smoke() {
	start := time.Now()
	bin := filepath.Join(c.tmp, "bin") + string(filepath.Separator)
	args := []string{"build", "-o", bin}
	written := c.tu.m.Written()
	for _, s := range written {
		args = append(args, pkg(s))
	}
	cmd := exec.CommandContext(c.ctx, "go", args...)
	cmd.Dir = c.tu.module
	if out, err := cmd.CombinedOutput(); err != nil {
		c.problem("smoke: the programs do not build: %v\n%s", err, out)
		return
	}
	parallel(written, func(s manifest.Step) {
		ctx, cancel := context.WithTimeout(c.ctx, time.Minute)
		defer cancel()
		run := exec.CommandContext(ctx, filepath.Join(bin, s.Dir), "-ref", "-demo", "-addr", "127.0.0.1:0")
		run.Dir = c.tu.module
		run.WaitDelay = 5 * time.Second
		if out, err := run.CombinedOutput(); err != nil {
			c.problem("smoke: %s -ref -demo -addr 127.0.0.1:0: %v\n%s", s.Dir, err, indent(string(out), "    "))
		}
	})
	c.logf("smoke     %d programs ran -ref -demo and exited 0 (%s)", len(written), since(start))
}

// planned lists the steps not written yet.
func (c *ciRun) planned() {
	var names []string
	for _, s := range c.tu.m.Steps {
		if s.Status == manifest.Planned {
			names = append(names, s.Dir)
		}
	}
	if len(names) > 0 {
		c.logf("planned   not written yet: %s", strings.Join(names, ", "))
	}
}

// parallel runs fn on each item, as many at once as there are CPUs.
func parallel[T any](items []T, fn func(T)) {
	sem := make(chan struct{}, runtime.NumCPU())
	var wg sync.WaitGroup
	for _, it := range items {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			fn(it)
		}()
	}
	wg.Wait()
}
