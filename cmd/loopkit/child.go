package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// A child is a server that compare runs as a child process (loopkit run
// ...), so that its CPU time and its memory are its own, not mixed with
// those of the load client, which runs in compare's process.
type child struct {
	cmd    *exec.Cmd
	addr   string
	stderr *bytes.Buffer
	exited chan error // receives cmd.Wait's result
}

// childEnv is set in a child's environment. A test binary, whose
// os.Executable is not loopkit, looks for it in TestMain and runs the
// command line as loopkit would.
const childEnv = "LOOPKIT_COMPARE_CHILD"

// startupBound is how long a child may take to say where it listens.
const startupBound = 10 * time.Second

var listeningRE = regexp.MustCompile(`listening on (\S+)`)

// startChild runs "loopkit run PROGRAM --style S --backend B --loops N" on
// a free loopback port (without --backend and --loops for the goroutines
// style, which has no loop) and waits for the line that says where it
// listens.
func startChild(program, style, backend string, loops int) (*child, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	args := []string{"run", program, "--style", style, "--addr", "127.0.0.1:0"}
	if hasLoop(style) {
		args = append(args, "--backend", backend, "--loops", strconv.Itoa(loops))
	}
	cmd := exec.Command(exe, args...)
	// One P per loop: the server gets a CPU's worth of Go scheduler per
	// loop, the load client (GOMAXPROCS=1 in compare) the other core.
	// Left to its default of one P per core, a Go server and a Go client
	// on two cores would each run two threads that spin looking for work,
	// and the figures would measure that fight.
	cmd.Env = append(os.Environ(), childEnv+"=1", "GOMAXPROCS="+strconv.Itoa(loops))
	return startProcess(cmd)
}

// startProcess starts cmd and waits for the line that says where it
// listens: "listening on HOST:PORT".
func startProcess(cmd *exec.Cmd) (*child, error) {
	c := &child{cmd: cmd, stderr: new(bytes.Buffer), exited: make(chan error, 1)}
	cmd.Stderr = c.stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if m := listeningRE.FindStringSubmatch(sc.Text()); m != nil {
				addr <- m[1]
			}
		}
		c.exited <- cmd.Wait()
	}()
	select {
	case c.addr = <-addr:
		return c, nil
	case err := <-c.exited:
		return nil, fmt.Errorf("%s exited before it listened (%v): %s", strings.Join(cmd.Args[1:], " "), err, strings.TrimSpace(c.stderr.String()))
	case <-time.After(startupBound):
		cmd.Process.Kill()
		<-c.exited
		return nil, fmt.Errorf("%s did not listen within %v", strings.Join(cmd.Args[1:], " "), startupBound)
	}
}

// cpu returns the CPU time the child has used so far, user and system, from
// /proc (in ticks of 10 ms).
func (c *child) cpu() (time.Duration, error) {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", c.cmd.Process.Pid))
	if err != nil {
		return 0, err
	}
	// The command name, field 2, is in parentheses and may hold spaces:
	// count fields after its closing parenthesis.
	s := string(stat)
	fields := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(fields) < 13 {
		return 0, errors.New("short /proc stat")
	}
	utime, _ := strconv.ParseInt(fields[11], 10, 64)
	stime, _ := strconv.ParseInt(fields[12], 10, 64)
	const tick = 10 * time.Millisecond // USER_HZ is 100 on Linux
	return time.Duration(utime+stime) * tick, nil
}

// peakRSS returns the most resident memory the child has used, in bytes
// (VmHWM).
func (c *child) peakRSS() (int64, error) {
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", c.cmd.Process.Pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(status), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb << 10, err
		}
	}
	return 0, errors.New("no VmHWM in /proc status")
}

// stop sends SIGTERM, which makes loopkit run close the server and exit,
// and waits. A child that does not exit in time is killed; one that exits
// with an error (its Close found something wrong) is an error.
func (c *child) stop() error {
	c.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-c.exited:
		if err != nil {
			return fmt.Errorf("%v: %s", err, strings.TrimSpace(c.stderr.String()))
		}
		return nil
	case <-time.After(10 * time.Second):
		c.cmd.Process.Kill()
		<-c.exited
		return errors.New("the server did not stop within 10 s of SIGTERM")
	}
}
