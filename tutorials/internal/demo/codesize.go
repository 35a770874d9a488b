package demo

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"text/tabwriter"

	"github.com/loopkit/loopkit/internal/codemetrics"
	"github.com/loopkit/loopkit/tutorials/internal/manifest"
)

// PrintCodeSize prints, for each file (a path from the repository root,
// "tutorials/05-callbacks/exercise/pyramid.go"), its lines of code and
// deepest nesting, then the same for each of its functions: the figures
// `loopkit compare` shows for the examples (package codemetrics). A file
// that cannot be read, because the program runs outside the repository,
// is left out with a note.
func PrintCodeSize(w io.Writer, files ...string) error {
	root, err := manifest.FindRoot(".")
	if err != nil {
		fmt.Fprintf(w, "(no code sizes: %v)\n", err)
		return nil
	}
	module := filepath.Dir(root)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "file, then each function\tlines of code\tdeepest nesting\t\n")
	for _, file := range files {
		src, err := os.ReadFile(filepath.Join(module, filepath.FromSlash(file)))
		if err != nil {
			fmt.Fprintf(tw, "%s\t(not found)\t\t\n", file)
			continue
		}
		lines, depth, err := codemetrics.Measure(file, src)
		if err != nil {
			fmt.Fprintf(tw, "%s\t(does not parse)\t\t\n", file)
			continue
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t\n", file, lines, depth)
		funcs, _ := codemetrics.Funcs(file, src)
		for _, fn := range funcs {
			fmt.Fprintf(tw, "%s\t%d\t%d\t\n", fn.Name, fn.Lines, fn.Depth)
		}
	}
	return tw.Flush()
}
