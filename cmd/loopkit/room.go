package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"net"
	"os"
	"os/signal"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/loopkit/loopkit/internal/lan"
)

// roomCommand is loopkit room: the room's progress on one screen. The
// teacher runs it and projects it; each student sends the results of make
// progress to it:
//
//	loopkit room [-addr 127.0.0.1:7100] [-students 100]
//	make progress SEND=HOST:PORT NAME=alice      (on each student's laptop)
//
// It listens on 127.0.0.1 unless told otherwise: -addr 0.0.0.0:7100 opens
// it to the room, and it prints the addresses students should use. It
// redraws one table at each report: a row per student, a column per step,
// ✓ passed, ✗ failed, · not started, and the first failing check of each
// student; a last row counts who passed each step.
//
// The wire format is lines of text, so that a report can be typed by hand
// with loopkit join. A report is one connection: a name, then one line per
// step, then end of file (Ctrl-D, or a half-close):
//
//	name alice
//	00 PASS
//	03 FAIL TestPoller/2-Readiness
//	04 TODO
//
// The room answers one line, "ok: alice, 3 steps" or "error: line 2: ...",
// and closes the connection; a report with an error changes nothing. A
// report replaces the previous one of the same name: same name, same row.
// Names are whatever the student chose, made printable and cut to 24
// characters; the room keeps nothing else, not even the sender's address.
// Every bound is a constant or a flag: students, lines, line length, the
// time a report may take, the connections served at once.
//
// The room uses Go's net, not the kit: it is the teacher's tool, which must
// work while the students' kit code is broken, and its job (a protocol,
// limits, a table) reads plainest with a goroutine per report.
func roomCommand(args []string, stdout, stderr io.Writer) int {
	addr, students, err := parseRoom(args, stderr)
	switch {
	case errors.Is(err, flag.ErrHelp):
		return 0
	case err != nil:
		fmt.Fprintf(stderr, "loopkit room: %v\n", err)
		return 2
	}
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(stop)
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		fmt.Fprintf(stderr, "loopkit room: %v\n", err)
		return 1
	}
	r := newRoom(students, stdout, isTerminal(stdout), howToSend(ln.Addr().String()))
	r.draw()
	go r.serve(ln)
	<-stop
	ln.Close()
	return 0
}

const roomUsage = `usage: loopkit room [flags]

The room's progress on one screen, a row per student, a column per step.
Each student sends theirs, from the repository, to the address it prints:

  make progress SEND=HOST:PORT NAME=yourname

-addr 0.0.0.0:7100 opens the room to the network (by default, only this
machine can send).

flags:
`

// parseRoom parses the flags of loopkit room.
func parseRoom(args []string, stderr io.Writer) (addr string, students int, err error) {
	fs := flag.NewFlagSet("loopkit room", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&addr, "addr", "127.0.0.1:7100", "the address to listen on (0.0.0.0:7100 opens it to the room)")
	fs.IntVar(&students, "students", 100, "the most students the table holds")
	fs.Usage = func() {
		fmt.Fprint(stderr, roomUsage)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return "", 0, err
	}
	switch {
	case fs.NArg() > 0:
		return "", 0, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	case students < 1:
		return "", 0, errors.New("-students must be at least 1")
	}
	return addr, students, nil
}

// howToSend is the text above the table: where the room listens, and the
// command that sends a student's progress to it, with the addresses other
// machines can use.
func howToSend(listening string) string {
	const send = "  students: make progress SEND=%s NAME=yourname\n"
	var b strings.Builder
	fmt.Fprintf(&b, "loopkit room on %s. Ctrl-C stops.\n", listening)
	addrs, err := lan.Addrs(listening)
	switch {
	case err != nil:
		fmt.Fprintf(&b, "  (%v)\n", err)
	case len(addrs) == 0:
		fmt.Fprintf(&b, send, listening)
		b.WriteString("  only this machine can send: -addr 0.0.0.0:PORT opens the room to the network\n")
	}
	for _, a := range addrs {
		fmt.Fprintf(&b, send, a)
	}
	return b.String()
}

// isTerminal reports whether w is a terminal, where the table is redrawn
// in place; elsewhere (a file, a pipe, a test) each table follows the last.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}

// The room's bounds. A report is at most maxSteps+1 lines of maxLine
// bytes, and takes at most reportTime (the room's patience); at most
// maxReporting reports are read at once, the others wait in the listener's
// backlog.
const (
	maxNameLen   = 24  // characters of a student's name
	maxCheckLen  = 64  // characters of a check's name
	maxLine      = 200 // bytes of a line
	maxSteps     = 100 // lines of steps in a report: step ids have two digits
	maxReporting = 32
	reportTime   = 10 * time.Second
)

