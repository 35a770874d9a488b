//go:build linux

package main

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"syscall"

	"github.com/loopkit/loopkit/bench"
	"github.com/loopkit/loopkit/examples/echo/completion"
	"github.com/loopkit/loopkit/loop"
)

// A contender is one server of the homelands run: a style of the kit, run
// as loopkit run, or a homeland, a server of package bench written as the
// users of a style's home framework write it.
type contender struct {
	name    string
	program string
	about   string // what it is, for the tables
	argv    []string
	env     []string
	needs   []need
}

// addrArg stands for the address in a contender's command line.
const addrArg = "127.0.0.1:0"

// goNet is the server the ratios divide by: Go's net package, which is the
// kit's goroutines style (examples/echo/goroutines.go is Go net, a
// goroutine per connection, and nothing else).
const goNet = "go-net"

// contenders lists every server the run knows, echo then chat, each
// homeland just before the style it is the home of: exe is
// loopkit's executable, dir the folder that holds package bench's files.
func contenders(exe, dir string) []contender {
	// GOMAXPROCS=1: one CPU's worth of Go scheduler, as startChild gives
	// compare's servers.
	kitEnv := []string{childEnv + "=1", "GOMAXPROCS=1"}
	kit := func(program, style string) contender {
		name, about := style, "loopkit, "+style+" on epoll"
		argv := []string{exe, "run", program, "--style", style, "--addr", addrArg}
		if hasLoop(style) {
			argv = append(argv, "--backend", "epoll")
		} else {
			name, about = goNet, "Go net: the goroutines style"
		}
		return contender{name: name, program: program, about: about, argv: argv, env: kitEnv}
	}
	// The two servers on io_uring: the callbacks style on the uring
	// poller (readiness), and the completion echo, which loopkit run does
	// not have: this command serves it itself (--serve).
	onUring := contender{name: "callbacks-uring", program: "echo", about: "loopkit, callbacks on uring: readiness through io_uring",
		argv: []string{exe, "run", "echo", "--style", "callbacks", "--addr", addrArg, "--backend", "uring"}, env: kitEnv, needs: []need{ioUring}}
	completion := contender{name: "completion", program: "echo", about: "loopkit's completion echo: io_uring does recv and send",
		argv: []string{exe, "compare", "--homelands", "--serve", "completion", "--addr", addrArg}, env: kitEnv, needs: []need{ioUring}}
	file := func(name string) string { return filepath.Join(dir, "servers", name) }
	echo := func(name, about string, needs []need, argv ...string) contender {
		return contender{name: name, program: "echo", about: about, argv: argv, needs: needs}
	}
	py := pythonPath()
	return []contender{
		kit("echo", "goroutines"),
		echo("c-epoll", "C, one thread on epoll: the floor", []need{compiled(file("c_epoll_echo"))}, file("c_epoll_echo"), addrArg),
		echo("node", "Node net: home of callbacks", []need{node}, "node", file("node_echo.js"), addrArg),
		kit("echo", "callbacks"),
		onUring,
		completion,
		echo("asyncio", "asyncio Protocol: home of protocol", []need{python}, py, file("asyncio_echo.py"), addrArg),
		echo("asyncio-uvloop", "the same on uvloop", []need{uvloop}, py, file("asyncio_echo.py"), addrArg, "--uvloop"),
		kit("echo", "protocol"),
		echo("gevent", "gevent StreamServer: home of coroutines", []need{gevent}, py, file("gevent_echo.py"), addrArg),
		kit("echo", "coroutines"),
		kit("chat", "goroutines"),
		kit("chat", "callbacks"),
		kit("chat", "protocol"),
		{name: "gevent-talk", program: "chat", about: "the talk's gevent chat: home of coroutines",
			argv: []string{py, file("gevent_chat.py"), addrArg}, needs: []need{gevent}},
		kit("chat", "coroutines"),
	}
}

func contenderNames() []string {
	var names []string
	for _, c := range contenders("", "") {
		if !slices.Contains(names, c.name) {
			names = append(names, c.name)
		}
	}
	return names
}

