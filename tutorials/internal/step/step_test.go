package step

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// exercise writes a skeleton's source into a temporary exercise/
// directory, beside an empty solution/, and returns the directory.
func exercise(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "exercise")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(filepath.Dir(dir), "solution"), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

const (
	finished = "package x\n\nfunc Echo() {}\n"
	twoHoles = "package x\n\nfunc Echo() {\n\tpanic(\"TODO(step01): Echo: read\")\n}\n\nfunc WriteAll() {\n\tpanic(\"TODO(step01): WriteAll\")\n}\n"
)

func TestFirstHole(t *testing.T) {
	for _, tc := range []struct {
		name  string
		files map[string]string
		want  string
	}{
		{"finished", map[string]string{"echo.go": finished}, ""},
		{"the first of two", map[string]string{"echo.go": twoHoles}, "TODO(step01) in exercise/echo.go:4, in Echo"},
		{"the first file's", map[string]string{"b.go": twoHoles, "a.go": "package x\n\nfunc A() { panic(\"TODO(step01): A\") }\n"},
			"TODO(step01) in exercise/a.go:3, in A"},
		{"built with Sprintf", map[string]string{"s.go": "package x\n\nimport \"fmt\"\n\nfunc Serve(fd int) {\n\tpanic(fmt.Sprintf(\"TODO(step02): Serve: fd %d\", fd))\n}\n"},
			"TODO(step02) in exercise/s.go:6, in Serve"},
		{"built with +", map[string]string{"c.go": "package x\n\nfunc Close() {\n\tpanic(\"TODO(step13): Close: \" +\n\t\t\"more\")\n}\n"},
			"TODO(step13) in exercise/c.go:4, in Close"},
		{"a comment is a mistake to fix, not a hole", map[string]string{"m.go": "package x\n\nfunc lookup() {\n\t// TODO(step10): lookup: blocks\n}\n"}, ""},
		{"another panic", map[string]string{"p.go": "package x\n\nfunc f() { panic(\"select: bad fd\") }\n"}, ""},
		{"tests do not count", map[string]string{"x_test.go": twoHoles, "echo.go": finished}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, firstHole(exercise(t, tc.files))); diff != "" {
				t.Errorf("firstHole (-want +got):\n%s", diff)
			}
		})
	}
	if got := firstHole(filepath.Join(t.TempDir(), "none")); got != "" {
		t.Errorf("firstHole of a missing directory = %q, want \"\"", got)
	}
}

// TestRunChoosesTheVersion runs a program with each combination that
// matters, and compares the version its body got and what it printed
// before the body ran.
func TestRunChoosesTheVersion(t *testing.T) {
	const notice = "your exercise is not finished yet (TODO(step01) in exercise/echo.go:4, in Echo); showing the reference solution\n\n"
	const note = "note: your exercise is not finished yet (TODO(step01) in exercise/echo.go:4, in Echo): it will stop there. -ref runs the reference.\n"
	const studentNotice = "your exercise is not finished yet (TODO(step01) in exercise/echo.go:4, in Echo): the demo runs it, and will stop there\n\n"
	for _, tc := range []struct {
		name      string
		source    string
		args      []string
		student   bool // the student edition: no solution/
		impl, out string
	}{
		{"the exercise", finished, nil, false, "exercise", ""},
		{"-ref", twoHoles, []string{"-ref"}, false, "solution", ""},
		{"-demo on a finished exercise", finished, []string{"-demo"}, false, "exercise", ""},
		{"-demo on an unfinished exercise falls back", twoHoles, []string{"-demo"}, false, "solution", notice},
		{"the server on an unfinished exercise runs it", twoHoles, nil, false, "exercise", note},
		{"student edition: -demo on an unfinished exercise runs it", twoHoles, []string{"-demo"}, true, "exercise", studentNotice},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := New("01-blocking", "127.0.0.1:7001")
			p.exerciseDir = exercise(t, map[string]string{"echo.go": tc.source})
			if tc.student {
				os.Remove(filepath.Join(filepath.Dir(p.exerciseDir), "solution"))
			}
			var out strings.Builder
			var got Run
			if err := p.Run(tc.args, &out, func(r Run) error { got = r; return nil }); err != nil {
				t.Fatalf("Run(%q): %v", tc.args, err)
			}
			if diff := cmp.Diff(tc.impl, got.Impl); diff != "" {
				t.Errorf("Run(%q) ran (-want +got):\n%s", tc.args, diff)
			}
			if diff := cmp.Diff(tc.out, out.String()); diff != "" {
				t.Errorf("Run(%q) printed (-want +got):\n%s", tc.args, diff)
			}
		})
	}
}

// TestRefInTheStudentEdition: without solution/, -ref says why there is
// no reference, and runs nothing.
func TestRefInTheStudentEdition(t *testing.T) {
	p := New("01-blocking", "127.0.0.1:7001")
	p.exerciseDir = exercise(t, map[string]string{"echo.go": twoHoles})
	os.Remove(filepath.Join(filepath.Dir(p.exerciseDir), "solution"))
	err := p.Run([]string{"-ref"}, &strings.Builder{}, func(Run) error {
		t.Error("-ref ran the body")
		return nil
	})
	if err == nil || !strings.Contains(err.Error(), "not in this edition") {
		t.Errorf("Run(-ref) without solution/ = %v, want an error saying the reference is not in this edition", err)
	}
}

