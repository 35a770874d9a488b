package chatroom

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// CheckName turns the line a user typed at the prompt into a name. It
// returns ok == false with reply == "" for an empty line (the talk asks
// again without a word), and with reply == NameInvalid(max) for a name longer
// than max bytes, not valid UTF-8, or with a character that is not
// printable (such as an escape sequence that would repaint the others'
// terminals).
func CheckName(line string, max int) (name, reply string, ok bool) {
	name = strings.TrimSpace(line)
	switch {
	case name == "":
		return "", "", false
	case len(name) > max, !utf8.ValidString(name):
		return "", NameInvalid(max), false
	case strings.IndexFunc(name, notPrintable) >= 0:
		return "", NameInvalid(max), false
	}
	return name, "", true
}

func notPrintable(r rune) bool { return !unicode.IsPrint(r) }
