package trace

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// fdNames names fds by role and order, so that a diagram reads the same on
// every run: "listener", "conn#1", "conn#2", rather than the fd numbers
// the kernel happened to hand out, which differ between backends (epoll
// holds an fd of its own) and between runs in one process.
//
// An fd number is reused once its file is closed, so the name belongs to
// the file, not the number: each name is kept with the file's identity
// (device and inode, from fstat; every socket has an inode of its own),
// and a number found holding another file gets a new name.
type fdNames struct {
	byFD  map[int]fdName
	roles map[string]int // how many fds of each role were named
}

type fdName struct {
	id   fileID
	name string
}

// A fileID tells one open file from another: device and inode.
type fileID struct{ dev, ino uint64 }

func newFDNames() fdNames {
	return fdNames{byFD: map[int]fdName{}, roles: map[string]int{}}
}

// name returns the name of the file fd holds now, naming it if it is new.
// One fstat, plus a getsockopt or two for a socket seen for the first time.
func (n *fdNames) name(fd int) string {
	id, mode := identify(fd)
	if cur, ok := n.byFD[fd]; ok && cur.id == id {
		return cur.name
	}
	r := role(fd, mode)
	n.roles[r]++
	name := fmt.Sprintf("%s#%d", r, n.roles[r])
	if r == "listener" && n.roles[r] == 1 {
		name = r // most programs have one: "listener" says it all
	}
	n.byFD[fd] = fdName{id: id, name: name}
	return name
}

// identify returns fd's file identity and type bits; zero if fstat fails
// (the fd is closed), which still tells it from any open file.
func identify(fd int) (fileID, uint32) {
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		return fileID{}, 0
	}
	return fileID{dev: uint64(st.Dev), ino: st.Ino}, uint32(st.Mode) & unix.S_IFMT
}

// role says what fd is: "listener" (a socket that accepts), "conn" (a
// stream socket), "packet" (a datagram socket), "pipe", or "fd".
func role(fd int, mode uint32) string {
	switch mode {
	case unix.S_IFSOCK:
		if typ, err := unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_TYPE); err == nil && typ == unix.SOCK_DGRAM {
			return "packet"
		}
		if on, err := unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_ACCEPTCONN); err == nil && on != 0 {
			return "listener"
		}
		return "conn"
	case unix.S_IFIFO:
		return "pipe"
	}
	return "fd"
}
