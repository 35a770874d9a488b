package main

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestEchoCellShowsMedianAndRange checks the cells of compare's echo
// table: the median of the rounds' rates and their range, in thousands.
func TestEchoCellShowsMedianAndRange(t *testing.T) {
	tests := []struct {
		name  string
		rates []float64
		want  string
	}{
		{"one round", []float64{74182}, "74.2k (74.2–74.2k)"},
		{"odd count, the middle one", []float64{96000, 48000, 91642}, "91.6k (48.0–96.0k)"},
		{"even count, the mean of the middle two", []float64{40000, 10000, 30000, 20000}, "25.0k (10.0–40.0k)"},
		{"below a thousand", []float64{820, 900, 1310}, "0.9k (0.8–1.3k)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rounds := make([]echoRun, len(tt.rates))
			for i, rate := range tt.rates {
				rounds[i].PerSecond = rate
			}
			got := echoCell(summarizeRounds(rounds), true)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("echoCell of rates %v (-want +got):\n%s", tt.rates, diff)
			}
		})
	}
}

// TestSummarizeRoundsKeepsTheMedianRound checks that the figures beside
// the rate (latency, CPU) are those of the median round, and that a failed
// round stands for all.
func TestSummarizeRoundsKeepsTheMedianRound(t *testing.T) {
	rounds := []echoRun{
		{echoFigures: echoFigures{PerSecond: 90, P50us: 1}},
		{echoFigures: echoFigures{PerSecond: 50, P50us: 2}},
		{echoFigures: echoFigures{PerSecond: 70, P50us: 3}},
	}
	want := echoRun{echoFigures: echoFigures{PerSecond: 70, P50us: 3}, Rounds: spread{Median: 70, Min: 50, Max: 90}}
	if diff := cmp.Diff(want, summarizeRounds(rounds), cmp.AllowUnexported(echoRun{})); diff != "" {
		t.Errorf("summarizeRounds (-want +got):\n%s", diff)
	}
	rounds[1].Error = "connection 3: read: EOF"
	if got := summarizeRounds(rounds); got.Error == "" {
		t.Errorf("summarizeRounds with a failed round = %+v, want that round's error", got)
	}
}
