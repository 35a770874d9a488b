//go:build linux

package uring

import (
	"errors"
	"os"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// TestSetupErrorSaysWhy fakes each way io_uring_setup is refused, with the
// sysctl read as each kernel would answer, and checks that the error names
// the cause and still wraps ErrUnavailable and the errno.
func TestSetupErrorSaysWhy(t *testing.T) {
	unreadable := func() (string, error) { return "", os.ErrNotExist }
	setting := func(s string) func() (string, error) { return func() (string, error) { return s + "\n", nil } }
	tests := []struct {
		name        string
		errno       unix.Errno
		read        func() (string, error)
		want        string
		unavailable bool
	}{
		{"no io_uring in the kernel", unix.ENOSYS, unreadable, "older than Linux 5.1", true},
		{"seccomp answers ENOSYS", unix.ENOSYS, setting("0"), "seccomp filter", true},
		{"disabled for all", unix.EPERM, setting("2"), "kernel.io_uring_disabled = 2", true},
		{"disabled outside a group", unix.EPERM, setting("1"), "kernel.io_uring_group", true},
		{"seccomp answers EPERM", unix.EPERM, setting("0"), "seccomp filter or a security module (sysctl kernel.io_uring_disabled is 0)", true},
		{"no sysctl, EPERM", unix.EPERM, unreadable, "io_uring_disabled is unreadable", true},
		{"out of memory", unix.ENOMEM, unreadable, "io_uring_setup: cannot allocate memory", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := setupError(tt.errno, tt.read)
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("setupError(%v) = %q, want it to say %q", tt.errno, err, tt.want)
			}
			if got := errors.Is(err, ErrUnavailable); got != tt.unavailable {
				t.Errorf("errors.Is(%q, ErrUnavailable) = %v, want %v", err, got, tt.unavailable)
			}
			if !errors.Is(err, tt.errno) {
				t.Errorf("errors.Is(%q, %v) = false, want true", err, tt.errno)
			}
		})
	}
}

func TestMissingFeaturesRefused(t *testing.T) {
	tests := []struct {
		name     string
		features uint32
		want     string
	}{
		{"no timeout", featNoDrop, "IORING_FEAT_EXT_ARG"},
		{"drops completions", featExtArg, "IORING_FEAT_NODROP"},
		{"all there", featExtArg | featNoDrop, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := checkFeatures(tt.features)
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("checkFeatures(%#x) = %v, want nil", tt.features, err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want) || !errors.Is(err, ErrUnavailable)):
				t.Errorf("checkFeatures(%#x) = %v, want an ErrUnavailable naming %s", tt.features, err, tt.want)
			}
		})
	}
}
