// Command stepcheck checks the tutorial steps, both ways. It is the
// program behind the tutorial's make targets:
//
//	make tutorials-check    stepcheck ci         CI: every step, skeleton and solution, mutants, smoke
//	make check S=03         stepcheck check 03   a student's check of one step, with the hint to read
//	make progress           stepcheck progress   one line per step: PASS, FAIL and where, or not started
//	make progress SEND=HOST:PORT NAME=alice      the same, also sent to the teacher's loopkit room
//	make hint S=03 H=2      stepcheck hint 03 2  print hints
//	make doctor             stepcheck doctor     is this machine ready for the workshop?
//
// and, for whoever edits a mutant (a known-wrong version of a solution,
// stored as a patch: testdata/mutants/NAME.diff):
//
//	stepcheck mutant 03 always-ready DIR         the solution, mutated, into DIR
//	stepcheck mutant-diff 03 always-ready DIR    DIR back into the patch
//
// It reads tutorials/steps.json (package manifest) and drives go test
// -json and test binaries; it needs nothing but Go. Run it from anywhere
// inside the repository.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/loopkit/loopkit/tutorials/internal/manifest"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "stepcheck:", err)
		os.Exit(1)
	}
}

const usage = `usage:
  stepcheck ci [NN...]           check every written step both ways (CI); NN: only those
  stepcheck check [-race] NN     check your exercise of step NN
  stepcheck progress [-send HOST:PORT] [-name NAME]  one line per step; -send: to loopkit room
  stepcheck hint NN [LEVEL|ANCHOR]
  stepcheck doctor               check this machine for the workshop
  stepcheck mutant NN NAME DIR   write the solution with mutant NAME applied into DIR
  stepcheck mutant-diff NN NAME DIR  store DIR, an edited solution, as mutant NAME's patch`

// A tutorial is what every subcommand works on: the manifest, and where
// the module and the tutorials directory are.
type tutorial struct {
	m      *manifest.Manifest
	root   string // the tutorials directory
	module string // the module root: every go command runs there
	out    io.Writer
	pkgs   []string // what ci vets and tests: ./tutorials/..., or the steps named
}

func run(args []string, out io.Writer) error {
	if len(args) == 0 {
		return fmt.Errorf("no command\n%s", usage)
	}
	root, err := manifest.FindRoot(".")
	if err != nil {
		return err
	}
	m, err := manifest.Load(root)
	if err != nil {
		return err
	}
	tu := &tutorial{m: m, root: root, module: filepath.Dir(root), out: out, pkgs: []string{"./tutorials/..."}}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "ci":
		if len(rest) > 0 {
			if err := tu.only(rest); err != nil {
				return err
			}
		}
		return tu.ci()
	case "check":
		flags := flag.NewFlagSet("check", flag.ContinueOnError)
		race := flags.Bool("race", true, "run with the race detector")
		if err := flags.Parse(rest); err != nil {
			return err
		}
		if flags.NArg() != 1 {
			return fmt.Errorf("check: which step? (make check S=03)\n%s", usage)
		}
		return tu.check(flags.Arg(0), *race)
	case "progress":
		flags := flag.NewFlagSet("progress", flag.ContinueOnError)
		send := flags.String("send", "", "also send the lines to loopkit room at this address")
		name := flags.String("name", "", "the name the room shows (default: $USER)")
		if err := flags.Parse(rest); err != nil {
			return err
		}
		to, err := newRoom(*send, *name)
		if err != nil {
			return err
		}
		return tu.progress(to)
	case "hint":
		if len(rest) == 0 || len(rest) > 2 {
			return fmt.Errorf("hint: which step? (make hint S=03 H=2)\n%s", usage)
		}
		which := ""
		if len(rest) == 2 {
			which = rest[1]
		}
		return tu.hint(rest[0], which)
	case "doctor":
		return tu.doctor()
	case "mutant", "mutant-diff":
		if len(rest) != 3 {
			return fmt.Errorf("%s: want a step, a mutant's name and a directory\n%s", cmd, usage)
		}
		if cmd == "mutant" {
			return tu.mutant(rest[0], rest[1], rest[2])
		}
		return tu.mutantDiff(rest[0], rest[1], rest[2])
	}
	return fmt.Errorf("unknown command %q\n%s", cmd, usage)
}

// step returns the step named by id or directory, or an error listing them.
func (tu *tutorial) step(name string) (manifest.Step, error) {
	if s, ok := tu.m.Step(name); ok {
		return s, nil
	}
	var ids []string
	for _, s := range tu.m.Steps {
		ids = append(ids, s.ID)
	}
	return manifest.Step{}, fmt.Errorf("no step %q: the steps are %v", name, ids)
}

// pkg returns the package path go commands use for a step: ./tutorials/03-select.
func pkg(s manifest.Step) string { return "./tutorials/" + s.Dir }

// only keeps the steps named by id, and their packages, for whoever works
// on one step and wants its proof without waiting for all the others', or
// failing on a step someone else is halfway through.
func (tu *tutorial) only(ids []string) error {
	var kept []manifest.Step
	tu.pkgs = nil
	for _, id := range ids {
		s, ok := tu.m.Step(id)
		if !ok {
			return fmt.Errorf("no step %q in steps.json", id)
		}
		kept = append(kept, s)
		tu.pkgs = append(tu.pkgs, pkg(s))
	}
	tu.m.Steps = kept
	return nil
}
