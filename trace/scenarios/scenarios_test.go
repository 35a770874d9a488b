package scenarios

import (
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/loopkit/loopkit/internal/testutil"
)

// TestRunsAtOnceDrawWhatARunAloneDraws starts runs of the echo and chat
// scenarios at once and compares the events of each with those of a run
// alone: runs take turns, so one does not take fd numbers from another,
// which would change the order the recorder lists the fds in.
func TestRunsAtOnceDrawWhatARunAloneDraws(t *testing.T) {
	testutil.ForEachBackend(t, func(t *testing.T, backend string) {
		for _, name := range []string{"echo", "chat"} {
			sc, err := Lookup(name)
			if err != nil {
				t.Fatal(err)
			}
			for _, style := range sc.Styles {
				opts := Options{Style: style, Backend: backend}
				alone, err := runBounded(t, sc, opts)
				if err != nil {
					t.Fatal(err)
				}
				var runs sync.WaitGroup
				for range 3 {
					runs.Go(func() {
						got, err := sc.Run(opts)
						if err != nil {
							t.Errorf("%s: %v", got.Title, err)
						}
						if diff := cmp.Diff(alone.Events, got.Events); diff != "" {
							t.Errorf("%s: events of a run among others (-alone +among others):\n%s", got.Title, diff)
						}
					})
				}
				runs.Wait()
			}
		}
	})
}
