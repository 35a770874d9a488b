package chatroom

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"
)

// A LineBuffer cuts the chunks a connection delivers into lines. A line may
// arrive split anywhere, several may arrive in one chunk, and a client may
// send bytes without ever sending "\n": so the buffer keeps at most max bytes
// of an unfinished line, cuts off the rest of a longer line (up to its
// "\n"), and never grows past max bytes plus the complete lines not yet
// taken.
//
// Push-style code (callbacks, protocol objects) calls Write with each chunk
// and then Next until it reports no more lines; pull-style code (goroutines,
// coroutines) calls ReadLine, which does the same over an io.Reader.
type LineBuffer struct {
	max     int
	buf     []byte // complete lines, then the start of an unfinished one
	partial int    // bytes of the unfinished line at the end of buf
	cutting bool   // the unfinished line reached max: drop bytes up to "\n"
	chunk   []byte // ReadLine's read buffer, made by its first call
}

// readSize is how much ReadLine asks r for at a time.
const readSize = 4096

// NewLineBuffer returns a buffer for lines of at most max bytes.
func NewLineBuffer(max int) *LineBuffer { return &LineBuffer{max: max} }

// Write adds a chunk. It never fails; its cost is O(len(p)).
func (b *LineBuffer) Write(p []byte) {
	for len(p) > 0 {
		end := bytes.IndexByte(p, '\n')
		if end < 0 {
			b.addPartial(p)
			return
		}
		b.addPartial(p[:end])
		b.buf = append(b.buf, '\n')
		b.partial, b.cutting = 0, false
		p = p[end+1:]
	}
}

// addPartial adds bytes of a line that has not ended (yet), keeping no more
// than max of them.
func (b *LineBuffer) addPartial(p []byte) {
	if b.cutting {
		return
	}
	if room := b.max - b.partial; len(p) > room {
		p = p[:room]
		b.cutting = true
	}
	b.buf = append(b.buf, p...)
	b.partial += len(p)
}

// Next returns the next complete line, without its "\n" and with the
// spaces around it trimmed (the talk's l.strip(), which also removes the
// "\r" that telnet sends), and false when no line is complete. A line that
// was cut is cut back to a whole UTF-8 character.
func (b *LineBuffer) Next() (string, bool) {
	end := bytes.IndexByte(b.buf[:len(b.buf)-b.partial], '\n')
	if end < 0 {
		return "", false
	}
	line := string(trimToRune(b.buf[:end]))
	rest := copy(b.buf, b.buf[end+1:])
	b.buf = b.buf[:rest]
	return strings.TrimSpace(line), true
}

// trimToRune drops a UTF-8 character that the cut split in two.
func trimToRune(p []byte) []byte {
	for i := len(p) - 1; i >= 0 && i >= len(p)-utf8.UTFMax; i-- {
		if utf8.RuneStart(p[i]) {
			if !utf8.FullRune(p[i:]) {
				return p[:i]
			}
			break
		}
	}
	return p
}

// ReadLine returns the next line as Next does, reading from r into the
// buffer as often as it takes: the readline of the talk's sock.makefile(),
// for pull-style code. Each call may read from another reader (a coroutine
// passes its own view of the connection). At the end of the stream it
// returns io.EOF (an unfinished last line is dropped, as a line the user
// never sent), and it returns any other error of r as it came.
func (b *LineBuffer) ReadLine(r io.Reader) (string, error) {
	if b.chunk == nil {
		b.chunk = make([]byte, readSize)
	}
	for {
		if line, ok := b.Next(); ok {
			return line, nil
		}
		n, err := r.Read(b.chunk)
		b.Write(b.chunk[:n])
		if err != nil && n == 0 {
			return "", err
		}
	}
}

// Escape returns line as it may reach other people's terminals: valid
// UTF-8, each run of bytes that are not replaced by U+FFFD, and every control
// character but tab (ESC, BEL, NUL, a lone CR, DEL, the C1 controls) shown
// as \xNN, its code in hex, rather than removed, so that the others see
// something was sent. Cost: O(len(line)); a line with nothing to escape is
// returned as it is, without a copy.
func Escape(line string) string {
	if utf8.ValidString(line) && strings.IndexFunc(line, isControl) < 0 {
		return line
	}
	var b strings.Builder
	for _, r := range strings.ToValidUTF8(line, string(utf8.RuneError)) {
		if isControl(r) {
			fmt.Fprintf(&b, `\x%02x`, r)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// isControl reports whether r is a control character other than tab.
func isControl(r rune) bool { return r != '\t' && unicode.IsControl(r) }
