package main

import (
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"os"
	"path/filepath"
	"strings"
)

// codeFigures are the size and shape of one style's file of one program.
type codeFigures struct {
	Program string `json:"program"`
	Style   string `json:"style"`
	File    string `json:"file"`
	Lines   int    `json:"lines_of_code"`
	Depth   int    `json:"deepest_nesting"`
}

// measureSource returns the lines of code of src (lines with a token that
// is not a comment) and its deepest nesting.
func measureSource(name string, src []byte) (lines, depth int, err error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, name, src, 0)
	if err != nil {
		return 0, 0, err
	}
	return countLines(src), deepestNesting(f), nil
}

// countLines counts the lines that hold a token other than a comment.
func countLines(src []byte) int {
	fset := token.NewFileSet()
	file := fset.AddFile("", fset.Base(), len(src))
	var s scanner.Scanner
	s.Init(file, src, nil, 0) // no ScanComments: comments are skipped
	seen := make(map[int]bool)
	for {
		pos, tok, lit := s.Scan()
		if tok == token.EOF {
			break
		}
		if tok == token.SEMICOLON && lit == "\n" {
			continue // inserted at the end of a line: not a token of its own
		}
		seen[file.Line(pos)] = true
	}
	return len(seen)
}

// deepestNesting returns how deep code nests in f: inside a function's
// body, each if, for, range, switch, select and function literal is one
// level deeper. An else-if chain is one level, as it reads. A callback
// inside a callback inside a callback is the "pyramid" the talk points at.
func deepestNesting(f *ast.File) int {
	deepest := 0
	var walk func(n ast.Node, depth int)
	walk = func(n ast.Node, depth int) {
		ast.Inspect(n, func(c ast.Node) bool {
			if c == n || c == nil {
				return true
			}
			if !nests(c) {
				return true
			}
			d := depth + 1
			deepest = max(deepest, d)
			walkChildren(c, d, walk)
			return false
		})
	}
	for _, decl := range f.Decls {
		if fn, ok := decl.(*ast.FuncDecl); ok && fn.Body != nil {
			walk(fn.Body, 0)
		}
	}
	return deepest
}

// walkChildren walks the parts of a nesting node; the else of an if that is
// another if stays at the if's depth.
func walkChildren(c ast.Node, depth int, walk func(ast.Node, int)) {
	ifs, ok := c.(*ast.IfStmt)
	if !ok {
		walk(c, depth)
		return
	}
	walk(ifs.Body, depth)
	if ifs.Init != nil {
		walk(ifs.Init, depth)
	}
	walk(ifs.Cond, depth)
	switch e := ifs.Else.(type) {
	case *ast.IfStmt:
		walkChildren(e, depth, walk)
	case *ast.BlockStmt:
		walk(e, depth)
	}
}

func nests(n ast.Node) bool {
	switch n.(type) {
	case *ast.IfStmt, *ast.ForStmt, *ast.RangeStmt, *ast.SwitchStmt, *ast.TypeSwitchStmt, *ast.SelectStmt, *ast.FuncLit:
		return true
	}
	return false
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