// A room is the table of the students' reports, and the server that fills
// it.
type room struct {
	// set by newRoom
	max      int           // students
	out      io.Writer     // where the table is drawn
	clear    bool          // out is a terminal: clear it before each table
	header   string        // the lines above the table
	patience time.Duration // how long a report may take: reportTime

	mu       sync.Mutex // guards students, and out: two tables never interleave
	students map[string]report
}

// A report is what one student sent: a name and the steps' results, by
// step id ("03").
type report struct {
	name  string
	steps map[string]result
}

// A result is one step of a report: its state, PASS, FAIL or TODO (not
// started), and the first failing check, if any.
type result struct {
	state, check string
}

func newRoom(students int, out io.Writer, clear bool, header string) *room {
	return &room{max: students, out: out, clear: clear, header: header, patience: reportTime, students: map[string]report{}}
}

// serve reads reports from ln, each on a goroutine of its own, at most
// maxReporting at once, until ln is closed.
func (r *room) serve(ln net.Listener) {
	slots := make(chan struct{}, maxReporting)
	for {
		slots <- struct{}{}
		conn, err := ln.Accept()
		if err != nil {
			return
		}
		go func() {
			r.handle(conn)
			<-slots
		}()
	}
}

// handle reads one report, records it, and answers one line.
func (r *room) handle(conn net.Conn) {
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(r.patience))
	rep, err := readReport(conn)
	if errors.Is(err, os.ErrDeadlineExceeded) {
		err = fmt.Errorf("no end of the report within %v (end it with Ctrl-D)", r.patience)
	}
	if err == nil {
		err = r.record(rep)
	}
	if err != nil {
		refuse(conn, err)
		return
	}
	fmt.Fprintf(conn, "ok: %s, steps reported: %d\n", rep.name, len(rep.steps))
	r.draw()
}

// refuse answers err and closes the sending side, then reads what the
// client still sends, up to a bound: closing a socket with unread data
// sends a reset, which can destroy the error line before the client
// reads it. The answer has a second of its own: the report's time may be
// what ran out.
func refuse(conn net.Conn, err error) {
	conn.SetDeadline(time.Now().Add(time.Second))
	fmt.Fprintf(conn, "error: %v\n", err)
	if tcp, ok := conn.(*net.TCPConn); ok {
		tcp.CloseWrite()
	}
	io.Copy(io.Discard, io.LimitReader(conn, (maxSteps+1)*maxLine))
}

// readReport reads a report up to end of file, and refuses it with the
// first line that breaks the format or a bound.
func readReport(conn io.Reader) (report, error) {
	lines := bufio.NewScanner(conn)
	lines.Buffer(make([]byte, maxLine), maxLine)
	rep := report{steps: map[string]result{}}
	n := 0
	for ; lines.Scan(); n++ {
		var err error
		if n == 0 {
			rep.name, err = parseName(lines.Text())
		} else {
			err = rep.parseStep(lines.Text())
		}
		if err != nil {
			return report{}, fmt.Errorf("line %d: %w", n+1, err)
		}
	}
	switch err := lines.Err(); {
	case errors.Is(err, bufio.ErrTooLong):
		return report{}, fmt.Errorf("line %d: longer than %d bytes", n+1, maxLine)
	case err != nil:
		return report{}, fmt.Errorf("line %d: %w", n+1, err)
	case n == 0:
		return report{}, errors.New(`empty report: want "name YOUR-NAME" first`)
	}
	return rep, nil
}

// parseName reads the first line, "name alice".
func parseName(line string) (string, error) {
	text, ok := strings.CutPrefix(line, "name ")
	name := sanitize(text, maxNameLen)
	if !ok || name == "" {
		return "", fmt.Errorf(`want "name YOUR-NAME", got %q`, line)
	}
	return name, nil
}

