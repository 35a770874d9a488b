package threadpool

import (
	"cmp"
	"fmt"
	"os"
)

// ReadFile reads the whole file name on a worker, then calls fn on the loop
// with its content, or with the error that kept it from being read (it
// names the file, as os.ReadFile's does). Loop goroutine only.
//
// A regular file cannot be waited for in poll (doc.go tells why), so the
// read(2) calls block: on a worker, they block only it.
func (p *Pool) ReadFile(name string, fn func([]byte, error)) {
	var data []byte
	p.submitOrFail(func() (err error) {
		data, err = os.ReadFile(name)
		return err
	}, func(err error) { fn(data, err) })
}

// WriteFile writes data to the file name on a worker, creating it with perm
// if it does not exist and truncating it if it does, as os.WriteFile; then
// it calls fn on the loop with the outcome. data must not change until fn
// runs: the worker reads it meanwhile. Loop goroutine only.
func (p *Pool) WriteFile(name string, data []byte, perm os.FileMode, fn func(error)) {
	p.submitOrFail(func() error { return os.WriteFile(name, data, perm) }, fn)
}

// submitOrFail is Submit for the helpers, whose work returns an error and
// whose callers have one path for every outcome: done gets the pool's
// error (a panic), else the work's; and if Submit refuses the work, done
// gets the refusal on the loop, soon, as it would get any other error.
func (p *Pool) submitOrFail(work func() error, done func(error)) {
	var err error
	_, serr := p.Submit(func() { err = work() }, func(perr error) { done(cmp.Or(perr, err)) })
	if serr != nil {
		p.loop.CallSoon(func() { done(fmt.Errorf("threadpool: %w", serr)) })
	}
}
