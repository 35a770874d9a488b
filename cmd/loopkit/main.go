// Command loopkit runs the example programs (echo, chat, fetch) in any
// style on any backend, and compares them.
//
//	loopkit run echo  --style callbacks --backend epoll [--addr 127.0.0.1:8000] [--loops 2]
//	loopkit run chat  --style coroutines                 (then: nc 127.0.0.1 8001)
//	loopkit run fetch --style callbacks [--pool 20] [URL ...]
//	loopkit compare [--full] [--out report]
//
// run starts a program for telnet, nc or curl; it serves until interrupted
// (Ctrl-C). compare puts the same load on every style and backend, prints a
// table and writes a report folder with results.json and SVG charts.
//
// Where not to add things: this command only parses flags, starts the
// examples and measures them; a program's logic belongs in examples/.
package main

import (
	"fmt"
	"io"
	"os"
	"strings"
)

const usage = `usage:
  loopkit run PROGRAM [flags]     run echo, chat or fetch (loopkit run PROGRAM -h for its flags)
  loopkit compare [flags]         measure every style on every backend (loopkit compare -h)
`

func main() {
	os.Exit(cli(os.Args[1:], os.Stdout, os.Stderr))
}

// cli runs the command line args and returns the exit status: 0, 1 for a
// failure, 2 for a usage error.
func cli(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	switch args[0] {
	case "run":
		return runCommand(args[1:], stdout, stderr)
	case "compare":
		return compareCommand(args[1:], stdout, stderr)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	}
	fmt.Fprintf(stderr, "loopkit: unknown command %q (choose one of: %s)\n%s", args[0], strings.Join([]string{"run", "compare"}, ", "), usage)
	return 2
}