// parseStep reads a step's line, "03 FAIL TestPoller/2-Readiness".
func (rep *report) parseStep(line string) error {
	fields := strings.Fields(line)
	switch {
	case len(fields) < 2 || len(fields) > 3:
		return fmt.Errorf(`want "STEP PASS|FAIL|TODO [CHECK]", got %q`, line)
	case len(rep.steps) == maxSteps:
		return fmt.Errorf("more than %d steps", maxSteps)
	case len(fields[0]) != 2 || !isDigit(fields[0][0]) || !isDigit(fields[0][1]):
		return fmt.Errorf("step %q: want two digits, as in 03", fields[0])
	case fields[1] != "PASS" && fields[1] != "FAIL" && fields[1] != "TODO":
		return fmt.Errorf("step %s: state %q: want PASS, FAIL or TODO", fields[0], fields[1])
	}
	if _, seen := rep.steps[fields[0]]; seen {
		return fmt.Errorf("step %s twice", fields[0])
	}
	res := result{state: fields[1]}
	if len(fields) == 3 {
		res.check = sanitize(fields[2], maxCheckLen)
	}
	rep.steps[fields[0]] = res
	return nil
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// sanitize keeps the printable characters of s, with runs of spaces made
// one, and at most max of them: what a student sends cannot move the
// cursor, ring the bell or push the table off the screen.
func sanitize(s string, max int) string {
	return firstRunes(strings.Join(strings.Fields(strings.Map(printable, s)), " "), max)
}

// firstRunes returns the first n characters of s.
func firstRunes(s string, n int) string {
	for i := range s {
		if n == 0 {
			return s[:i]
		}
		n--
	}
	return s
}

// printable is s's rune, if printable, or -1 to drop it; a tab becomes a
// space.
func printable(c rune) rune {
	switch {
	case c == '\t':
		return ' '
	case c == utf8.RuneError || !unicode.IsPrint(c):
		return -1
	}
	return c
}

// record puts rep in the table, in place of the previous report of the
// same name. A new name is refused when the room is full.
func (r *room) record(rep report) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, known := r.students[rep.name]; !known && len(r.students) >= r.max {
		return fmt.Errorf("the room is full (%d students): ask the teacher", r.max)
	}
	r.students[rep.name] = rep
	return nil
}

// draw prints the header and the table.
func (r *room) draw() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.clear {
		io.WriteString(r.out, "\x1b[H\x1b[2J") // cursor home, clear the screen
	} else {
		io.WriteString(r.out, "\n")
	}
	io.WriteString(r.out, r.header+"\n"+render(r.students))
}

// tableWidth is the widest line of the table: a projector shows about 100
// columns legibly. 24 characters of name and 14 steps take 68; the first
// failing check gets what is left.
const tableWidth = 100

// render draws the table: a row per student, in the order of names, a
// column per step that anyone reported, the first failing check; and a
// last row that counts who passed each step.
//
//	name    00 01 02  failing
//	alice    ✓  ✗  ·  01 TestEcho
//	bob      ✓  ✓  ✓
//	passed   2  1  1  of 2
func render(students map[string]report) string {
	if len(students) == 0 {
		return "no student has reported yet\n"
	}
	steps := stepsOf(students)
	names := slices.Sorted(maps.Keys(students))
	width := utf8.RuneCountInString("passed")
	for _, name := range names {
		width = max(width, utf8.RuneCountInString(name))
	}
	var b strings.Builder
	b.WriteString(row(pad("name", width), steps, func(step string) string { return step }, "failing"))
	for _, name := range names {
		rep := students[name]
		failing := cut(firstFailing(rep, steps), tableWidth-width-3*len(steps)-2)
		b.WriteString(row(pad(name, width), steps, func(step string) string { return cell(rep.steps[step]) }, failing))
	}
	passed := func(step string) string { return fmt.Sprint(countPassed(students, step)) }
	b.WriteString(row(pad("passed", width), steps, passed, fmt.Sprintf("of %d", len(students))))
	return b.String()
}

// stepsOf returns the steps anyone reported, in order.
func stepsOf(students map[string]report) []string {
	seen := map[string]bool{}
	for _, rep := range students {
		for step := range rep.steps {
			seen[step] = true
		}
	}
	return slices.Sorted(maps.Keys(seen))
}

// row is a line of the table: its label, a cell of three columns per
// step, and the text at the end.
func row(label string, steps []string, cellOf func(step string) string, end string) string {
	var b strings.Builder
	b.WriteString(label)
	for _, step := range steps {
		c := cellOf(step)
		b.WriteString(strings.Repeat(" ", 3-utf8.RuneCountInString(c)) + c)
	}
	b.WriteString("  " + end)
	return strings.TrimRight(b.String(), " ") + "\n"
}

// cell is the mark of a step's result: blank if not reported.
func cell(res result) string {
	switch res.state {
	case "PASS":
		return "✓"
	case "FAIL":
		return "✗"
	case "TODO":
		return "·"
	}
	return ""
}

// firstFailing is "03 TestPoller/2-Readiness": the first step that failed
// and its check, or "".
func firstFailing(rep report, steps []string) string {
	for _, step := range steps {
		if res := rep.steps[step]; res.state == "FAIL" {
			return strings.TrimSpace(step + " " + res.check)
		}
	}
	return ""
}

func countPassed(students map[string]report, step string) int {
	n := 0
	for _, rep := range students {
		if rep.steps[step].state == "PASS" {
			n++
		}
	}
	return n
}

// pad fills s with spaces to width characters.
func pad(s string, width int) string {
	return s + strings.Repeat(" ", width-utf8.RuneCountInString(s))
}

// cut shortens s to width characters, marking the cut with "…".
func cut(s string, width int) string {
	if utf8.RuneCountInString(s) <= width {
		return s
	}
	if width < 1 {
		return ""
	}
	return firstRunes(s, width-1) + "…"
}
