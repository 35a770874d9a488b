package pollcost

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/sys/unix"
)

// TestAlwaysReadableStaysReadable checks the busy socket of Measure: both
// ends non-blocking and close-on-exec, and the first readable at every
// poll, since nobody reads its byte.
func TestAlwaysReadableStaysReadable(t *testing.T) {
	fds, err := alwaysReadable()
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(fds[0])
	defer unix.Close(fds[1])
	type flags struct{ NonBlocking, CloseOnExec bool }
	for i, fd := range fds {
		fl, err := unix.FcntlInt(uintptr(fd), unix.F_GETFL, 0)
		if err != nil {
			t.Fatal(err)
		}
		fdfl, err := unix.FcntlInt(uintptr(fd), unix.F_GETFD, 0)
		if err != nil {
			t.Fatal(err)
		}
		got := flags{fl&unix.O_NONBLOCK != 0, fdfl&unix.FD_CLOEXEC != 0}
		if diff := cmp.Diff(flags{true, true}, got); diff != "" {
			t.Errorf("end %d's flags (-want +got):\n%s", i, diff)
		}
	}
	for i := range 3 {
		pfd := []unix.PollFd{{Fd: int32(fds[0]), Events: unix.POLLIN}}
		n, err := unix.Poll(pfd, 0)
		if err != nil || n != 1 || pfd[0].Revents&unix.POLLIN == 0 {
			t.Fatalf("poll %d: %d, %v, revents %#x; want the first end readable", i+1, n, err, pfd[0].Revents)
		}
	}
}
