package main

import (
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/loopkit/loopkit/tutorials/internal/manifest"
)

// failure is a go test -json run of package m/c whose TestEcho fails for a
// reason other than a hole left.
const failure = `{"Action":"run","Package":"m/c","Test":"TestEcho"}
{"Action":"output","Package":"m/c","Test":"TestEcho","Output":"    echo_test.go:9: got \"he\", want \"hello\"\n"}
{"Action":"fail","Package":"m/c","Test":"TestEcho"}
{"Action":"fail","Package":"m/c"}
`

// TestReportSaysEveryWrittenStep turns make progress's lines of a run into
// the room's report: one line per written step, in the room's words.
func TestReportSaysEveryWrittenStep(t *testing.T) {
	r := newReport()
	r.read(strings.NewReader(events + failure + buildFailure))
	steps := []manifest.Step{
		{ID: "00", Status: manifest.Written},
		{ID: "01", Status: manifest.Written},
		{ID: "02", Status: manifest.Written},
		{ID: "03", Status: manifest.Written},
		{ID: "04", Status: manifest.Planned},
	}
	var lines []string
	for i, pkg := range []string{"m/a", "m/b", "m/c", "m/p", "m/d"} {
		lines = append(lines, progressLine(steps[i], r, pkg))
	}
	want := "name alice\n00 PASS\n01 TODO\n02 FAIL TestEcho\n03 FAIL build/crash\n"
	if diff := cmp.Diff(want, room{addr: "x", name: "alice"}.report(steps, lines)); diff != "" {
		t.Errorf("report of %q (-want +got):\n%s", lines, diff)
	}
}

func TestNewRoomNamesTheStudent(t *testing.T) {
	t.Setenv("USER", "bob")
	tests := []struct {
		addr, name string
		want       room
	}{
		{"", "alice", room{}},
		{"10.0.0.5:7100", "alice", room{"10.0.0.5:7100", "alice"}},
		{"10.0.0.5:7100", "", room{"10.0.0.5:7100", "bob"}},
		{"10.0.0.5:7100", " Ana\nMaría ", room{"10.0.0.5:7100", "Ana María"}},
	}
	for _, tt := range tests {
		got, err := newRoom(tt.addr, tt.name)
		if err != nil {
			t.Errorf("newRoom(%q, %q): %v", tt.addr, tt.name, err)
		}
		if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(room{})); diff != "" {
			t.Errorf("newRoom(%q, %q) (-want +got):\n%s", tt.addr, tt.name, diff)
		}
	}
	t.Setenv("USER", "")
	if _, err := newRoom("10.0.0.5:7100", ""); err == nil || !strings.Contains(err.Error(), "NAME=yourname") {
		t.Errorf("newRoom without a name or $USER = %v, want an error that says NAME=", err)
	}
}

// fakeRoom listens on loopback as loopkit room does, reads one report and
// gives answer. received waits for the report it read.
func fakeRoom(t *testing.T, answer string) (addr string, received func() string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	got := make(chan string, 1)
	go func() {
		defer close(got)
		conn, err := ln.Accept()
		if err != nil {
			return
		}
		defer conn.Close()
		conn.SetDeadline(time.Now().Add(10 * time.Second))
		report, _ := io.ReadAll(conn)
		io.WriteString(conn, answer)
		got <- string(report)
	}()
	return ln.Addr().String(), func() string { return <-got }
}

func TestSendPrintsTheRoomsAnswer(t *testing.T) {
	addr, received := fakeRoom(t, "ok: alice, steps reported: 1\n")
	var out strings.Builder
	if err := (room{addr, "alice"}).send("name alice\n00 PASS\n", &out); err != nil {
		t.Fatalf("send: %v", err)
	}
	if diff := cmp.Diff("name alice\n00 PASS\n", received()); diff != "" {
		t.Errorf("the room received (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff("sent to the room at "+addr+": ok: alice, steps reported: 1\n", out.String()); diff != "" {
		t.Errorf("send printed (-want +got):\n%s", diff)
	}
}

func TestSendSaysWhyTheReportDidNotArrive(t *testing.T) {
	refusing, _ := fakeRoom(t, "error: the room is full (2 students): ask the teacher\n")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	nobody := ln.Addr().String()
	ln.Close()
	tests := []struct {
		addr, want string
	}{
		{refusing, "progress: the room at " + refusing + " refused the report: the room is full (2 students): ask the teacher"},
		{nobody, "progress: sending to the room at " + nobody + ": dial tcp " + nobody + ": connect: connection refused"},
	}
	for _, tt := range tests {
		err := (room{tt.addr, "alice"}).send("name alice\n", io.Discard)
		if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("send to %s = %v, want an error starting %q", tt.addr, err, tt.want)
		}
	}
}
