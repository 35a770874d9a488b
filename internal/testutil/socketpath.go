package testutil

import (
	"os"
	"path/filepath"
	"testing"
)

// maxSocketPath is the longest socket path every system takes: sun_path is
// 104 bytes on macOS and the BSDs (108 on Linux), with its NUL.
const maxSocketPath = 103

// SocketPath returns the path of a Unix-domain socket named name, in a
// directory removed when t ends. It is in t.TempDir() if that is short
// enough; a long test name can make it too long for sun_path, and then a
// short directory of os.MkdirTemp's is used instead.
func SocketPath(t testing.TB, name string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if len(path) <= maxSocketPath {
		return path
	}
	dir, err := os.MkdirTemp("", "lk")
	if err != nil {
		t.Fatalf("SocketPath: %v", err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	path = filepath.Join(dir, name)
	if len(path) > maxSocketPath {
		t.Fatalf("SocketPath: %s is %d bytes even in a short temporary directory; sun_path holds %d", path, len(path), maxSocketPath)
	}
	return path
}
