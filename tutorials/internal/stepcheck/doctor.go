package main

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"
)

// doctor checks what the workshop needs of a learner's machine, in the
// order a problem should be fixed, and says what to do about each. It is
// the setup check to send out two weeks before (docs/workshop.md).
func (tu *tutorial) doctor() error {
	type line struct{ what, result, fix string }
	var lines []line
	problems := 0
	add := func(what, result, fix string) {
		if fix != "" {
			problems++
		}
		lines = append(lines, line{what, result, fix})
	}

	// The Go toolchain: the go line of go.mod is the oldest that builds.
	version, err := exec.Command("go", "env", "GOVERSION").Output()
	if err != nil {
		add("Go", "no go command", "install Go from https://go.dev/dl/")
	} else {
		add("Go", strings.TrimSpace(string(version)), "")
	}

	// Open fds: Go raises the soft limit to the hard one at start-up.
	var lim unix.Rlimit
	if err := unix.Getrlimit(unix.RLIMIT_NOFILE, &lim); err == nil {
		fix := ""
		if lim.Max < 1024 {
			fix = "raise the hard limit on open files to at least 1024 (ulimit -Hn)"
		}
		add("open files (hard limit)", fmt.Sprint(lim.Max), fix)
	}

	// The tutorial's ports: a note, not a problem (every step takes -addr).
	var busy []string
	for port := 7000; port <= 7013; port++ {
		ln, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port))
		if err != nil {
			busy = append(busy, fmt.Sprint(port))
			continue
		}
		ln.Close()
	}
	if len(busy) > 0 {
		add("ports 7000-7013", "in use: "+strings.Join(busy, ", ")+" (steps take -addr 127.0.0.1:0)", "")
	} else {
		add("ports 7000-7013", "free", "")
	}

	// Step 00's check with the race detector: loopback, sockets, pollers,
	// the module's dependencies, and -race itself, all at once.
	cmd := exec.Command("go", "test", "-race", "-count=1", "./tutorials/00-setup")
	cmd.Dir = tu.module
	if out, err := cmd.CombinedOutput(); err != nil {
		fix := "read the output above; offline? run make prepare while online"
		if strings.Contains(string(out), "-race") {
			fix = "-race is not available here: use make check S=NN RACE= (checks run without it)"
		}
		fmt.Fprintf(tu.out, "%s\n", out)
		add("go test -race ./tutorials/00-setup", "FAIL", fix)
	} else {
		add("go test -race ./tutorials/00-setup", "PASS", "")
	}

	// The editor must open the repository root, where go.mod is.
	if _, err := os.Stat(filepath.Join(tu.module, "go.mod")); err != nil {
		add("repository", "no go.mod at "+tu.module, "run from inside the loopkit clone")
	}

	for _, l := range lines {
		fmt.Fprintf(tu.out, "%-36s %s\n", l.what, l.result)
		if l.fix != "" {
			fmt.Fprintf(tu.out, "%-36s -> %s\n", "", l.fix)
		}
	}
	if problems > 0 {
		return fmt.Errorf("%d problem(s) above", problems)
	}
	fmt.Fprintln(tu.out, "\nready for the workshop.")
	return nil
}
