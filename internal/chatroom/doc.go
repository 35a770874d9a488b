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
// The queue of each user is bounded (Limits.MaxQueued messages). A user
// whose queue is full when a line is broadcast reads slower than the room
// talks; the room drops them at once (Member.Drop) rather than wait for them,
// so one slow reader never stalls the others: everyone else is told
// "## NAME left the chat.", the dropped user's queue is discarded, and the
// server writes "## you were too slow and have been disconnected." after
// whatever it was already writing, waiting at most Limits.DropGrace for the
// socket to take it, then closes the connection.
//
// Where not to add things: nothing here reads or writes a socket, spawns,
// waits or locks. The Room is not safe for concurrent use: in the loop
// styles only the loop goroutine touches it, and the goroutines style
// guards it with a mutex of its own, in plain sight.
package chatroom
