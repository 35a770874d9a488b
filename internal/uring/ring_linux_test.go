//go:build linux

package uring

import (
	"errors"
	"testing"
	"time"
	"unsafe"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/sys/unix"
)

// newRing sets up a ring for a test, or skips it where io_uring is
// refused (the refusal itself is TestSetupErrorSaysWhy's).
func newRing(t *testing.T, sq, cq uint32) *Ring {
	t.Helper()
	r, err := New(sq, cq)
	if errors.Is(err, ErrUnavailable) {
		t.Skip(err)
	}
	if err != nil {
		t.Fatalf("New(%d, %d) = %v", sq, cq, err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

// TestLayoutsMatchTheKernel: the kernel reads and writes these structures
// by offset; a field out of place would corrupt every request.
func TestLayoutsMatchTheKernel(t *testing.T) {
	got := map[string]uintptr{
		"SQE": unsafe.Sizeof(SQE{}), "SQE.UserData": unsafe.Offsetof(SQE{}.UserData),
		"SQE.BufIndex": unsafe.Offsetof(SQE{}.BufIndex), "SQE.Addr3": unsafe.Offsetof(SQE{}.Addr3),
		"CQE": unsafe.Sizeof(CQE{}), "params": unsafe.Sizeof(params{}), "getEventsArg": unsafe.Sizeof(getEventsArg{}),
	}
	want := map[string]uintptr{
		"SQE": 64, "SQE.UserData": 32, "SQE.BufIndex": 40, "SQE.Addr3": 48,
		"CQE": 16, "params": 120, "getEventsArg": 24,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("sizes and offsets (-want +got):\n%s", diff)
	}
}

// TestEveryRequestCompletesOnce submits more requests than the
// submission ring holds (so NextSQE runs out and Enter makes room) and
// reads every completion back with its user_data.
func TestEveryRequestCompletesOnce(t *testing.T) {
	r := newRing(t, 4, 16)
	var want, got []uint64
	for i := range uint64(10) {
		sqe := r.NextSQE()
		if sqe == nil {
			if err := r.Enter(0); err != nil {
				t.Fatalf("Enter(0) = %v", err)
			}
			if sqe = r.NextSQE(); sqe == nil {
				t.Fatal("NextSQE() = nil after Enter(0) submitted the full queue")
			}
		}
		sqe.Opcode, sqe.UserData = OpNop, i+1
		want = append(want, i+1)
	}
	if err := r.Enter(0); err != nil {
		t.Fatalf("Enter(0) = %v", err)
	}
	for {
		cqe, ok := r.Completion()
		if !ok {
			break
		}
		got = append(got, cqe.UserData)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("user_data of the completions (-want +got):\n%s", diff)
	}
}

// TestEnterWaitsForACompletion: a recv on an empty socket completes only
// when the peer writes, and Enter with a timeout returns without it.
func TestEnterWaitsForACompletion(t *testing.T) {
	r := newRing(t, 4, 8)
	pair, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { unix.Close(pair[0]); unix.Close(pair[1]) })
	buf := make([]byte, 8)
	PrepRecv(r.NextSQE(), pair[0], buf, 7)
	if err := r.Enter(time.Millisecond); err != nil {
		t.Fatalf("Enter(1ms) = %v", err)
	}
	if cqe, ok := r.Completion(); ok {
		t.Fatalf("Completion() = %+v before the peer wrote, want none", cqe)
	}
	unix.Write(pair[1], []byte("hi"))
	if err := r.Enter(-1); err != nil {
		t.Fatalf("Enter(-1) = %v", err)
	}
	cqe, ok := r.Completion()
	if diff := cmp.Diff(CQE{UserData: 7, Res: 2}, cqe); !ok || diff != "" {
		t.Fatalf("Completion() (-want +got):\n%s", diff)
	}
	if string(buf[:cqe.Res]) != "hi" {
		t.Errorf("the recv filled buf with %q, want %q", buf[:cqe.Res], "hi")
	}
}
