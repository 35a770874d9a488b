// Command loopkit runs the example programs (echo, chat, fetch) in any
// style on any backend, compares them, and draws their runs.
//
//	loopkit run echo  --style callbacks --backend epoll [--addr 127.0.0.1:8000] [--loops 2]
//	loopkit run chat  --style coroutines [--name-timeout 60s]  (then: loopkit join 127.0.0.1:8001)
//	loopkit run fetch --style callbacks [--pool 20] [URL ...]
//	loopkit compare [--full] [--yours] [--out report]
//	loopkit compare --homelands [--rounds 3] [--out report/homelands]
//	loopkit trace print_sum [--style callbacks] [--svg FILE] [--step]
//	loopkit watch echo [--style callbacks]  (or: loopkit watch chat --live)
//	loopkit join 127.0.0.1:8001
//	loopkit room [-addr 0.0.0.0:7100] [-students 100]
//
// run starts a program for loopkit join or curl; it serves until interrupted
// (Ctrl-C), and the chat's output is the teacher's console (who joins,
// leaves or is dropped, and the messages per second). compare puts the
// same load on every style and backend, prints a table and writes a report
// folder with results.json and SVG charts; with --homelands it measures
// each style beside the servers of package bench (Node, asyncio, gevent, C)
// and Go's net, in rounds, on pinned CPUs; with --yours it adds the
// poller of tutorial step 03 ("yours"), measured by the step's own program.
// trace
// runs a scenario (print_sum, or an example with scripted clients) on a
// traced loop and draws what the loop and the coroutines did; loopkit trace
// alone lists the scenarios. watch shows a scenario, or a live echo or
// chat, in a browser as the loop runs (package watch). join is a line
// client, the job of nc or telnet. room shows a workshop's progress on one
// screen: each student's make progress SEND=HOST:PORT reports to it.
//
// Where not to add things: this command only parses flags, starts the
// examples and measures them, and holds the workshop's two tools, join and
// room; a program's logic belongs in examples/.
package main

import (
	"fmt"
	"io"
	"os"
	"strings"
)

// commands are loopkit's commands, in the order usage lists them.
var commands = []struct {
	name, args, what string
	run              func(args []string, stdout, stderr io.Writer) int
}{
	{"run", "PROGRAM [flags]", "run echo, chat or fetch (loopkit run PROGRAM -h for its flags)", runCommand},
	{"compare", "[flags]", "measure every style on every backend (loopkit compare -h)", compareCommand},
	{"trace", "[SCENARIO] [flags]", "draw a run as a sequence diagram (loopkit trace lists the scenarios)", traceCommand},
	{"watch", "SCENARIO [flags]", "the loop live in a browser: step a scenario, or watch a --live server", watchCommand},
	{"join", "HOST:PORT", "send the lines you type to a server, print what it sends (Ctrl-D leaves)", joinCommand},
	{"room", "[flags]", "the room's progress on one screen, from make progress SEND= (loopkit room -h)", roomCommand},
}

// usage lists the commands.
func usage() string {
	var b strings.Builder
	b.WriteString("usage:\n")
	for _, c := range commands {
		fmt.Fprintf(&b, "  %-33s %s\n", "loopkit "+c.name+" "+c.args, c.what)
	}
	return b.String()
}

func main() {
	os.Exit(cli(os.Args[1:], os.Stdout, os.Stderr))
}

// cli runs the command line args and returns the exit status: 0, 1 for a
// failure, 2 for a usage error.
func cli(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage())
		return 2
	}
	var names []string
	for _, c := range commands {
		if c.name == args[0] {
			return c.run(args[1:], stdout, stderr)
		}
		names = append(names, c.name)
	}
	switch args[0] {
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage())
		return 0
	}
	fmt.Fprintf(stderr, "loopkit: unknown command %q (choose one of: %s)\n%s", args[0], strings.Join(names, ", "), usage())
	return 2
}
