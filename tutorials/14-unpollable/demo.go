package main

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/sys/unix"

	"github.com/loopkit/loopkit/tutorials/internal/demo"
	"github.com/loopkit/loopkit/tutorials/internal/lineserver"
	"github.com/loopkit/loopkit/tutorials/internal/step"
)

// runDemo shows why a file needs a pool, then the pool at work: it asks
// select, poll and epoll about a regular file and an empty pipe, then runs
// the file server and has clients ask it for a few files at once.
func runDemo(out io.Writer, r step.Run, newPool newPoolFunc, root *os.Root, workers int) error {
	names, err := regularFiles(root, 4)
	if err != nil {
		return err
	}
	if len(names) == 0 {
		return fmt.Errorf("-dir %s: no regular file to read", root.Name())
	}
	if err := askPollers(out, filepath.Join(root.Name(), names[0])); err != nil {
		return err
	}
	fmt.Fprintf(out, "\nSo the read of a file blocks wherever it runs. The server runs it on one of %d workers:\n", workers)
	return askFiles(out, r, newPool, root, workers, names)
}

// askPollers prints what each poller of this OS says of a regular file
// and, for comparison, of a pipe with nothing in it.
func askPollers(out io.Writer, path string) error {
	file, err := unix.Open(path, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("open %s: %w", path, err)
	}
	defer unix.Close(file)
	var pipe [2]int
	if err := unix.Pipe(pipe[:]); err != nil {
		return fmt.Errorf("pipe: %w", err)
	}
	defer unix.Close(pipe[0])
	defer unix.Close(pipe[1])
	fmt.Fprintf(out, "Asked, without waiting, whether each fd is readable and writable:\n")
	fmt.Fprintf(out, "  %-28s %-32s %s\n", "", "the file "+filepath.Base(path), "an empty pipe's read end")
	fmt.Fprintf(out, "  %-28s %-32s %s\n", "select(2)", selectSays(file), selectSays(pipe[0]))
	fmt.Fprintf(out, "  %-28s %-32s %s\n", "poll(2)", pollSays(file), pollSays(pipe[0]))
	fmt.Fprintf(out, "  %-28s %-32s %s\n", epollName, epollSays(file), epollSays(pipe[0]))
	fmt.Fprintf(out, "A file is always ready: whether its bytes are on the disk or in memory, no poller can say.\n")
	return nil
}

// selectSays asks select(2) about fd, with a zero timeout.
func selectSays(fd int) string {
	var r, w unix.FdSet
	r.Set(fd)
	w.Set(fd)
	if _, err := unix.Select(fd+1, &r, &w, nil, &unix.Timeval{}); err != nil {
		return err.Error()
	}
	return readiness(r.IsSet(fd), w.IsSet(fd))
}

// pollSays asks poll(2) about fd, with a zero timeout.
func pollSays(fd int) string {
	fds := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN | unix.POLLOUT}}
	if _, err := unix.Poll(fds, 0); err != nil {
		return err.Error()
	}
	return readiness(fds[0].Revents&unix.POLLIN != 0, fds[0].Revents&unix.POLLOUT != 0)
}

// readiness words what a poller said.
func readiness(readable, writable bool) string {
	switch {
	case readable && writable:
		return "readable and writable"
	case readable:
		return "readable"
	case writable:
		return "writable"
	}
	return "not ready"
}

// askFiles runs the file server on a loop of its own, with a pool of the
// impl's, and has one client per name ask "wc NAME" at once.
func askFiles(out io.Writer, r step.Run, newPool newPoolFunc, root *os.Root, workers int, names []string) error {
	var reports []string
	var mu sync.Mutex
	l, err := newLoop(func(err error) {
		mu.Lock()
		defer mu.Unlock()
		reports = append(reports, err.Error())
	})
	if err != nil {
		return err
	}
	defer l.Close()
	pool := newPool(l, workers)
	defer pool.Close()
	srv, err := lineserver.Serve(l, r.Addr, fileServer(pool, root))
	if err != nil {
		return r.ListenError(err)
	}
	answers := make([]string, len(names))
	go func() {
		defer l.CallSoonThreadSafe(srv.Close) // then nothing is left: Run returns
		var wg sync.WaitGroup
		for i, name := range names {
			wg.Go(func() {
				reply, took, err := demo.Ask(srv.Addr(), "wc "+name+"\n", 10*time.Second)
				if err != nil {
					reply = err.Error()
				}
				answers[i] = fmt.Sprintf("  %-44s after %v", strings.TrimSpace(reply), demo.Round(took))
			})
		}
		wg.Wait()
	}()
	if err := l.Run(); err != nil {
		return err
	}
	fmt.Fprintln(out, strings.Join(answers, "\n"))
	mu.Lock()
	defer mu.Unlock()
	for _, rep := range reports {
		fmt.Fprintf(out, "\nthe loop reported:\n  %s\n", strings.ReplaceAll(rep, "\n", "\n  "))
	}
	return nil
}

// regularFiles returns the names of up to n regular files in root's
// directory, in order.
func regularFiles(root *os.Root, n int) ([]string, error) {
	entries, err := fs.ReadDir(root.FS(), ".")
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range entries {
		if e.Type().IsRegular() && len(names) < n {
			names = append(names, e.Name())
		}
	}
	slices.Sort(names)
	return names, nil
}
