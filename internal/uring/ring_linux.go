//go:build linux

package uring

import (
	"errors"
	"os"
	"unsafe"

	"golang.org/x/sys/unix"
)

// A Ring is one io_uring: the kernel's fd for it, and the submission and
// completion queues mapped into this process. A Ring is used by one
// goroutine at a time (the queues have one producer and one consumer on
// this side); it needs no lock.
//
// Discussion: the kernel ties a request to the thread that submitted it
// (its deferred work runs there, and it is cancelled if that thread ends),
// while Go moves a goroutine from thread to thread. That is safe because
// the kernel wakes the submitting thread to do the work wherever it sleeps,
// and Go's runtime ends a thread only when a goroutine that locked itself
// to it returns without unlocking, which the kit never does.
type Ring struct {
	fd int // the ring, for io_uring_enter and mmap

	sq     SubmissionQueue
	sqNext uint32 // the tail once the entries NextSQE handed out are published
	cq     CompletionQueue

	// the timeout Enter hands the kernel, by address: kept here, in memory
	// Go's collector never moves, rather than on a goroutine's stack, which
	// may move between taking the address and making the call
	wait struct {
		arg     getEventsArg // arg.ts points at timeout
		timeout unix.Timespec
	}

	// the three mappings, unmapped by Close
	sqRing, cqRing, sqeArea []byte
}

// A SubmissionQueue is the ring of requests, as mapped: this side writes
// entries and Tail, the kernel moves Head. Queues hands it out for a
// program that writes its own submit half (tutorial step 16).
type SubmissionQueue struct {
	Head    *uint32 // written by the kernel: entries before it are taken
	Tail    *uint32 // written by this side: entries before it are published
	Mask    uint32  // len(Entries) - 1: index = counter & Mask
	Entries []SQE
}

// A CompletionQueue is the ring of completions, as mapped: the kernel
// writes entries and Tail, this side moves Head.
type CompletionQueue struct {
	Head    *uint32 // written by this side: entries before it have been read
	Tail    *uint32 // written by the kernel: entries before it are complete
	Mask    uint32
	Entries []CQE
}

// New sets up a ring with room for sqEntries requests waiting to be
// submitted and cqEntries completions waiting to be read (both powers of
// two; the kernel cuts sizes above its limits). Where io_uring cannot be
// used, the error wraps ErrUnavailable and says why.
func New(sqEntries, cqEntries uint32) (*Ring, error) {
	return setup(sqEntries, cqEntries, 0)
}

// NewOnThread is New for a goroutine locked to its thread
// (runtime.LockOSThread) that alone submits and waits, on that thread. The
// kernel then does the deferred part of completions (a recv woken by data
// does its copy there) only inside that thread's io_uring_enter, all in one
// go, rather than interrupting the thread for each (IORING_SETUP_SINGLE_ISSUER
// and IORING_SETUP_DEFER_TASKRUN, Linux 6.1). On an older kernel it is New.
// Call it on the thread that will submit: the kernel refuses any other.
func NewOnThread(sqEntries, cqEntries uint32) (*Ring, error) {
	r, err := setup(sqEntries, cqEntries, setupSingleIssuer|setupDeferTaskrun)
	if errors.Is(err, unix.EINVAL) {
		return New(sqEntries, cqEntries) // a kernel before 6.1
	}
	return r, err
}

// setup is io_uring_setup with flags, then the mappings.
func setup(sqEntries, cqEntries, flags uint32) (*Ring, error) {
	p := params{flags: setupCQSize | setupClamp | flags, cqEntries: cqEntries}
	fd, _, errno := unix.Syscall(unix.SYS_IO_URING_SETUP, uintptr(sqEntries), uintptr(unsafe.Pointer(&p)), 0)
	if errno != 0 {
		return nil, setupError(errno, readDisabledSetting)
	}
	r := &Ring{fd: int(fd)}
	r.wait.arg.ts = uint64(uintptr(unsafe.Pointer(&r.wait.timeout)))
	if err := checkFeatures(p.features); err != nil {
		r.Close()
		return nil, err
	}
	if err := r.mapQueues(&p); err != nil {
		r.Close()
		return nil, err
	}
	return r, nil
}

// Queues returns the two queues as mapped, for a program that writes its
// own NextSQE, Enter and Completion over SubmitAndWait (tutorial step 16).
// A ring is driven either by those or by its own methods, never both: each
// side keeps its own count of what it handed out.
func (r *Ring) Queues() (SubmissionQueue, CompletionQueue) { return r.sq, r.cq }

// Close unmaps the queues and closes the ring's fd. The kernel then
// cancels every request still in flight; buffers handed to them are free
// once Close returns.
func (r *Ring) Close() error {
	for _, m := range [][]byte{r.sqeArea, r.cqRing, r.sqRing} {
		if m != nil {
			unix.Munmap(m)
		}
	}
	r.sqeArea, r.cqRing, r.sqRing = nil, nil, nil
	if err := unix.Close(r.fd); err != nil {
		return os.NewSyscallError("close", err)
	}
	return nil
}

// mapQueues maps the submission ring, the completion ring and the array of
// SQEs, and finds each field at the offset the kernel gave. The submission
// ring holds an index into the SQE array per slot (so a program may submit
// entries out of order); the kit always submits in order, so slot i is set
// once, here, to point at entry i.
func (r *Ring) mapQueues(p *params) error {
	var err error
	sqSize := int(p.sqOff.array) + int(p.sqEntries)*4
	if r.sqRing, err = mmap(r.fd, offSQRing, sqSize); err != nil {
		return err
	}
	cqSize := int(p.cqOff.cqes) + int(p.cqEntries)*int(unsafe.Sizeof(CQE{}))
	if r.cqRing, err = mmap(r.fd, offCQRing, cqSize); err != nil {
		return err
	}
	if r.sqeArea, err = mmap(r.fd, offSQEs, int(p.sqEntries)*int(unsafe.Sizeof(SQE{}))); err != nil {
		return err
	}
	r.sq = SubmissionQueue{
		Head:    word(r.sqRing, p.sqOff.head),
		Tail:    word(r.sqRing, p.sqOff.tail),
		Mask:    *word(r.sqRing, p.sqOff.ringMask),
		Entries: unsafe.Slice((*SQE)(unsafe.Pointer(&r.sqeArea[0])), p.sqEntries),
	}
	r.sqNext = *r.sq.Tail
	array := unsafe.Slice(word(r.sqRing, p.sqOff.array), p.sqEntries)
	for i := range array {
		array[i] = uint32(i)
	}
	r.cq = CompletionQueue{
		Head:    word(r.cqRing, p.cqOff.head),
		Tail:    word(r.cqRing, p.cqOff.tail),
		Mask:    *word(r.cqRing, p.cqOff.ringMask),
		Entries: unsafe.Slice((*CQE)(unsafe.Pointer(&r.cqRing[p.cqOff.cqes])), p.cqEntries),
	}
	return nil
}

// mmap maps size bytes of the ring at offset, shared with the kernel.
// MAP_POPULATE faults the pages in at once, so the first requests do not.
func mmap(fd int, offset int64, size int) ([]byte, error) {
	m, err := unix.Mmap(fd, offset, size, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED|unix.MAP_POPULATE)
	if err != nil {
		return nil, os.NewSyscallError("mmap", err)
	}
	return m, nil
}

// word returns the 32-bit field at offset in a mapping.
func word(m []byte, offset uint32) *uint32 {
	return (*uint32)(unsafe.Pointer(&m[offset]))
}
