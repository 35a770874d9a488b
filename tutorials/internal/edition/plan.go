package main

import (
	"fmt"
	"go/parser"
	"go/token"
	"io"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// An edition is what the student edition does with each file of the
// repository: copy it, leave it out, or rewrite it.
type edition struct {
	copied    []string
	rewritten map[string][]byte   // a step's Go file, without its reference
	left      map[string][]string // why ("references") → the files left out
	kept      map[string][]string // a reference kept ("01-blocking") → the files of other steps that import it
}

// Why a file is left out, as the report words it.
const (
	references = "references (solution/)"
	mutants    = "known-wrong versions (testdata/mutants/)"
	smokeTests = "smoke tests of a reference's demo (smoke_test.go)"
)

// plan decides what the edition does with each of files.
func plan(files tree) (*edition, error) {
	modPath, err := modulePath(files)
	if err != nil {
		return nil, err
	}
	imports, err := referenceImports(files, modPath)
	if err != nil {
		return nil, err
	}
	e := &edition{rewritten: map[string][]byte{}, left: map[string][]string{}, kept: map[string][]string{}}
	for file, steps := range imports {
		own, _ := stepOf(file)
		for _, s := range steps {
			if s != own {
				e.kept[s] = append(e.kept[s], file)
			}
		}
	}
	withReference := map[string]bool{}
	for f := range files {
		if step, rest := stepOf(f); strings.HasPrefix(rest, "solution/") {
			withReference[step] = true
		}
	}
	for _, f := range slices.Sorted(maps.Keys(files)) {
		step, rest := stepOf(f)
		switch {
		case step == "":
			e.copied = append(e.copied, f)
		case strings.HasPrefix(rest, "testdata/mutants/"):
			e.left[mutants] = append(e.left[mutants], f)
		case e.kept[step] != nil:
			e.copied = append(e.copied, f) // its reference stays, and so does all that goes with it
		case strings.HasPrefix(rest, "solution/"):
			e.left[references] = append(e.left[references], f)
		case rest == "smoke_test.go" && withReference[step]:
			e.left[smokeTests] = append(e.left[smokeTests], f)
		case slices.Contains(imports[f], step):
			if e.rewritten[f], err = withoutReference(f, files[f].data, modPath+"/tutorials/"+step); err != nil {
				return nil, err
			}
		default:
			e.copied = append(e.copied, f)
		}
	}
	return e, nil
}

// stepDir matches a step's directory: "03-select".
var stepDir = regexp.MustCompile(`^\d\d-[a-z0-9-]+$`)

// stepOf splits "tutorials/03-select/solution/poller.go" into the step's
// directory and the path inside it; "" for a file of no step.
func stepOf(file string) (step, rest string) {
	parts := strings.SplitN(file, "/", 3)
	if len(parts) < 3 || parts[0] != "tutorials" || !stepDir.MatchString(parts[1]) {
		return "", file
	}
	return parts[1], parts[2]
}

// referenceImports returns, for each Go file that imports a step's
// reference, the steps whose reference it imports.
func referenceImports(files tree, modPath string) (map[string][]string, error) {
	prefix := modPath + "/tutorials/"
	found := map[string][]string{}
	fset := token.NewFileSet()
	for f, content := range files {
		if !strings.HasSuffix(f, ".go") {
			continue
		}
		file, err := parser.ParseFile(fset, f, content.data, parser.ImportsOnly)
		if err != nil {
			return nil, err
		}
		for _, imp := range file.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			step, ok := strings.CutSuffix(strings.TrimPrefix(path, prefix), "/solution")
			if ok && strings.HasPrefix(path, prefix) && stepDir.MatchString(step) {
				found[f] = append(found[f], step)
			}
		}
	}
	return found, nil
}

// modulePath reads the module's path from its go.mod.
func modulePath(files tree) (string, error) {
	for _, line := range strings.Split(string(files["go.mod"].data), "\n") {
		if rest, ok := strings.CutPrefix(line, "module "); ok {
			return strings.TrimSpace(rest), nil
		}
	}
	return "", fmt.Errorf("no go.mod with a module line at the root of the repository")
}

// write puts the edition of files into dir.
func (e *edition) write(files tree, dir string) error {
	for _, f := range e.copied {
		if err := writeFile(filepath.Join(dir, filepath.FromSlash(f)), files[f].data, files[f].mode); err != nil {
			return err
		}
	}
	for f, data := range e.rewritten {
		if err := writeFile(filepath.Join(dir, filepath.FromSlash(f)), data, files[f].mode); err != nil {
			return err
		}
	}
	return nil
}

func writeFile(path string, data []byte, perm os.FileMode) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, data, perm)
}

// report tells the teacher what the edition has, and what to do next.
func (e *edition) report(out io.Writer, dir string) {
	fmt.Fprintf(out, "wrote the student edition into %s: %d files\n", dir, len(e.copied)+len(e.rewritten))
	for _, why := range []string{references, mutants, smokeTests} {
		fmt.Fprintf(out, "  left out %d files: %s\n", len(e.left[why]), why)
	}
	for _, step := range slices.Sorted(maps.Keys(e.kept)) {
		fmt.Fprintf(out, "  kept tutorials/%s/solution/: %s imports it\n", step, strings.Join(e.kept[step], ", "))
	}
	for _, f := range slices.Sorted(maps.Keys(e.rewritten)) {
		fmt.Fprintf(out, "  rewrote %s: no reference in it\n", f)
	}
	fmt.Fprintf(out, "next: cd %s && git init && git add . && git commit -m 'loopkit, student edition'\n"+
		"  and let the room clone that (make reset S=NN needs the skeletons in git).\n", dir)
}
