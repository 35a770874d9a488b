package chatroom

import "fmt"

// The texts of the talk's chat server, byte for byte. Every line ends with
// "\n"; the prompt does not, so that the name is typed after it.
const (
	Prompt    = "Please enter your name: "
	NameTaken = "That username is already taken.\n"
)

// Texts the talk's listing does not have, for the limits it did not keep.
const (
	// Full answers a user who would be one too many; the connection is then
	// closed.
	Full = "## the chat is full, try again later.\n"
	// TooSlow is the last line a user who read nothing for too long is
	// sent.
	TooSlow = "## you were too slow and have been disconnected.\n"
	// NameTimedOut is the last line a connection that gave no name in
	// time is sent.
	NameTimedOut = "\n## no name given in time, goodbye.\n"
)

// NameInvalid answers a name longer than max bytes or with characters that
// are not printable; the user is asked again.
func NameInvalid(max int) string {
	return fmt.Sprintf("That name is not allowed: use 1 to %d printable characters.\n", max)
}

// Joined is what everyone already in the room is told when name joins from
// the IP address ip (the joining user is not told).
func Joined(name, ip string) string { return fmt.Sprintf("## %s joined from %s.\n", name, ip) }

// Left is what everyone still in the room is told when name leaves.
func Left(name string) string { return fmt.Sprintf("## %s left the chat.\n", name) }

// Message is what everyone, the sender included, receives for a line.
func Message(name, line string) string { return name + "> " + line + "\n" }