// TestRunParsesEveryFlag gives the shared flags and a step's own.
func TestRunParsesEveryFlag(t *testing.T) {
	p := New("03-select", "127.0.0.1:7003")
	p.exerciseDir = exercise(t, map[string]string{"poller.go": finished})
	p.AddTrace("print every Wait")
	clients := p.Int("clients", 100, "-demo: how many clients")
	var got Run
	err := p.Run([]string{"-ref", "-demo", "-trace", "-addr", "127.0.0.1:0", "-clients", "3"}, &strings.Builder{},
		func(r Run) error { got = r; return nil })
	if err != nil {
		t.Fatal(err)
	}
	want := Run{Addr: "127.0.0.1:0", Impl: "solution", Demo: true, Trace: true, step: "03-select", root: p.root}
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(Run{}), cmpopts.IgnoreFields(Run{}, "Out")); diff != "" {
		t.Errorf("Run (-want +got):\n%s", diff)
	}
	if *clients != 3 {
		t.Errorf("-clients = %d, want 3", *clients)
	}
}

// TestRunWordsATODOPanic: a hole that panics in the body, on the goroutine
// of Run, becomes an error that names it.
func TestRunWordsATODOPanic(t *testing.T) {
	p := New("03-select", "127.0.0.1:7003")
	err := p.Run([]string{"-addr", "127.0.0.1:0"}, &strings.Builder{}, func(Run) error {
		panic("TODO(step03): Register: keep ev")
	})
	if err == nil || !strings.Contains(err.Error(), "is not implemented yet (TODO(step03)") {
		t.Errorf("Run of a body that panics with a TODO = %v, want an error naming the hole", err)
	}
}

func TestListenErrorNamesTheStep(t *testing.T) {
	r := Run{step: "03-select"}
	got := r.ListenError(os.ErrExist).Error()
	if !strings.Contains(got, "is step 03 still running") {
		t.Errorf("ListenError = %q, want it to ask whether step 03 still runs", got)
	}
}

// TestListeningSaysHowOtherMachinesJoin: a server on loopback is for this
// machine only; one on another address is joined there.
func TestListeningSaysHowOtherMachinesJoin(t *testing.T) {
	const try = "  try: go run ./tutorials/08-toolkit -demo -addr 127.0.0.1:0\n"
	tests := []struct{ addr, want string }{
		{"127.0.0.1:7008", "listening on 127.0.0.1:7008, the chat. Ctrl-C stops.\n" + try},
		{"10.0.0.5:7008", "listening on 10.0.0.5:7008, the chat. Ctrl-C stops.\n" + try +
			"  from another machine: go run ./cmd/loopkit join 10.0.0.5:7008\n"},
	}
	for _, tt := range tests {
		var out strings.Builder
		Run{Out: &out, step: "08-toolkit"}.Listening(tt.addr, "the chat")
		if diff := cmp.Diff(tt.want, out.String()); diff != "" {
			t.Errorf("Listening(%s) (-want +got):\n%s", tt.addr, diff)
		}
	}
}

// TestServeFlag gives -serve a program the step has, one it has not, and
// one with -demo.
func TestServeFlag(t *testing.T) {
	tests := []struct {
		args           []string
		serve, wantErr string
	}{
		{[]string{"-serve", "chat"}, "chat", ""},
		{nil, "", ""},
		{[]string{"-serve", "ftp"}, "", `-serve: unknown program "ftp" (choose one of: echo, chat)`},
		{[]string{"-serve", "echo", "-demo"}, "", "-serve and -demo: choose one"},
	}
	for _, tt := range tests {
		p := New("03-select", "127.0.0.1:7003")
		p.exerciseDir = exercise(t, map[string]string{"poller.go": finished})
		p.AddServe("serve it", "echo", "chat")
		var got string
		err := p.Run(tt.args, &strings.Builder{}, func(r Run) error { got = r.Serve; return nil })
		switch {
		case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
			t.Errorf("Run(%q) = %v, want an error with %q", tt.args, err, tt.wantErr)
		case tt.wantErr == "" && (err != nil || got != tt.serve):
			t.Errorf("Run(%q): Serve %q, %v; want %q", tt.args, got, err, tt.serve)
		}
	}
}

// TestFirstFailureQuotesTheCheckToFixFirst: of go test's output, the
// first check that failed itself, not the parents that failed with it.
func TestFirstFailureQuotesTheCheckToFixFirst(t *testing.T) {
	const out = `--- FAIL: TestPoller (0.00s)
    check_test.go:23: checking the exercise
    --- FAIL: TestPoller/2-Readiness (0.00s)
        --- FAIL: TestPoller/2-Readiness/NotReadableWhenEmpty (0.00s)
            poller_readiness.go:60: Wait(0) = 1 event
                  want no events
        --- FAIL: TestPoller/2-Readiness/Writable (0.00s)
            poller_readiness.go:70: another
FAIL
FAIL	github.com/loopkit/loopkit/tutorials/03-select	0.005s
`
	tests := []struct{ name, out, want string }{
		{"a failed check", out, "          --- FAIL: TestPoller/2-Readiness/NotReadableWhenEmpty (0.00s)\n" +
			"              poller_readiness.go:60: Wait(0) = 1 event\n                    want no events"},
		{"a build failure, whole", "# pkg\n./poller.go:3: undefined: x\nFAIL\n", "  # pkg\n  ./poller.go:3: undefined: x\n  FAIL"},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, firstFailure(tt.out)); diff != "" {
			t.Errorf("%s: firstFailure (-want +got):\n%s", tt.name, diff)
		}
	}
}
