// Command edition writes the student edition of the repository into a new
// directory: the whole kit and tutorial, without the answer keys, for a
// teacher to hand out to a room (docs/workshop.md says when to release
// the answers):
//
//	make student-edition DIR=../loopkit-student
//	go run ./tutorials/internal/edition ../loopkit-student
//
// and, at the end of the block that teaches a step, puts that step's
// reference into the edition, for the teacher to commit and push:
//
//	make release S=03 DIR=../loopkit-student
//	go run ./tutorials/internal/edition -release 03 ../loopkit-student
//
// It copies the files of the commit checked out (HEAD: not what is
// changed since, so a teacher's solved exercises stay home) and leaves
// out
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
	"archive/tar"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"

	"github.com/loopkit/loopkit/tutorials/internal/manifest"
)

const usage = `usage:
  go run ./tutorials/internal/edition DIR               write the student edition into DIR, a new directory
  go run ./tutorials/internal/edition -release NN DIR   put step NN's reference into the edition in DIR`

func main() {
	release := flag.String("release", "", "the step (\"03\") whose reference to put into the edition in DIR")
	flag.Usage = func() { fmt.Fprintln(os.Stderr, usage) }
	flag.Parse()
	if flag.NArg() != 1 {
		flag.Usage()
		os.Exit(2)
	}
	var err error
	if *release != "" {
		err = releaseStep(*release, flag.Arg(0), os.Stdout)
	} else {
		err = run(flag.Arg(0), os.Stdout)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "edition:", err)
		os.Exit(1)
	}
}

// run writes the student edition of the repository around the current
// directory into dir, which must not exist yet or be empty.
func run(dir string, out io.Writer) error {
	if err := checkEmpty(dir); err != nil {
		return err
	}
	files, e, err := load()
	if err != nil {
		return err
	}
	if err := e.write(files, dir); err != nil {
		return err
	}
	e.report(out, dir)
	return nil
}

// releaseStep puts the reference of step ("03") into the edition in dir:
// the files the edition leaves out or rewrites for it, as they are here.
// Its mutants stay out.
func releaseStep(step, dir string, out io.Writer) error {
	if _, err := os.Stat(filepath.Join(dir, "go.mod")); err != nil {
		return fmt.Errorf("%s holds no edition: %w", dir, err)
	}
	committed, e, err := load()
	if err != nil {
		return err
	}
	var files []string
	for _, f := range slices.Concat(e.left[references], e.left[smokeTests], slices.Collect(maps.Keys(e.rewritten))) {
		if s, _ := stepOf(f); s == step || strings.HasPrefix(s, step+"-") {
			files = append(files, f)
		}
	}
	if len(files) == 0 {
		return fmt.Errorf("-release %s: no step of that name has a reference the edition leaves out", step)
	}
	slices.Sort(files)
	if err := (&edition{copied: files}).write(committed, dir); err != nil {
		return err
	}
	fmt.Fprintf(out, "put into %s: %s\nnext: commit and push there; once learners pull, -ref runs the reference of that step\n",
		dir, strings.Join(files, ", "))
	return nil
}

// load reads the files of the commit checked out in the repository
// around the current directory, and plans the edition.
func load() (tree, *edition, error) {
	tutorials, err := manifest.FindRoot(".")
	if err != nil {
		return nil, nil, err
	}
	files, err := committed(filepath.Dir(tutorials))
	if err != nil {
		return nil, nil, err
	}
	e, err := plan(files)
	return files, e, err
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

// A tree is the files of a commit, by their paths from the module's root,
// with slashes.
type tree map[string]file

// A file is one file of a tree.
type file struct {
	data []byte
	mode fs.FileMode
}

// committed returns the files of the commit checked out in the module's
// directory, as git archive writes them.
func committed(module string) (tree, error) {
	prefix, err := git(module, "rev-parse", "--show-prefix") // where the module is in the repository
	if err != nil {
		return nil, err
	}
	archive, err := git(module, "archive", "--format=tar", "HEAD:"+strings.TrimSpace(string(prefix)))
	if err != nil {
		return nil, err
	}
	files := tree{}
	r := tar.NewReader(bytes.NewReader(archive))
	for {
		h, err := r.Next()
		if err == io.EOF {
			return files, nil
		}
		if err != nil {
			return nil, fmt.Errorf("git archive: %w", err)
		}
		if h.Typeflag != tar.TypeReg {
			continue // directories come with their files; the kit has no links
		}
		data, err := io.ReadAll(r)
		if err != nil {
			return nil, fmt.Errorf("git archive: %s: %w", h.Name, err)
		}
		files[h.Name] = file{data, h.FileInfo().Mode().Perm()}
	}
}

// git runs git in dir and returns what it printed.
func git(dir string, args ...string) ([]byte, error) {
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("git %s in %s: %v: %s (the edition is made from a git clone)",
			args[0], dir, err, strings.TrimSpace(stderr.String()))
	}
	return out, nil
}
