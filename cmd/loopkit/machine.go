//go:build linux

package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// A placement is where the homelands run puts its processes: each server on
// one CPU, the load client on another, so that neither takes the other's
// time. With a single CPU both share it (pinned false), and the client's
// CPU column then says how much it took.
type placement struct {
	server, client int
	pinned         bool
}

// placeProcesses picks the first two CPUs this process may run on, and
// pins this process (the client) to the second.
func placeProcesses() (placement, error) {
	var set unix.CPUSet
	if err := unix.SchedGetaffinity(0, &set); err != nil {
		return placement{}, os.NewSyscallError("sched_getaffinity", err)
	}
	var cpus []int
	for cpu := range 1024 {
		if set.IsSet(cpu) {
			cpus = append(cpus, cpu)
		}
	}
	if len(cpus) < 2 {
		return placement{}, nil
	}
	p := placement{server: cpus[0], client: cpus[1], pinned: true}
	return p, pinProcess(only(p.client))
}

// only is the set of the one CPU cpu.
func only(cpu int) *unix.CPUSet {
	var set unix.CPUSet
	set.Set(cpu)
	return &set
}

// pinProcess pins every thread of this process to set. Affinity belongs to
// a thread, not to a process; a thread the runtime makes later inherits the
// mask of the thread that made it, which is then pinned already.
func pinProcess(set *unix.CPUSet) error {
	tasks, err := os.ReadDir("/proc/self/task")
	if err != nil {
		return err
	}
	for _, t := range tasks {
		tid, _ := strconv.Atoi(t.Name())
		err := unix.SchedSetaffinity(tid, set)
		if err != nil && !errors.Is(err, unix.ESRCH) { // ESRCH: the thread has just exited
			return os.NewSyscallError("sched_setaffinity", err)
		}
	}
	return nil
}

// startPinned starts cmd on the server's CPU. The child inherits the mask
// of the thread that forks it, so this goroutine locks its thread, pins it
// to the server's CPU, starts the child from it, and pins it back: the
// child is on its CPU from its first instruction, with every thread it
// makes, which pinning it once it runs would not promise.
func startPinned(p placement, cmd *exec.Cmd) (*child, error) {
	if !p.pinned {
		return startProcess(cmd)
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if err := unix.SchedSetaffinity(0, only(p.server)); err != nil {
		return nil, os.NewSyscallError("sched_setaffinity", err)
	}
	c, err := startProcess(cmd)
	// A runtime thread made from this one meanwhile is on the server's CPU
	// too: pin them all back.
	if err := pinProcess(only(p.client)); err != nil {
		return c, err
	}
	return c, err
}

// processCPU returns the CPU time the process pid has used so far, to the
// nanosecond: the sum over its threads of the first field of schedstat
// (time on a CPU). /proc/PID/stat counts in ticks of 10 ms, too coarse for
// the few hundred milliseconds of a chat scenario on a fast server. A
// thread that has exited drops out of the sum; the servers measured keep
// theirs.
func processCPU(pid int) (time.Duration, error) {
	dir := fmt.Sprintf("/proc/%d/task", pid)
	tasks, err := os.ReadDir(dir)
	if err != nil {
		return 0, err
	}
	var total time.Duration
	for _, t := range tasks {
		stat, err := os.ReadFile(filepath.Join(dir, t.Name(), "schedstat"))
		if err != nil {
			continue // the thread has just exited
		}
		onCPU, _, _ := strings.Cut(string(stat), " ")
		ns, _ := strconv.ParseInt(onCPU, 10, 64)
		total += time.Duration(ns)
	}
	return total, nil
}

// machineBusy returns the CPU time every CPU of the machine has spent
// busy so far (all but idle and iowait), from /proc/stat.
func machineBusy() (time.Duration, error) {
	stat, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, err
	}
	line, _, _ := strings.Cut(string(stat), "\n")
	fields := strings.Fields(line)
	if len(fields) < 8 || fields[0] != "cpu" {
		return 0, fmt.Errorf("/proc/stat: unexpected first line %q", line)
	}
	var busy int64
	for i, f := range fields[1:] {
		const idle, iowait, guest = 3, 4, 8 // guest time is in user already
		if i == idle || i == iowait || i >= guest {
			continue
		}
		n, _ := strconv.ParseInt(f, 10, 64)
		busy += n
	}
	return time.Duration(busy) * tick, nil
}

// tick is the unit of /proc's CPU times: USER_HZ is 100 on Linux.
const tick = 10 * time.Millisecond

// busySince says how many CPUs the machine kept busy on average since
// busy0, read at t0.
func busySince(busy0 time.Duration, t0 time.Time) float64 {
	busy, err := machineBusy()
	if err != nil {
		return 0
	}
	return (busy - busy0).Seconds() / time.Since(t0).Seconds()
}

// quietSample is how long one look at the machine's load lasts; quietBound
// is how long waitQuiet looks before it gives up and lets the run go on.
const (
	quietSample = 300 * time.Millisecond
	quietBound  = 20 * time.Second
)

// waitQuiet waits until the machine keeps fewer than maxBusy CPUs busy over
// a sample (nothing of this run is working then: the server is idle), for
// at most quietBound. It returns the load of the last sample, and whether
// it was quiet.
func waitQuiet(maxBusy float64) (float64, bool) {
	deadline := time.Now().Add(quietBound)
	for {
		busy0, err := machineBusy()
		if err != nil {
			return 0, true // no /proc/stat: nothing to wait for
		}
		t0 := time.Now()
		time.Sleep(quietSample)
		load := busySince(busy0, t0)
		if load < maxBusy || time.Now().After(deadline) {
			return load, load < maxBusy
		}
	}
}
