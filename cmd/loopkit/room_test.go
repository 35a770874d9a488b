package main

import (
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/loopkit/loopkit/internal/testutil"
)

// startRoom serves a room of at most students on a loopback port, and
// returns the room and its address. The room stops when the test ends.
func startRoom(t *testing.T, students int) (*room, string) {
	t.Helper()
	r := newRoom(students, io.Discard, false, "")
	return r, serveRoom(t, r)
}

// serveRoom serves r on a loopback port until the test ends, and returns
// the address.
func serveRoom(t *testing.T, r *room) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	testutil.Go(t, func() error { r.serve(ln); return nil })
	t.Cleanup(func() { ln.Close() })
	return ln.Addr().String()
}

// sendReport sends one report to the room at addr, as make progress SEND= does,
// and returns the room's answer.
func sendReport(t *testing.T, addr, report string) string {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(testutil.Deadline())
	io.WriteString(conn, report)
	conn.(*net.TCPConn).CloseWrite()
	answer, err := io.ReadAll(conn)
	if err != nil {
		t.Fatalf("reading the room's answer to %q: %v", report, err)
	}
	return string(answer)
}

// table renders the room's table as it is now.
func (r *room) table() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return render(r.students)
}

// TestRoomShowsEveryStudentsLatestReport: three students report at once,
// then one of them again; the table has a row each, the newer report in
// place of the older.
func TestRoomShowsEveryStudentsLatestReport(t *testing.T) {
	r, addr := startRoom(t, 100)
	reports := map[string]string{
		"name alice\n00 PASS\n01 PASS\n02 FAIL TestEcho\n": "ok: alice, steps reported: 3\n",
		"name bob\n00 PASS\n01 TODO\n":                     "ok: bob, steps reported: 2\n",
		"name carol\n00 FAIL\n":                            "ok: carol, steps reported: 1\n",
	}
	var wg sync.WaitGroup
	for report, want := range reports {
		wg.Go(func() {
			if got := sendReport(t, addr, report); got != want {
				t.Errorf("the room answered %q to %q, want %q", got, report, want)
			}
		})
	}
	wg.Wait()
	if got := sendReport(t, addr, "name bob\n00 PASS\n01 PASS\n02 TODO\n"); got != "ok: bob, steps reported: 3\n" {
		t.Errorf("the room answered bob's second report with %q", got)
	}
	want := strings.Join([]string{
		"name   00 01 02  failing",
		"alice   ✓  ✓  ✗  02 TestEcho",
		"bob     ✓  ✓  ·",
		"carol   ✗        00",
		"passed  2  2  0  of 3",
		"",
	}, "\n")
	if diff := cmp.Diff(want, r.table()); diff != "" {
		t.Errorf("the table (-want +got):\n%s", diff)
	}
}

// TestRoomRefusesAMalformedReport sends reports that break the format or
// a bound: each is answered with an error line that names the line, and
// leaves the table as it was.
func TestRoomRefusesAMalformedReport(t *testing.T) {
	tests := []struct {
		name, report, want string
	}{
		{"empty", "", `error: empty report: want "name YOUR-NAME" first`},
		{"no name", "00 PASS\n", `error: line 1: want "name YOUR-NAME", got "00 PASS"`},
		{"a name of nothing printable", "name \x1b\a\n", `error: line 1: want "name YOUR-NAME", got "name \x1b\a"`},
		{"a step of one digit", "name a\n3 PASS\n", `error: line 2: step "3": want two digits, as in 03`},
		{"an unknown state", "name a\n03 pass\n", `error: line 2: step 03: state "pass": want PASS, FAIL or TODO`},
		{"too many fields", "name a\n03 FAIL TestX and more\n", `error: line 2: want "STEP PASS|FAIL|TODO [CHECK]", got "03 FAIL TestX and more"`},
		{"a step twice", "name a\n03 PASS\n03 FAIL\n", "error: line 3: step 03 twice"},
		{"a long line", "name a\n03 FAIL " + strings.Repeat("x", maxLine) + "\n04 PASS\n", "error: line 2: longer than 200 bytes"},
		{"too many steps", "name a\n" + everyStep() + "00 PASS\n", "error: line 102: more than 100 steps"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, addr := startRoom(t, 100)
			if diff := cmp.Diff(tt.want+"\n", sendReport(t, addr, tt.report)); diff != "" {
				t.Errorf("the room's answer (-want +got):\n%s", diff)
			}
			if got := r.table(); got != "no student has reported yet\n" {
				t.Errorf("after a refused report, the table is\n%s", got)
			}
		})
	}
}

