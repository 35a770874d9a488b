package threadpool

import (
	"errors"
	"io/fs"
	"net/netip"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/loopkit/loopkit/internal/testutil"
	"github.com/loopkit/loopkit/loop"
)

// TestWriteThenReadFile writes a file through the pool, then reads it back,
// each call's callback starting the next, as a callbacks program would.
func TestWriteThenReadFile(t *testing.T) {
	checkWorkersEnd(t)
	testutil.ForEachBackend(t, func(t *testing.T, backend string) {
		l, _, p := newPool(t, backend)
		name := filepath.Join(t.TempDir(), "notes.txt")
		want := []byte("one place waits\n")
		var got []byte
		var readErr error
		p.WriteFile(name, want, 0o600, func(err error) {
			if err != nil {
				t.Errorf("WriteFile: %v", err)
				return
			}
			p.ReadFile(name, func(data []byte, err error) { got, readErr = data, err })
		})
		testutil.Run(t, l, 10*time.Second)
		if readErr != nil {
			t.Fatalf("ReadFile: %v", readErr)
		}
		if diff := cmp.Diff(string(want), string(got)); diff != "" {
			t.Errorf("read back (-want +got):\n%s", diff)
		}
	})
}

// TestReadMissingFileNamesIt checks that the error of a failed read reaches
// the callback and names the file.
func TestReadMissingFileNamesIt(t *testing.T) {
	checkWorkersEnd(t)
	l, _, p := newPool(t, loop.Backends()[0])
	name := filepath.Join(t.TempDir(), "missing.txt")
	var got error
	called := false
	p.ReadFile(name, func(_ []byte, err error) { got, called = err, true })
	testutil.Run(t, l, 10*time.Second)
	var pathErr *fs.PathError
	if !called || !errors.Is(got, fs.ErrNotExist) || !errors.As(got, &pathErr) || pathErr.Path != name {
		t.Errorf("ReadFile of a missing file: called %v with %v, want an fs.ErrNotExist naming %s", called, got, name)
	}
}

// TestLookupHost looks up localhost through the pool, and an IP address,
// which is its own answer.
func TestLookupHost(t *testing.T) {
	checkWorkersEnd(t)
	l, _, p := newPool(t, loop.Backends()[0])
	got := map[string][]netip.Addr{}
	for _, host := range []string{"localhost", "127.0.0.1"} {
		p.LookupHost(host, func(addrs []netip.Addr, err error) {
			if err != nil {
				t.Errorf("LookupHost(%q): %v", host, err)
			}
			got[host] = addrs
		})
	}
	testutil.Run(t, l, 10*time.Second)
	loopback := netip.MustParseAddr("127.0.0.1")
	if !slices.Contains(got["localhost"], loopback) {
		t.Errorf("LookupHost(localhost) = %v, want 127.0.0.1 among them", got["localhost"])
	}
	if diff := cmp.Diff([]netip.Addr{loopback}, got["127.0.0.1"], cmp.Comparer(func(a, b netip.Addr) bool { return a == b })); diff != "" {
		t.Errorf("LookupHost(127.0.0.1) (-want +got):\n%s", diff)
	}
}
