package main

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/loopkit/loopkit/internal/codemetrics"
)

// codeFigures are the size and shape of one style's file of one program.
type codeFigures struct {
	Program string `json:"program"`
	Style   string `json:"style"`
	File    string `json:"file"`
	Lines   int    `json:"lines_of_code"`
	Depth   int    `json:"deepest_nesting"`
}

// measureSource returns the lines of code of src and its deepest nesting,
// as package codemetrics counts them (tutorial step 05 shows the same
// figures for a student's file).
func measureSource(name string, src []byte) (lines, depth int, err error) {
	return codemetrics.Measure(name, src)
}

// measureExamples measures every style file of every program, found from
// the module's root (the working directory or one of its parents).
func measureExamples(styles map[string][]string) ([]codeFigures, error) {
	root, err := moduleRoot()
	if err != nil {
		return nil, err
	}
	var out []codeFigures
	for _, program := range programs {
		for _, style := range styles[program] {
			rel := filepath.Join("examples", program, style+".go")
			src, err := os.ReadFile(filepath.Join(root, rel))
			if err != nil {
				return out, err
			}
			lines, depth, err := measureSource(rel, src)
			if err != nil {
				return out, err
			}
			out = append(out, codeFigures{Program: program, Style: style, File: filepath.ToSlash(rel), Lines: lines, Depth: depth})
		}
	}
	return out, nil
}

// moduleRoot finds the directory of loopkit's go.mod, from the working
// directory up.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		mod, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil && strings.Contains(string(mod), "module github.com/loopkit/loopkit\n") {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", os.ErrNotExist
		}
		dir = parent
	}
}
