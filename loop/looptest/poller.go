package looptest

import (
	"testing"
	"time"

	"github.com/loopkit/loopkit/loop"
)

// TestPoller checks that the pollers made by newPoller meet the contract of
// loop.Poller. Each check gets a fresh poller from newPoller and closes it
// (and every fd it made) when it ends. A poller that also implements
// loop.FDLimiter is checked against its limit.
//
// The checks are subtests in stages, run in order:
//
//	1-Register   Register accepts fds, changes and drops them
//	2-Readiness  Wait reports what is ready and only that, level-triggered
//	3-Timeout    timeouts < 0, 0 and > 0; EINTR is retried with the time left
//	4-HangUp     a closed peer wakes the reader and the writer
//	5-Removal    a dropped fd is not reported; re-registering changes events
//	6-Reuse      a closed fd's number, reused, reports only the new file
//	7-Many       hundreds of fds; more ready than room waits for the next Wait
//	8-Limits     a negative fd, and FDLimiter's limit, are refused
//	9-Close      Close, calls after it, and the fds it leaves open
//
// A stage runs only if the stages before it passed; otherwise it is skipped
// with "finish stage N first". Run one stage or one check with -run, such
// as -run 'TestPoller/2-Readiness/NotReadableWhenEmpty'. Bounds on time are
// generous and multiplied by the environment variable LOOPKIT_TIME_SCALE.
func TestPoller(t *testing.T, newPoller func() (loop.Poller, error), opts ...Option) {
	scale := timeScale(t)
	s := &pollerSuite{
		newPoller: newPoller,
		dir:       packageDir(),
		scale:     scale,
		bound:     scaled(5*time.Second, scale),
		patience:  scaled(2*time.Second, scale),
		explain:   applyOptions(opts).explain,
	}
	failed := ""
	for _, stage := range pollerStages {
		passed := t.Run(stage.name, func(t *testing.T) {
			if failed != "" {
				t.Skipf("finish stage %s first", failed)
			}
			for _, c := range stage.checks {
				t.Run(c.name, func(t *testing.T) { c.check(newHarness(t, s)) })
			}
		})
		if !passed && failed == "" {
			failed = stage.name
		}
	}
}

// A pollerCheck is one subtest of TestPoller.
type pollerCheck struct {
	name  string
	check func(h *pollerHarness)
}

// pollerStages lists TestPoller's checks, stage by stage. Each check lives
// in the file named for its stage.
var pollerStages = []struct {
	name   string
	checks []pollerCheck
}{
	{"1-Register", []pollerCheck{
		{"PipeAndSocketFds", checkRegisterPipeAndSocketFds},
		{"SameEventsTwice", checkRegisterSameEventsTwice},
		{"ChangeEvents", checkRegisterChangeEvents},
		{"DropTwice", checkRegisterDropTwice},
		{"DropNeverRegistered", checkRegisterDropNeverRegistered},
	}},
	{"2-Readiness", []pollerCheck{
		{"NotReadableWhenEmpty", checkNotReadableWhenEmpty},
		{"ReadableAfterWrite", checkReadableAfterWrite},
		{"WritableWhenBufferHasRoom", checkWritableWhenBufferHasRoom},
		{"NotWritableWhenFull", checkNotWritableWhenFull},
		{"WritableAgainAfterPeerReads", checkWritableAgainAfterPeerReads},
		{"ReadableAndWritableInOneEvent", checkReadableAndWritableInOneEvent},
		{"OnlyRegisteredEventsReported", checkOnlyRegisteredEventsReported},
		{"LevelTriggered", checkLevelTriggered},
	}},
	{"3-Timeout", []pollerCheck{
		{"ZeroPollsAndReturns", checkZeroPollsAndReturns},
		{"PositiveWaitsAtLeastAndReturns", checkPositiveWaitsAtLeastAndReturns},
		{"SubMillisecondIsNotZero", checkSubMillisecondIsNotZero},
		{"PositiveReturnsWhenReady", checkPositiveReturnsWhenReady},
		{"NegativeBlocksUntilReady", checkNegativeBlocksUntilReady},
		{"HugeTimeoutIsNotAnError", checkHugeTimeoutIsNotAnError},
		{"InterruptedWaitResumes", checkInterruptedWaitResumes},
	}},
	{"4-HangUp", []pollerCheck{
		{"SocketPeerClosedWakesReader", checkSocketPeerClosedWakesReader},
		{"SocketPeerClosedWakesWriter", checkSocketPeerClosedWakesWriter},
		{"SocketPeerClosedWakesReaderAndWriter", checkSocketPeerClosedWakesReaderAndWriter},
		{"PipeWriterClosedWakesReader", checkPipeWriterClosedWakesReader},
		{"PipeReaderClosedWakesWriter", checkPipeReaderClosedWakesWriter},
	}},
	{"5-Removal", []pollerCheck{
		{"DroppedFdNotReported", checkDroppedFdNotReported},
		{"DropOneOfSeveral", checkDropOneOfSeveral},
		{"ReRegisterChangesEvents", checkReRegisterChangesEvents},
	}},
	{"6-Reuse", []pollerCheck{
		{"ClosedAndReusedFdNumber", checkClosedAndReusedFdNumber},
	}},
	{"7-Many", []pollerCheck{
		{"ExactlyTheReadyOnesReported", checkExactlyTheReadyOnesReported},
		{"MoreReadyThanRoom", checkMoreReadyThanRoom},
	}},
	{"8-Limits", []pollerCheck{
		{"NegativeFdRefused", checkNegativeFdRefused},
		{"AtMaxFDRefused", checkAtMaxFDRefused},
		{"BelowMaxFDWatched", checkBelowMaxFDWatched},
		{"DropAtMaxFDDoesNothing", checkDropAtMaxFDDoesNothing},
	}},
	{"9-Close", []pollerCheck{
		{"CloseReturnsNil", checkCloseReturnsNil},
		{"CallsAfterCloseFail", checkCallsAfterCloseFail},
		{"RegisteredFdsStayOpen", checkRegisteredFdsStayOpen},
		{"ReleasesItsFds", checkReleasesItsFds},
	}},
}
