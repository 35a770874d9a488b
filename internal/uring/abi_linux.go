//go:build linux

package uring

// The kernel's side of the bargain, from include/uapi/linux/io_uring.h:
// the layouts of the shared structures and the numbers of the calls,
// written out because golang.org/x/sys/unix has only the system call
// numbers. Only what the kit uses is here.

// An SQE is one submission queue entry: a request, 64 bytes laid out as the
// kernel's struct io_uring_sqe. Which fields mean what depends on Opcode;
// the Prep functions fill them for each operation the kit uses.
type SQE struct {
	Opcode      uint8
	Flags       uint8 // IOSQE_*: how to run it (link, skip success, ...)
	IOPrio      uint16
	FD          int32
	Off         uint64 // file offset, or a second address
	Addr        uint64 // buffer address, or the user_data to cancel
	Len         uint32 // buffer length, or a flag word of some operations
	OpFlags     uint32 // the operation's flags: poll events, msg flags, ...
	UserData    uint64 // handed back untouched in the request's CQE
	BufIndex    uint16 // a registered buffer, or a provided buffer group
	Personality uint16
	SpliceFDIn  int32
	Addr3       uint64
	_           uint64
}

// A CQE is one completion queue entry, the kernel's struct io_uring_cqe:
// the request's UserData, its result as a system call would return it
// (a count, or a negative errno), and flags.
type CQE struct {
	UserData uint64
	Res      int32
	Flags    uint32 // CQEMore, ...
}

// CQE.Flags.
const (
	// CQEMore says the request is still in the kernel and will complete
	// again: a multishot poll request (PollMultishot) that is still armed.
	CQEMore = 1 << 1
)

// params is struct io_uring_params: what the program asks of
// io_uring_setup, and what the kernel answers (the ring sizes it chose,
// its features, and where each field of the rings lies in the mappings).
type params struct {
	sqEntries    uint32
	cqEntries    uint32
	flags        uint32
	sqThreadCPU  uint32
	sqThreadIdle uint32
	features     uint32
	wqFD         uint32
	_            [3]uint32
	sqOff        sqringOffsets
	cqOff        cqringOffsets
}

// sqringOffsets says where each field of the submission ring lies, as a
// byte offset into its mapping.
type sqringOffsets struct {
	head, tail, ringMask, ringEntries, flags, dropped, array, _ uint32
	_                                                           uint64
}

// cqringOffsets says the same of the completion ring.
type cqringOffsets struct {
	head, tail, ringMask, ringEntries, overflow, cqes, flags, _ uint32
	_                                                           uint64
}

// getEventsArg is struct io_uring_getevents_arg, which io_uring_enter
// takes with IORING_ENTER_EXT_ARG: here only for its timeout.
type getEventsArg struct {
	sigmask   uint64
	sigmaskSz uint32
	_         uint32
	ts        uint64 // address of a struct __kernel_timespec
}

// Where io_uring_setup's rings are found by mmap on the ring's fd.
const (
	offSQRing = 0
	offCQRing = 0x8000000
	offSQEs   = 0x10000000
)

// io_uring_setup flags.
const (
	setupCQSize = 1 << 3 // cqEntries is set by the program
	setupClamp  = 1 << 4 // sizes above the limit are cut to it, not refused

	setupSingleIssuer = 1 << 12 // one task submits: the kernel may skip locks
	setupDeferTaskrun = 1 << 13 // deferred work runs only in io_uring_enter
)

// Features the kit needs (params.features).
const (
	featNoDrop = 1 << 1 // a completion never lost when the CQ is full
	featExtArg = 1 << 8 // io_uring_enter takes a timeout
)

// io_uring_enter flags.
const (
	enterGetEvents = 1 << 0
	enterExtArg    = 1 << 3
)

// Operations (SQE.Opcode).
const (
	OpNop         = 0
	OpPollAdd     = 6
	OpPollRemove  = 7
	OpAccept      = 13
	OpAsyncCancel = 14
	OpRead        = 22
	OpSend        = 26
	OpRecv        = 27
)

// SQE.Flags.
const (
	// SQESkipSuccess asks for no CQE if the request succeeds: a
	// cancellation whose success nobody waits for.
	SQESkipSuccess = 1 << 6
)

// Flags of particular operations.
const (
	// cancelFD (SQE.OpFlags of OpAsyncCancel, with cancelAll) cancels
	// every request on SQE.FD, rather than the one whose user_data is
	// SQE.Addr.
	cancelAll = 1 << 0
	cancelFD  = 1 << 1
	// PollMultishot (the flags of PrepPollAdd) keeps a poll request armed
	// after it completes: it completes again at each wake-up of its fd,
	// with CQEMore set, until it is removed.
	PollMultishot = 1 << 0
	// RecvPollFirst (SQE.IOPrio of OpRecv) skips the first try of a recv
	// and waits for data at once: for a recv the program expects to find
	// nothing yet, it saves a failed attempt (Linux 5.19; older kernels
	// ignore it).
	RecvPollFirst = 1 << 0
)
