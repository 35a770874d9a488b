package timers_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/loopkit/loopkit/timers"
)

func TestNextBeatKeepsTheGridAndCountsSkippedBeats(t *testing.T) {
	due := time.Date(2024, 1, 1, 0, 0, 10, 0, time.UTC)
	const period = time.Second
	tests := []struct {
		name      string
		late      time.Duration // now - due
		wantNext  time.Duration // next - due
		wantBeats int
	}{
		{"on time", 0, time.Second, 1},
		{"late by less than a period: the next beat stays on the grid", 300 * time.Millisecond, time.Second, 1},
		{"late by just under a period", 999 * time.Millisecond, time.Second, 1},
		{"late by exactly a period: the next beat has come too", time.Second, 2 * time.Second, 2},
		{"late by 2.5 periods: two beats skipped", 2500 * time.Millisecond, 3 * time.Second, 3},
		{"a clock before due counts as due", -time.Second, time.Second, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			next, beats := timers.NextBeat(due, period, due.Add(tt.late))
			type result struct {
				Next  time.Duration
				Beats int
			}
			want := result{tt.wantNext, tt.wantBeats}
			got := result{next.Sub(due), beats}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("NextBeat(due, %v, due%+v) (-want +got):\n%s", period, tt.late, diff)
			}
		})
	}
}

func TestNextBeatPanicsOnAPeriodThatIsNotPositive(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("NextBeat with period 0 did not panic")
		}
	}()
	now := time.Now()
	timers.NextBeat(now, 0, now)
}
