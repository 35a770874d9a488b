package chatroom

import (
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/google/go-cmp/cmp"
)

func TestLineBufferReassemblesLinesSplitAnywhere(t *testing.T) {
	stream := "alice\r\nhello there\n\n  spaced  \nlast"
	want := []string{"alice", "hello there", "", "spaced"}
	for size := 1; size <= len(stream); size++ {
		b := NewLineBuffer(100)
		var got []string
		for i := 0; i < len(stream); i += size {
			b.Write([]byte(stream[i:min(i+size, len(stream))]))
			for line, ok := b.Next(); ok; line, ok = b.Next() {
				got = append(got, line)
			}
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("chunks of %d bytes: lines (-want +got):\n%s", size, diff)
		}
	}
}

func TestLineBufferCutsLongLines(t *testing.T) {
	tests := []struct {
		name   string
		max    int
		chunks []string
		want   []string
	}{
		{"at the limit", 5, []string{"12345\n"}, []string{"12345"}},
		{"one over", 5, []string{"123456\n"}, []string{"12345"}},
		{"over in pieces", 5, []string{"123", "456", "789\nnext\n"}, []string{"12345", "next"}},
		{"no newline for long", 3, []string{"abcdefgh", "ijklmnop", "\nx\n"}, []string{"abc", "x"}},
		{"cut inside a character", 4, []string{"abcé\n"}, []string{"abc"}},
		{"whole character kept", 5, []string{"abcé\n"}, []string{"abcé"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := NewLineBuffer(tt.max)
			var got []string
			for _, c := range tt.chunks {
				b.Write([]byte(c))
				for line, ok := b.Next(); ok; line, ok = b.Next() {
					got = append(got, line)
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("lines (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLineBufferKeepsAtMostMaxOfAnUnfinishedLine(t *testing.T) {
	b := NewLineBuffer(10)
	for range 1000 {
		b.Write([]byte(strings.Repeat("x", 100)))
	}
	if got := len(b.buf); got != 10 {
		t.Errorf("after 100000 bytes without a newline the buffer holds %d bytes, want 10", got)
	}
}

func TestReadLineReadsLinesThenEOF(t *testing.T) {
	r := iotest.OneByteReader(strings.NewReader("bob\nhi\nunfinished"))
	b := NewLineBuffer(100)
	var got []string
	for {
		line, err := b.ReadLine(r)
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("ReadLine: %v", err)
		}
		got = append(got, line)
	}
	if diff := cmp.Diff([]string{"bob", "hi"}, got); diff != "" {
		t.Errorf("lines (-want +got):\n%s", diff)
	}
}

func TestReadLinePassesErrorsOn(t *testing.T) {
	b := NewLineBuffer(100)
	if _, err := b.ReadLine(iotest.ErrReader(io.ErrUnexpectedEOF)); err != io.ErrUnexpectedEOF {
		t.Errorf("ReadLine = %v, want %v", err, io.ErrUnexpectedEOF)
	}
}

func TestEscapeShowsControlsAndReplacesBadBytes(t *testing.T) {
	tests := []struct{ line, want string }{
		{"plain text, déjà vu", "plain text, déjà vu"},
		{"tab\tstays", "tab\tstays"},
		{"\x1b[2Jclear", `\x1b[2Jclear`},
		{"bell\a nul\x00 cr\r del\x7f", `bell\x07 nul\x00 cr\x0d del\x7f`},
		{"csi\u009b", `csi\x9b`},
		{"bad\xff\xfebytes", "bad\ufffdbytes"},
	}
	for _, tt := range tests {
		if got := Escape(tt.line); got != tt.want {
			t.Errorf("Escape(%q) = %q, want %q", tt.line, got, tt.want)
		}
	}
}
