package examples

import (
	"fmt"
	"syscall"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestAcceptErrorsReportedOnceASecond fails Accept as a process out of fds
// does, three times within a second and once after: one line for the
// three, counting two, and one for the last.
func TestAcceptErrorsReportedOnceASecond(t *testing.T) {
	var got []string
	s := &StreamServer{onError: func(err error) { got = append(got, err.Error()) }}
	emfile := fmt.Errorf("accept: %w", syscall.EMFILE)
	for range 3 {
		s.reportAccept(emfile)
	}
	s.reported = s.reported.Add(-reportEvery) // a second later
	s.reportAccept(emfile)
	want := []string{"accept: too many open files", "accept: too many open files (and 2 more since the last report)"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("reported (-want +got):\n%s", diff)
	}
}
