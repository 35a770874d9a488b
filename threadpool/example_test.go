package threadpool_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/loopkit/loopkit/loop"
	"github.com/loopkit/loopkit/threadpool"
)

// A callbacks program reads a file without blocking its loop: the read
// runs on a worker, and the callback on the loop. Run returns once the
// callback has run: until then the pool holds the loop.
func ExamplePool_ReadFile() {
	dir, _ := os.MkdirTemp("", "threadpool")
	defer os.RemoveAll(dir)
	name := filepath.Join(dir, "motd.txt")
	os.WriteFile(name, []byte("one place waits"), 0o600)

	l, _ := loop.New()
	defer l.Close()
	pool, _ := threadpool.New(l)
	pool.ReadFile(name, func(data []byte, err error) {
		fmt.Printf("%s %v\n", data, err)
	})
	l.Run()
	// Output: one place waits <nil>
}
