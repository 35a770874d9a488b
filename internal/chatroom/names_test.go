package chatroom

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestCheckName(t *testing.T) {
	type result struct {
		Name, Reply string
		OK          bool
	}
	tests := []struct {
		line string
		want result
	}{
		{"alice", result{"alice", "", true}},
		{"  bob \r", result{"bob", "", true}},
		{"Ann Smith", result{"Ann Smith", "", true}},
		{"", result{"", "", false}},
		{"   ", result{"", "", false}},
		{"0123456789", result{"0123456789", "", true}},
		{"0123456789x", result{"", NameInvalid(10), false}},
		{"eve\x1b[2J", result{"", NameInvalid(10), false}},
		{"zoë", result{"zoë", "", true}},
		{"bad\xffname", result{"", NameInvalid(10), false}},
		{"csi\u009b", result{"", NameInvalid(10), false}},
	}
	for _, tt := range tests {
		name, reply, ok := CheckName(tt.line, 10)
		if diff := cmp.Diff(tt.want, result{name, reply, ok}); diff != "" {
			t.Errorf("CheckName(%q, 10) (-want +got):\n%s", tt.line, diff)
		}
	}
}
