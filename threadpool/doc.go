// Package threadpool runs the work a loop cannot wait for in poll (reading
// a file, looking up a host name, any call that blocks) on a few worker
// goroutines, and hands each result back to the loop as a callback.
//
// # What cannot be polled
//
// A loop waits for fds to become ready, and that works because a socket or
// a pipe can be not ready: no data has come yet. A regular file is always
// ready. Its data is on a disk, and the kernel will fetch it when asked; so
// select(2) and poll(2) say "readable, writable" for a file every time
// (POSIX: "Regular files shall always poll TRUE for reading and writing"),
// and a read that then waits for the disk blocks the loop all the same.
// epoll is blunter: epoll_ctl refuses a regular file with EPERM ("The
// target file fd does not support epoll"), and kqueue's EVFILT_READ on a
// file fires whenever the offset is short of its end, which says nothing
// of whether the disk has the bytes in memory yet. Tutorial step 14 shows
// all three. A host name is the same story: getaddrinfo reads files and
// asks DNS servers inside one blocking call, with no fd to give the loop.
//
// # What every loop does: a thread pool
//
// So every event loop keeps a few threads for blocking work, and turns their
// results back into events.
//
//   - libuv: uv_queue_work(loop, req, work_cb, after_work_cb) runs work_cb
//     on one of 4 threads (UV_THREADPOOL_SIZE) and after_work_cb on the
//     loop; uv_fs_read and the other uv_fs_* calls, and uv_getaddrinfo, are
//     work on that pool. uv_cancel stops only work no thread has begun.
//   - Node is libuv: fs.readFile and dns.lookup are pool work, which is why
//     four slow DNS lookups delay every file read behind them.
//   - asyncio: loop.run_in_executor(None, fn) runs fn on a
//     ThreadPoolExecutor and returns a future the coroutine awaits; files
//     have no other way (aiofiles is that, wrapped), and loop.getaddrinfo
//     is run_in_executor(socket.getaddrinfo).
//   - gevent: hub.threadpool.apply(fn) parks the greenlet until a thread
//     has run fn; FileObjectThread does a file's I/O there, and the default
//     resolver is a thread that calls getaddrinfo.
//
// Here the workers are goroutines. A goroutine in a blocking system call
// holds its OS thread, and Go's runtime gives the other goroutines another
// thread meanwhile; so the pool's bound is a bound on the threads held by
// blocking work, as libuv's is.
//
// # The pool's rules
//
//   - Workers: at most DefaultWorkers (4, as libuv) run at once; WithWorkers
//     changes it. A worker is started when work is queued and fewer run, and
//     ends when it finds the queue empty: no goroutine outlives the work.
//   - The queue is bounded (DefaultQueue, WithQueue). Submit on a full
//     queue returns ErrFull at once: the loop must never block, not even
//     for room in its own pool. (libuv's and asyncio's queues are
//     unbounded: a producer faster than the disk fills memory instead.)
//   - Work is queued from the loop and done runs on the loop, in a later
//     iteration, in the order the workers finished. While any done has not
//     run, the pool holds the loop (loop.Hold): Run does not return with a
//     result on its way.
//   - A panic in work is recovered on the worker and goes, with its stack,
//     to the loop's error handler as a loop.PanicError; done gets an error
//     wrapping ErrPanicked, so whoever waits hears.
//   - Cancel takes work off the queue if no worker has begun it; done then
//     gets ErrCancelled. Running work cannot be stopped: its done runs with
//     its outcome, for the caller to use or ignore.
//   - Once the loop is closed, a worker's result has nowhere to go: it is
//     dropped (a panic is still reported), the queued works never run, and
//     the workers end.
//
// # The three front ends
//
// Callbacks and protocols use the Pool as it is: Submit, ReadFile,
// WriteFile, LookupHost, each calling back on the loop; callbacks.DialHost
// and protocol.ConnectHost dial a host name through LookupHost. Coroutines
// use package threadpool/parked, whose calls park the coroutine until the
// result is back (gevent's threadpool.apply), and coroutines.DialHost.
// docs/blocking-work.md puts the three side by side.
//
// # Where not to add things
//
// The pool knows functions and the loop, nothing else: no file handles, no
// cache of lookups, no work that waits on the loop (a worker that waits for
// the loop while the loop waits for it is a deadlock). A blocking call that
// has an fd the loop can wait for (a socket, a pipe, a child's exit through
// a pidfd) belongs on the loop, not here.
package threadpool
