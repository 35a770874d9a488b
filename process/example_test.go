package process_test

import (
	"fmt"

	"github.com/loopkit/loopkit/loop"
	"github.com/loopkit/loopkit/process"
)

// A child's output and exit, in callbacks: asyncio's
// create_subprocess_exec(..., stdout=PIPE), then reading and wait().
func ExampleStart() {
	l, err := loop.New()
	if err != nil {
		panic(err)
	}
	defer l.Close()
	p, err := process.Start(l, process.Command{Args: []string{"/bin/sh", "-c", "echo hello; exit 3"}, Stdout: true})
	if err != nil {
		panic(err)
	}
	p.Stdout.OnRead(func(data []byte, err error) {
		if err != nil {
			fmt.Println("stdout:", err)
			return
		}
		fmt.Printf("stdout: %q\n", data)
	})
	var st process.Status
	p.OnExit(func(s process.Status) { st = s })
	if err := l.Run(); err != nil { // returns once the child is reaped and its pipe read to the end
		fmt.Println(err)
	}
	fmt.Println(st)
	// Output:
	// stdout: "hello\n"
	// stdout: EOF
	// exit status 3
}