// serveOwn is --serve: it serves the completion echo on addr until SIGTERM
// or SIGINT, and says where it listens as loopkit run does, so that the
// rounds start and stop it like any other server.
func serveOwn(addr string, stdout, stderr io.Writer) int {
	// Catch the signals before saying where it listens: a SIGTERM sent
	// right after that line must stop the server, not kill the process.
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(stop)
	srv, err := completion.Start(addr, func(err error) { fmt.Fprintf(stderr, "loopkit: %v\n", err) })
	if err != nil {
		fmt.Fprintf(stderr, "loopkit compare --homelands --serve completion: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "completion echo: listening on %s\n", srv.Addr())
	<-stop
	if err := srv.Close(); err != nil {
		fmt.Fprintf(stderr, "loopkit compare --homelands --serve completion: closing: %v\n", err)
		return 1
	}
	return 0
}

// command returns the command that starts the server.
func (c contender) command() *exec.Cmd {
	cmd := exec.Command(c.argv[0], c.argv[1:]...)
	cmd.Env = append(os.Environ(), c.env...)
	// If this process dies without stopping the server (kill -9), the
	// kernel kills the server too, rather than leave it running pinned to
	// its CPU.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	return cmd
}

// A need is something a homeland must find on the machine, and how to
// install it.
type need struct {
	what    string
	install string
	present func() bool
}

var (
	python = need{"python3", "apt-get install python3", onPath(pythonPath())}
	node   = need{"node", "apt-get install nodejs", onPath("node")}
	gevent = need{"Python 3's gevent", "apt-get install python3-gevent", imports("gevent")}
	uvloop = need{"Python 3's uvloop", "apt-get install python3-uvloop", imports("uvloop")}
)

// ioUring is the need of the servers on io_uring: the kernel must let this
// process set up a ring, which loop.Backends tells by listing uring.
var ioUring = need{"io_uring", "Linux 5.11 or later, sysctl kernel.io_uring_disabled=0, and no seccomp profile that refuses it",
	func() bool { return slices.Contains(loop.Backends(), "uring") }}

// compiled is the need of the C server: its binary, which unpackBench
// builds if it can.
func compiled(binary string) need {
	return need{"c_epoll_echo.c compiled by gcc", "apt-get install gcc libc6-dev",
		func() bool { _, err := os.Stat(binary); return err == nil }}
}

func onPath(program string) func() bool {
	return func() bool { _, err := exec.LookPath(program); return err == nil }
}

func imports(module string) func() bool {
	return func() bool { return exec.Command(pythonPath(), "-c", "import "+module).Run() == nil }
}

// pythonPath is the Python the homelands run with: the system's, into which
// apt-get installs python3-gevent and python3-uvloop, rather than the first
// python3 on PATH, which may be a pyenv or a virtualenv without them.
func pythonPath() string {
	if _, err := os.Stat("/usr/bin/python3"); err == nil {
		return "/usr/bin/python3"
	}
	return "python3"
}

// present keeps the contenders whose needs are met and that --only names
// (go-net always), and returns a line for each one left out that says what
// it needs.
func present(all []contender, only []string) (kept []contender, missing []string) {
	for _, c := range all {
		if len(only) > 0 && c.name != goNet && !slices.Contains(only, c.name) {
			continue
		}
		if n := missingNeed(c); n != nil {
			missing = append(missing, fmt.Sprintf("%s %s: needs %s (%s)", c.program, c.name, n.what, n.install))
			continue
		}
		kept = append(kept, c)
	}
	return kept, missing
}

func missingNeed(c contender) *need {
	for _, n := range c.needs {
		if !n.present() {
			return &n
		}
	}
	return nil
}

// unpackBench writes package bench's files to a new temporary folder and
// compiles the C server there. If that fails, the binary is missing, and
// the C server is left out with the others whose needs are not met.
func unpackBench() (string, error) {
	dir, err := os.MkdirTemp("", "loopkit-homelands-")
	if err != nil {
		return "", err
	}
	if err := os.CopyFS(dir, bench.Files); err != nil {
		return dir, err
	}
	src := filepath.Join(dir, "servers", "c_epoll_echo")
	exec.Command("gcc", "-O2", "-Wall", "-o", src, src+".c").Run()
	return dir, nil
}
