package chatroom

import (
	"errors"
	"fmt"
	"io"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestReporterSaysOneLineASecondAndCountsTheRest(t *testing.T) {
	var got []string
	r := NewReporter(func(err error) { got = append(got, err.Error()) })
	start := time.Unix(1000, 0)
	refused := errors.New("select: fd 1030 is at or above FD_SETSIZE (1024)")
	r.Report(start, "10.0.0.1:1", refused)
	r.Report(start.Add(time.Millisecond), "10.0.0.2:2", refused)
	r.Report(start.Add(2*time.Millisecond), "10.0.0.3:3", refused)
	r.Report(start.Add(3*time.Millisecond), "10.0.0.4:4", fmt.Errorf("read: %w", syscall.ECONNRESET))
	r.Report(start.Add(4*time.Millisecond), "10.0.0.5:5", io.EOF)
	r.Report(start.Add(time.Second), "10.0.0.6:6", refused)
	want := []string{
		"chat: could not serve 10.0.0.1:1: select: fd 1030 is at or above FD_SETSIZE (1024)",
		"chat: could not serve 10.0.0.6:6: select: fd 1030 is at or above FD_SETSIZE (1024) (and 2 more since the last report)",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("reported (-want +got):\n%s", diff)
	}
}