// everyStep returns a line for each of the 100 steps, 00 to 99.
func everyStep() string {
	var b strings.Builder
	for i := range maxSteps {
		fmt.Fprintf(&b, "%02d PASS\n", i)
	}
	return b.String()
}

// TestRoomHoldsAtMostItsStudents: a room of two refuses a third name, and
// still takes a new report of a name it has.
func TestRoomHoldsAtMostItsStudents(t *testing.T) {
	_, addr := startRoom(t, 2)
	for _, tt := range []struct{ report, want string }{
		{"name alice\n00 PASS\n", "ok: alice, steps reported: 1\n"},
		{"name bob\n00 PASS\n", "ok: bob, steps reported: 1\n"},
		{"name carol\n00 PASS\n", "error: the room is full (2 students): ask the teacher\n"},
		{"name alice\n00 PASS\n01 PASS\n", "ok: alice, steps reported: 2\n"},
	} {
		if diff := cmp.Diff(tt.want, sendReport(t, addr, tt.report)); diff != "" {
			t.Errorf("the room's answer to %q (-want +got):\n%s", tt.report, diff)
		}
	}
}

func TestSanitizeKeepsAPrintableName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"alice", "alice"},
		{"  Ana \t María  ", "Ana María"},
		{"bob\x1b[2J\a", "bob[2J"},
		{"\xff\xfebob", "bob"},
		{strings.Repeat("é", 30), strings.Repeat("é", maxNameLen)},
	}
	for _, tt := range tests {
		if got := sanitize(tt.in, maxNameLen); got != tt.want {
			t.Errorf("sanitize(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestRenderFitsAProjector draws the room of the workshop, 25 students of
// the longest names and 14 steps: no line is wider than tableWidth, and a
// failing check too long for the line is cut.
func TestRenderFitsAProjector(t *testing.T) {
	students := map[string]report{}
	for i := range 25 {
		name := fmt.Sprintf("%02d%s", i, strings.Repeat("x", maxNameLen-2))
		steps := map[string]result{}
		for step := range 14 {
			steps[fmt.Sprintf("%02d", step)] = result{"FAIL", strings.Repeat("TestPoller/", 6)}
		}
		students[name] = report{name, steps}
	}
	lines := strings.Split(strings.TrimSuffix(render(students), "\n"), "\n")
	if len(lines) != 27 {
		t.Errorf("the table has %d lines, want 27: a header, 25 students, the count", len(lines))
	}
	for _, line := range lines {
		if n := utf8.RuneCountInString(line); n > tableWidth {
			t.Errorf("a line of %d characters, wider than %d:\n%s", n, tableWidth, line)
		}
	}
	if !strings.HasSuffix(lines[1], "00 TestPoller/TestPoller/TestPo…") {
		t.Errorf("the first student's row does not end with the cut check:\n%s", lines[1])
	}
}

// TestRoomRefusesAReportThatDoesNotEnd: a client that sends a name and
// then nothing, without ending its report, is told so when the room's
// patience runs out.
func TestRoomRefusesAReportThatDoesNotEnd(t *testing.T) {
	r := newRoom(100, io.Discard, false, "")
	r.patience = 100 * time.Millisecond
	addr := serveRoom(t, r)
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(testutil.Deadline())
	io.WriteString(conn, "name alice\n")
	answer, err := io.ReadAll(conn)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff("error: no end of the report within 100ms (end it with Ctrl-D)\n", string(answer)); diff != "" {
		t.Errorf("the room's answer (-want +got):\n%s", diff)
	}
}
