package main

import (
	"io"
	"time"

	"github.com/loopkit/loopkit/loop"
	exercise "github.com/loopkit/loopkit/tutorials/07-coroutines/exercise"
	solution "github.com/loopkit/loopkit/tutorials/07-coroutines/solution"
)

// Co is what the code of a coroutine may call: the blocking calls of a
// minico.Coroutine. straight.go is written against it.
type Co interface {
	Sleep(d time.Duration) error
	Read(fd int, p []byte) (int, error)
	Write(fd int, p []byte) (int, error)
	Accept(ln int) (int, error)
	Dial(addr string) (int, error)
	Name() string
}

// A Task is a spawned coroutine, as the code that spawned it sees it.
type Task interface {
	Kill()
	Done() bool
	Err() error
	Name() string
}

// A Hub is a scheduler, as this step's program and checks use it.
type Hub interface {
	Spawn(name string, fn func(co Co) error) Task
	Join(co Co, t Task) error // co parks until t has finished
	KillAll()
	Close()
	Live() int
	SetTrace(w io.Writer)
}

// A version is one minico: its hub on a loop, and its ErrKilled.
type version struct {
	NewHub    func(l *loop.Loop) Hub
	ErrKilled error
}

// impls are the versions this step can run: -ref picks the solution, and
// the checks pick one by LOOPKIT_IMPL.
var impls = map[string]version{
	"exercise": adapt[*exercise.Hub](exercise.NewHub, exercise.ErrKilled),
	"solution": adapt[*solution.Hub](solution.NewHub, solution.ErrKilled),
}

// adapt makes a version of a package's NewHub, whose Spawn takes functions
// of the package's own *Coroutine. The type parameters make the compiler
// check that every version has the methods this step calls.
func adapt[H pkgHub[C], C pkgCoroutine[C]](newHub func(*loop.Loop) H, errKilled error) version {
	return version{NewHub: func(l *loop.Loop) Hub { return hubOf[H, C]{newHub(l)} }, ErrKilled: errKilled}
}

// pkgCoroutine is a package's *Coroutine.
type pkgCoroutine[C any] interface {
	Co
	Task
	Join(other C) error
}

// pkgHub is a package's *Hub.
type pkgHub[C any] interface {
	Spawn(name string, fn func(co C) error) C
	KillAll()
	Close()
	Live() int
	SetTrace(w io.Writer)
}

// hubOf is a package's hub as a Hub.
type hubOf[H pkgHub[C], C pkgCoroutine[C]] struct{ h H }

func (a hubOf[H, C]) Spawn(name string, fn func(co Co) error) Task {
	return a.h.Spawn(name, func(co C) error { return fn(co) })
}
func (a hubOf[H, C]) Join(co Co, t Task) error { return co.(C).Join(t.(C)) }
func (a hubOf[H, C]) KillAll()                 { a.h.KillAll() }
func (a hubOf[H, C]) Close()                   { a.h.Close() }
func (a hubOf[H, C]) Live() int                { return a.h.Live() }
func (a hubOf[H, C]) SetTrace(w io.Writer)     { a.h.SetTrace(w) }
