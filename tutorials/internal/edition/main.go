// Command edition writes the student edition of the repository into a new
// directory: the whole kit and tutorial, without the answer keys, for a
// teacher to hand out to a room (docs/workshop.md says when to release
// the answers):
//
//	make student-edition DIR=../loopkit-student
//	go run ./tutorials/internal/edition ../loopkit-student
//
// It copies the files git knows (tracked, or new and not ignored) and
// leaves out
//
//   - each step's solution/, the reference: copying it into exercise/
//     passes every check;
//   - each step's testdata/mutants/: a known-wrong version of the
//     reference is the reference with one mistake;
//   - the smoke test of a step whose reference is left out: it runs the
//     reference's demo.
//
// A reference that another step is built on stays (step 02 serves each
// connection with step 01's Echo); the command names what it kept. The
// Go files of a step that import its own reference (impls.go) lose the
// reference's entry, and take any other name they used from it (step 11's
// modes) from the exercise, which declares the same API.
//
// In the edition, make check, hint, progress and doctor work as in the
// full repository. -ref says that the reference is not in this edition,
// and -demo runs the student's own code (package step decides both, by
// whether the step's solution/ is there). make tutorials-check and make
// test need the references, and fail there.
package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/loopkit/loopkit/tutorials/internal/manifest"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: go run ./tutorials/internal/edition DIR   (make student-edition DIR=...)")
		os.Exit(2)
	}
	if err := run(os.Args[1], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "student-edition:", err)
		os.Exit(1)
	}
}

// run writes the student edition of the repository around the current
// directory into dir, which must not exist yet or be empty.
func run(dir string, out io.Writer) error {
	tutorials, err := manifest.FindRoot(".")
	if err != nil {
		return err
	}
	module := filepath.Dir(tutorials)
	if err := checkEmpty(dir); err != nil {
		return err
	}
	files, err := gitFiles(module)
	if err != nil {
		return err
	}
	e, err := plan(module, files)
	if err != nil {
		return err
	}
	if err := e.write(module, dir); err != nil {
		return err
	}
	e.report(out, dir)
	return nil
}

// checkEmpty refuses to write over anything: a typo in DIR must not cost
// anyone their files.
func checkEmpty(dir string) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if len(entries) > 0 {
		return fmt.Errorf("%s is not empty: give a new directory", dir)
	}
	return nil
}

// gitFiles lists the files of the repository, as paths from its root with
// slashes: the ones git tracks and the new ones it does not ignore, so
// that build outputs and editor files stay behind. A file deleted but not
// yet committed is left out.
func gitFiles(module string) ([]string, error) {
	cmd := exec.Command("git", "ls-files", "-z", "--cached", "--others", "--exclude-standard")
	cmd.Dir = module
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	listed, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("git ls-files in %s: %v: %s (the edition is made from a git clone)", module, err, strings.TrimSpace(stderr.String()))
	}
	var files []string
	for _, f := range strings.Split(string(listed), "\x00") {
		if f == "" {
			continue
		}
		if info, err := os.Lstat(filepath.Join(module, f)); err == nil && info.Mode().IsRegular() {
			files = append(files, f)
		}
	}
	return files, nil
}
