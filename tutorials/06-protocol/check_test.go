package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/loopkit/loopkit/tutorials/internal/steptest"
	"github.com/loopkit/loopkit/tutorials/internal/todo"
)

// The checks of step 06. go test ./tutorials/06-protocol checks your
// LineProtocol; LOOPKIT_IMPL=solution checks the reference. The first two
// need no network: they call the protocol's methods as a transport would,
// with a fake one (protocol.Transport is an interface for that). The
// others run it on the kit's loop, behind protocol.Serve, with Go's net as
// the peer.

// splitStream is a few lines as a client sends them: telnet's "\r\n", an
// empty line, a line with spaces.
const splitStream = "alice\r\nhello, there\n\nsplit anywhere\n"

var splitLines = []string{"alice", "hello, there", "", "split anywhere"}

// TestLineSplits delivers splitStream cut in every way: in chunks of every
// size, and in two or three pieces cut at every pair of places. Each time
// the handler must get the same four lines. After each DataReceived the
// chunk's bytes are overwritten, as the transport reuses its read buffer:
// what the protocol keeps, it must copy.
func TestLineSplits(t *testing.T) {
	steptest.CheckLeaks(t)
	defer hintOnFailure(t)
	newProtocol := steptest.Impl(t, impls)
	var cuts [][]string
	n := len(splitStream)
	for size := 1; size <= n; size++ {
		var pieces []string
		for i := 0; i < n; i += size {
			pieces = append(pieces, splitStream[i:min(i+size, n)])
		}
		cuts = append(cuts, pieces)
	}
	for i := 1; i < n; i++ {
		for j := i; j < n; j++ {
			cuts = append(cuts, slicesOf(splitStream, i, j))
		}
	}
	for _, pieces := range cuts {
		got, problem := deliver(newProtocol, 64, pieces)
		if problem != "" {
			t.Fatalf("delivering %q: %s", pieces, problem)
		}
		if diff := cmp.Diff(splitLines, got); diff != "" {
			t.Fatalf("delivered in %d chunks %q: the lines the handler got (-want +got):\n%s"+
				"a line cut between two chunks must be put back together", len(pieces), pieces, diff)
		}
	}
}

// slicesOf cuts s at i and j (i <= j), leaving out an empty middle piece.
func slicesOf(s string, i, j int) []string {
	if i == j {
		return []string{s[:i], s[i:]}
	}
	return []string{s[:i], s[i:j], s[j:]}
}

// deliver makes a protocol with a lineRecorder and a fake transport, hands
// it the chunks one DataReceived each, and returns the lines it handed on.
// Each chunk is given in a buffer that is scribbled over afterwards.
func deliver(newProtocol newProtocolFunc, maxLine int, chunks []string) (lines []string, problem string) {
	rec := &lineRecorder{}
	problem = todo.Catch(func() {
		p := newProtocol(rec, maxLine, 8)
		p.ConnectionMade(&fakeTransport{})
		buf := make([]byte, 0, 64<<10)
		for _, c := range chunks {
			buf = append(buf[:0], c...)
			p.DataReceived(buf)
			copy(buf, bytes.Repeat([]byte{'#'}, len(buf)))
		}
	})
	return rec.lines, problem
}

// TestLongLineCut sends lines longer than maxLine: the handler gets the
// first maxLine bytes of each, and the protocol never holds more than that
// of an unfinished line, even from a peer that sends a mebibyte and no
// "\n" at all.
func TestLongLineCut(t *testing.T) {
	steptest.CheckLeaks(t)
	defer hintOnFailure(t)
	newProtocol := steptest.Impl(t, impls)
	const maxLine = 16
	tests := []struct {
		name   string
		chunks []string
		want   []string
	}{
		{"AtTheLimit", []string{"0123456789abcdef\n"}, []string{"0123456789abcdef"}},
		{"OneOver", []string{"0123456789abcdefg\n"}, []string{"0123456789abcdef"}},
		{"OverInPieces", []string{"0123456789", "abcdefgh", "ijk\nnext\n"}, []string{"0123456789abcdef", "next"}},
		{"CutThenShort", []string{strings.Repeat("y", 40) + "\nok\n"}, []string{strings.Repeat("y", maxLine), "ok"}},
	}
	for _, tt := range tests {
		got, problem := deliver(newProtocol, maxLine, tt.chunks)
		if problem != "" {
			t.Fatalf("%s: %s", tt.name, problem)
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s: chunks %q with maxLine %d: the lines the handler got (-want +got):\n%s",
				tt.name, tt.chunks, maxLine, diff)
		}
	}

	rec := &lineRecorder{}
	if problem := todo.Catch(func() {
		p := newProtocol(rec, maxLine, 8)
		p.ConnectionMade(&fakeTransport{})
		chunk := bytes.Repeat([]byte{'x'}, 4<<10)
		for sent := 0; sent < steptest.MiB; sent += len(chunk) {
			p.DataReceived(chunk)
			if held := p.Partial(); held > maxLine {
				t.Fatalf("after %d bytes without a \"\\n\", the protocol holds %d bytes of the unfinished line (Partial), "+
					"want at most maxLine = %d: a peer that never ends its line must not fill the server's memory",
					sent+len(chunk), held, maxLine)
			}
		}
		p.DataReceived([]byte("\nok\n"))
	}); problem != "" {
		t.Fatal(problem)
	}
	if diff := cmp.Diff([]string{strings.Repeat("x", maxLine), "ok"}, rec.lines); diff != "" {
		t.Errorf("a mebibyte without \"\\n\", then \"\\nok\\n\": the lines the handler got (-want +got):\n%s", diff)
	}
}

// hintOnFailure points at the hints when the test failed.
func hintOnFailure(t *testing.T) {
	if t.Failed() {
		t.Log("stuck? tutorials/06-protocol/hints.md quotes each check's message, with three hints per method")
	}
}
