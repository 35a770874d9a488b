// Package process runs child processes on the loop: their stdin, stdout
// and stderr are non-blocking pipes among the loop's fds, and their exit
// is one more event the loop's poll call waits for. It teaches how a
// parent learns that a child ended, and why it must then reap it.
//
// # The problem
//
// A program that runs a command usually blocks: os/exec's Cmd.Wait, a
// read of the child's output until EOF. On a loop, nothing may block. The
// output is the easy half: a pipe is an fd like a socket, and readiness
// works the same (pipe.go). The exit is the hard half. A child that ends
// becomes a zombie, a process table entry holding its pid and its exit
// status, until its parent calls wait4 (or waitid) for it: that call is
// "reaping". A parent that never reaps leaks pids; a parent that blocks in
// wait4 stops its loop. So the loop must be told when a child has exited,
// and then reap it without blocking (WNOHANG).
//
// # Two ways to be told
//
// SIGCHLD: the kernel sends it to the parent when a child exits. Through
// package signals it is a loop callback; the callback asks the child, with
// wait4(pid, WNOHANG), whether it is the one that exited (watch.go).
// Signals coalesce, so one SIGCHLD may stand for several exits, and every
// child is asked at each. This is what libuv does on every Unix, and
// asyncio did for years (its SafeChildWatcher).
//
// pidfd (Linux 5.3): pidfd_open gives an fd that refers to one process
// and becomes readable when it exits. It is an fd, so the loop polls it as
// it polls a socket, and no signal is needed at all (watch_linux.go). It
// also names the child for good: pidfd_send_signal cannot hit another
// process that got the pid after the child was reaped. Python's
// PidfdChildWatcher works so.
//
// Either way, a child that has not exited keeps the loop's Run going, as
// an open socket does; so does a pipe still being read. When the child has
// been reaped and its output read to the end, Run can return: no zombie is
// left while a loop runs. A program that closes its loop with children
// still running must kill them itself (Kill).
//
// # Styles
//
//	asyncio                                  loopkit process
//	create_subprocess_exec(..., stdout=PIPE) Start(l, Command{Args, Stdout: true})
//	proc.stdout.read() / stdin.write()       callbacks: Pipe.OnRead, Pipe.Write
//	                                         coroutines: Pipe.Read(ctx), Pipe.WriteAll(ctx)
//	await proc.wait()                        callbacks: OnExit(fn); coroutines: Wait(ctx) parks
//	proc.send_signal(sig), kill()            Kill(sig)
//	SubprocessProtocol, subprocess_exec      Protocol, StartProtocol
//
// # What Start costs the loop
//
// Start runs on the loop goroutine, and blocks it for the PATH lookup (a
// few stat calls: files cannot be polled), the pipes, and the fork and
// exec, which returns once the child has exec'd: 0.19 to 0.28 ms for
// true, over three runs of BenchmarkStart (Linux, a shared 2-core VM).
// libuv's uv_spawn does the same on its loop thread; a server that starts
// a child per request pays it per request.
//
// # What the kit leaves out
//
// A child always gets fresh pipes or /dev/null: no inheriting the parent's
// terminal, no process groups, no pty, no uid change (libuv's
// uv_process_options_t has all of them). Go's syscall.ForkExec does the
// fork and exec (with vfork on Linux), as os/exec does.
//
// # Where not to add things
//
// The loop knows nothing of processes: this package needs only AddReader,
// AddWriter, CallSoon and package signals. Reading a child's output to
// the end (communicate) is a few lines of the caller's, in its own style.
package process
