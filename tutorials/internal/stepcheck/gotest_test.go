package main

import (
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/loopkit/loopkit/tutorials/internal/manifest"
)

// events is a go test -json run of two packages that both have TestEcho,
// one passing, one failing in a subtest, with a skipped stage.
const events = `{"Action":"run","Package":"m/a","Test":"TestEcho"}
{"Action":"output","Package":"m/a","Test":"TestEcho","Output":"=== RUN   TestEcho\n"}
{"Action":"pass","Package":"m/a","Test":"TestEcho"}
{"Action":"run","Package":"m/b","Test":"TestEcho"}
{"Action":"run","Package":"m/b","Test":"TestEcho/1-Stage"}
{"Action":"run","Package":"m/b","Test":"TestEcho/1-Stage/Check"}
{"Action":"output","Package":"m/b","Test":"TestEcho/1-Stage/Check","Output":"    check.go:9: Wait is not implemented yet (TODO(step03) in exercise/poller.go:4)\n"}
{"Action":"output","Package":"m/b","Test":"TestEcho/1-Stage/Check","Output":"--- FAIL: TestEcho/1-Stage/Check (0.00s)\n"}
{"Action":"fail","Package":"m/b","Test":"TestEcho/1-Stage/Check"}
{"Action":"fail","Package":"m/b","Test":"TestEcho/1-Stage"}
{"Action":"run","Package":"m/b","Test":"TestEcho/2-Stage"}
{"Action":"skip","Package":"m/b","Test":"TestEcho/2-Stage"}
{"Action":"fail","Package":"m/b","Test":"TestEcho"}
{"Action":"fail","Package":"m/b"}
not json: a build error line
`

func TestReportReadsEventsByPackage(t *testing.T) {
	r := newReport()
	r.read(strings.NewReader(events))
	if diff := cmp.Diff([]key{{"m/b", "TestEcho/1-Stage/Check"}}, r.failedLeaves(), cmp.AllowUnexported(key{})); diff != "" {
		t.Errorf("failedLeaves (-want +got):\n%s", diff)
	}
	got := r.outputOf(key{"m/b", "TestEcho"})
	want := "    check.go:9: Wait is not implemented yet (TODO(step03) in exercise/poller.go:4)\n"
	if got != want {
		t.Errorf("outputOf(m/b TestEcho) = %q, want %q", got, want)
	}
	if res, ok := r.find("TestEcho"); !ok || res.action != "pass" {
		t.Errorf(`find("TestEcho") = %v, %v; want the first one, passed`, res, ok)
	}
	if !r.pkgFail["m/b"] || r.pkgFail["m/a"] {
		t.Errorf("pkgFail = %v, want m/b only", r.pkgFail)
	}
	if !strings.Contains(r.out("").String(), "not json") {
		t.Errorf("a line that is not JSON was lost")
	}
	if !r.ran("m/b", "TestEcho/1-Stage") || r.ran("m/a", "TestEcho/1-Stage") || r.ran("m/b", "TestEcho/1") {
		t.Errorf("ran: want TestEcho/1-Stage in m/b only, and no test TestEcho/1")
	}
	if n := r.count("skip"); n != 1 {
		t.Errorf("count(skip) = %d, want 1", n)
	}
}

// buildFailure is go test -json on a package that does not compile: the
// compiler's message comes as build-output events, before the package's
// one line "[build failed]".
const buildFailure = `{"ImportPath":"m/p [m/p.test]","Action":"build-output","Output":"# m/p [m/p.test]\n"}
{"ImportPath":"m/p [m/p.test]","Action":"build-output","Output":"p/p.go:2:23: cannot use \"x\" (untyped string constant) as int value in return statement\n"}
{"ImportPath":"m/p [m/p.test]","Action":"build-fail"}
{"Action":"start","Package":"m/p"}
{"Action":"output","Package":"m/p","Output":"FAIL\tm/p [build failed]\n"}
{"Action":"fail","Package":"m/p","Elapsed":0,"FailedBuild":"m/p [m/p.test]"}
`

func TestReportKeepsTheCompilersMessage(t *testing.T) {
	r := newReport()
	r.read(strings.NewReader(buildFailure))
	want := "# m/p [m/p.test]\n" + `p/p.go:2:23: cannot use "x" (untyped string constant) as int value in return statement` + "\n"
	if diff := cmp.Diff(want, r.build.String()); diff != "" {
		t.Errorf("the compiler's message (-want +got):\n%s", diff)
	}
	if !r.pkgFail["m/p"] || len(r.failedLeaves()) != 0 {
		t.Errorf("pkgFail = %v, failedLeaves = %v; want m/p failed as a package, no test failed", r.pkgFail, r.failedLeaves())
	}
}

func TestRunPatternSelectsExactlyOneTest(t *testing.T) {
	pattern := runPattern("TestPoller/2-Readiness/NotReadableWhenEmpty")
	parts := strings.Split(pattern, "/")
	names := []string{"TestPoller", "2-Readiness", "NotReadableWhenEmpty"}
	for i, p := range parts {
		re := regexp.MustCompile(p)
		if !re.MatchString(names[i]) || re.MatchString(names[i]+"X") || re.MatchString("X"+names[i]) {
			t.Errorf("element %d of %q selects more or less than %q", i, pattern, names[i])
		}
	}
}

func TestProgressLineSaysWhereTheStudentIs(t *testing.T) {
	r := newReport()
	r.read(strings.NewReader(events))
	written := manifest.Step{ID: "03", Status: manifest.Written}
	tests := []struct {
		step manifest.Step
		pkg  string
		want string
	}{
		{written, "m/a", "PASS"},
		{written, "m/b", "TODO  not started (TestEcho/1-Stage/Check)"},
		{manifest.Step{Status: manifest.Planned}, "m/c", "not written yet"},
	}
	for _, tt := range tests {
		if got := progressLine(tt.step, r, tt.pkg); got != tt.want {
			t.Errorf("progressLine(%s) = %q, want %q", tt.pkg, got, tt.want)
		}
	}
}
