package chatroom

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestBacklogCrossesEachMarkOnce(t *testing.T) {
	l := Limits{HighWater: 100} // LowWater 25
	tests := []struct {
		name  string
		sizes []int
		stop  int // Stop before this index; -1: never
		want  []Crossing
	}{
		{"below the mark", []int{10, 100, 50}, -1, []Crossing{Steady, Steady, Steady}},
		{"fills once", []int{101, 200, 90}, -1, []Crossing{Filled, Steady, Steady}},
		{"empties at the low mark", []int{101, 26, 25, 0}, -1, []Crossing{Filled, Steady, Emptied, Steady}},
		{"fills again after emptying", []int{101, 0, 101}, -1, []Crossing{Filled, Emptied, Filled}},
		{"stopped never fills", []int{101, 500, 0}, 1, []Crossing{Filled, Steady, Steady}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b Backlog
			var got []Crossing
			for i, n := range tt.sizes {
				if i == tt.stop {
					b.Stop()
				}
				got = append(got, b.Check(n, l))
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("crossings (-want +got):\n%s", diff)
			}
		})
	}
}
