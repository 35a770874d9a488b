package main

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"time"

	"github.com/loopkit/loopkit/tutorials/internal/manifest"
)

// A room is where make progress SEND=HOST:PORT sends a student's progress:
// loopkit room, on the teacher's machine, which shows every student's on
// one screen. The zero room sends nothing.
//
// The wire format is loopkit room's (see roomCommand in cmd/loopkit): one
// connection per report, a line "name NAME", then a line per written step,
// "03 PASS", "03 FAIL TestPoller/2-Readiness" or "03 TODO" (not started),
// then end of file; the room answers one line, "ok: ..." or "error: ...".
// Only the name the student chose leaves the machine.
type room struct {
	addr, name string
}

// roomTime bounds a report: connecting, sending, and the room's answer. A
// room that does not answer, or an address of nobody, is said in seconds.
const roomTime = 5 * time.Second

// newRoom is the room at addr, with the name the student chose or, if
// none, the login name ($USER). An empty addr is the zero room.
func newRoom(addr, name string) (room, error) {
	if addr == "" {
		return room{}, nil
	}
	if name == "" {
		name = os.Getenv("USER")
	}
	name = strings.Join(strings.Fields(name), " ") // a newline would end the line early
	if name == "" {
		return room{}, fmt.Errorf("progress: which name should the room show? make progress SEND=%s NAME=yourname", addr)
	}
	return room{addr: addr, name: name}, nil
}

// report turns the lines of make progress into the room's report. A step
// not written yet is left out.
func (rm room) report(steps []manifest.Step, lines []string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "name %s\n", rm.name)
	for i, s := range steps {
		if wire, ok := wireLine(s.ID, lines[i]); ok {
			b.WriteString(wire + "\n")
		}
	}
	return b.String()
}

// wireLine turns a step's line of make progress (progressLine) into the
// room's: "FAIL  TestEcho" becomes "01 FAIL TestEcho". A step that does not
// build or crashed fails check "build/crash"; ok is false for a step not
// written yet.
func wireLine(id, progress string) (line string, ok bool) {
	switch {
	case progress == "PASS":
		return id + " PASS", true
	case strings.HasPrefix(progress, "TODO"):
		return id + " TODO", true
	case strings.HasPrefix(progress, "FAIL ("):
		return id + " FAIL build/crash", true
	case strings.HasPrefix(progress, "FAIL"):
		return strings.TrimSpace(id + " FAIL " + strings.TrimSpace(strings.TrimPrefix(progress, "FAIL"))), true
	}
	return "", false
}

// send sends report to the room, and prints the room's answer to out. It
// does nothing for the zero room.
func (rm room) send(report string, out io.Writer) error {
	if rm.addr == "" {
		return nil
	}
	conn, err := net.DialTimeout("tcp", rm.addr, roomTime)
	if err != nil {
		return fmt.Errorf("progress: sending to the room at %s: %w\n  is loopkit room running there, opened with -addr 0.0.0.0:PORT?", rm.addr, err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(roomTime))
	if _, err := io.WriteString(conn, report); err != nil {
		return fmt.Errorf("progress: sending to the room at %s: %w", rm.addr, err)
	}
	conn.(*net.TCPConn).CloseWrite() // end of the report
	answer, err := bufio.NewReader(io.LimitReader(conn, 1024)).ReadString('\n')
	if err != nil {
		return fmt.Errorf("progress: the room at %s did not answer: %w", rm.addr, err)
	}
	if refusal, refused := strings.CutPrefix(answer, "error: "); refused {
		return fmt.Errorf("progress: the room at %s refused the report: %s", rm.addr, strings.TrimSpace(refusal))
	}
	fmt.Fprintf(out, "sent to the room at %s: %s", rm.addr, answer)
	return nil
}
