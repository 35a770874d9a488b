// Package chatroom is the part of the chat server that is not a style: the
// texts the server says, the limits it keeps, how it cuts a byte stream into
// lines, which names it accepts, and the room itself (who is in it, and the
// broadcast that hands a line to every member's queue).
//
// The chat is the one of Daniel Pope's talk "gevent: Asynchronous I/O made
// easy" (EuroPython 2014): a user connects, is asked "Please enter your
// name: ", and from then on every line they send reaches every user as
// "NAME> line". Each user has a reader and a writer, and a queue between
// them; the room puts lines on the queues, the writer takes them off.
//
// The four versions of the server in examples/chat (goroutines, callbacks,
// protocol, coroutines) all use this package, so that a diff of two of them
// shows only what the style changes: how a connection is read, how the
// writer waits for its queue, how a user leaves.
//
// # Falling behind
//
// The talk's queues hold a fixed number of messages (Limits.MaxQueued, which
// the tutorials' chats keep): a user whose queue is full when a line is
// broadcast is dropped at once (Member.Drop). In a real room that drops the
// wrong people: one paste of a few hundred lines fills every queue before
// any writer runs, and every reader is dropped for the sender's burst.
//
// The kit's chats carry TCP's flow control through the room instead. A
// member's Send never refuses; a member whose backlog (bytes queued, and
// bytes the connection holds) passes Limits.HighWater calls Room.Full, and
// while any member is full the room is Congested: each sender checks that
// before each line and, while it is, stops reading and waits (Room.Wait)
// until the member calls Room.Drained at the low-water mark. So each byte a
// sender adds waits for the slowest reader, and the server holds a bounded
// number of bytes per user whatever anyone sends. A member who takes
// nothing for Limits.DropGrace is dropped (Room.Drop), which resumes the
// senders: everyone else is told "## NAME left the chat.", the dropped
// user's queue is discarded, and the server writes "## you were too slow
// and have been disconnected." after whatever it was already writing,
// waiting at most Limits.DropGrace for the socket to take something, then
// closes the connection.
//
// # The teacher's console
//
// The room tells Limits.Events of each join, leave, drop (and why) and
// message. A Console turns those into the lines a workshop's teacher
// watches on the projector; loopkit run chat and tutorial step 08 show it
// on their standard output.
//
// Where not to add things: nothing here reads or writes a socket or
// spawns, and only the Console waits (Run, on its ticker) or locks. The
// Room is not safe for concurrent use: in the loop styles only the loop
// goroutine touches it, and the goroutines style guards it with a mutex of
// its own, in plain sight.
package chatroom
