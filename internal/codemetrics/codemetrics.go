// Package codemetrics measures the size and shape of a Go source file: its
// lines of code, and how deep its code nests. `loopkit compare` prints both
// for each style of each example program, and tutorial step 05 prints them
// for the file a student writes in raw callbacks, where the nesting is the
// point: a callback inside a callback inside a callback is the pyramid the
// gevent talk shows ("callbacks are the new goto").
//
// The figures are for looking at, side by side, never for grading: a line
// count rewards nothing in particular, and a deeper pyramid is not a bug.
package codemetrics

import (
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"os"
)

// Measure returns the lines of code of src (lines with a token that is not
// a comment) and its deepest nesting (see Depth). name is used in parse
// errors only.
func Measure(name string, src []byte) (lines, depth int, err error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, name, src, 0)
	if err != nil {
		return 0, 0, err
	}
	return Lines(src), Depth(f), nil
}

// MeasureFile is Measure of the file at path.
func MeasureFile(path string) (lines, depth int, err error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return 0, 0, err
	}
	return Measure(path, src)
}

// A Func is the size and shape of one function (or method) of a file.
type Func struct {
	Name  string // "Echo", "(*Conn).Read"
	Lines int    // lines of code, its doc comment left out
	Depth int    // deepest nesting inside it
}

// Funcs measures each function and method of src, in the order of the
// file: a file's figures are those of its worst function, and this says
// which one that is.
func Funcs(name string, src []byte) ([]Func, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, name, src, 0)
	if err != nil {
		return nil, err
	}
	var out []Func
	for _, decl := range f.Decls {
		fn, ok := decl.(*ast.FuncDecl)
		if !ok {
			continue
		}
		start, end := fset.Position(fn.Pos()).Offset, fset.Position(fn.End()).Offset
		out = append(out, Func{
			Name:  funcName(fn),
			Lines: Lines(src[start:end]),
			Depth: Depth(&ast.File{Name: f.Name, Decls: []ast.Decl{fn}}),
		})
	}
	return out, nil
}

// funcName names a function as a reader would look for it: "Echo",
// "(*Conn).Read".
func funcName(fn *ast.FuncDecl) string {
	if fn.Recv == nil || len(fn.Recv.List) == 0 {
		return fn.Name.Name
	}
	recv := fn.Recv.List[0].Type
	star := ""
	if s, ok := recv.(*ast.StarExpr); ok {
		recv, star = s.X, "*"
	}
	if idx, ok := recv.(*ast.IndexExpr); ok { // a generic receiver, T[E]
		recv = idx.X
	}
	if id, ok := recv.(*ast.Ident); ok {
		return "(" + star + id.Name + ")." + fn.Name.Name
	}
	return fn.Name.Name
}

// Lines counts the lines of src that hold a token other than a comment.
// src need not parse: the scanner only cuts it into tokens.
func Lines(src []byte) int {
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

// Depth returns how deep code nests in f: inside a function's body, each
// if, for, range, switch, select and function literal is one level deeper.
// An else-if chain is one level, as it reads.
func Depth(f *ast.File) int {
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

// nests reports whether n opens a level of nesting.
func nests(n ast.Node) bool {
	switch n.(type) {
	case *ast.IfStmt, *ast.ForStmt, *ast.RangeStmt, *ast.SwitchStmt, *ast.TypeSwitchStmt, *ast.SelectStmt, *ast.FuncLit:
		return true
	}
	return false
}
