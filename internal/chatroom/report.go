package chatroom

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"syscall"
	"time"
)

// A Reporter tells the operator about the connections the server accepted
// but could not serve: a poller that cannot watch the fd (select past
// FD_SETSIZE), a kernel out of memory or of fds. Such a user sees the
// connection close and nothing else, so the server must say it: one line
// per problem, but at most one line per second, so that a server out of
// fds prints one line a second, counting the others, rather than one per
// client.
//
// A Reporter is not safe for concurrent use: the goroutines style calls it
// with the room's mutex held.
type Reporter struct {
	report func(error) // the server's error handler
	last   time.Time   // when the last line went out
	quiet  int         // problems since then, not reported
}

// reportEvery is the least time between two lines of a Reporter.
const reportEvery = time.Second

// NewReporter returns a Reporter that hands its lines to report.
func NewReporter(report func(error)) *Reporter { return &Reporter{report: report} }

// Report reports err, which ended the connection from remote at time now,
// unless it is the peer's doing (end of stream, a reset, a deadline, a
// closed connection), or a line went out less than a second before now.
func (r *Reporter) Report(now time.Time, remote string, err error) {
	if err == nil || peersDoing(err) {
		return
	}
	if !r.last.IsZero() && now.Sub(r.last) < reportEvery {
		r.quiet++
		return
	}
	if r.quiet > 0 {
		err = fmt.Errorf("%w (and %d more since the last report)", err, r.quiet)
	}
	r.last, r.quiet = now, 0
	r.report(fmt.Errorf("chat: could not serve %s: %w", remote, err))
}

// peersDoing reports whether err is how a peer ends a connection, or how
// the server ends one on purpose: nothing to report.
func peersDoing(err error) bool {
	for _, e := range []error{io.EOF, syscall.ECONNRESET, syscall.EPIPE, syscall.ETIMEDOUT,
		os.ErrDeadlineExceeded, net.ErrClosed} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}
