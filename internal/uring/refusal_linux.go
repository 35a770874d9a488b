//go:build linux

package uring

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"golang.org/x/sys/unix"
)

// ErrUnavailable is wrapped by the error of New where this kernel or this
// process cannot use io_uring at all. The error says which of the reasons
// it is; errors.Is also finds the errno (unix.ENOSYS, unix.EPERM).
var ErrUnavailable = errors.New("io_uring is unavailable")

// disabledSetting is where Linux 6.6 and later keep the switch that turns
// io_uring off: 0 on, 1 only for the group kernel.io_uring_group, 2 off.
const disabledSetting = "/proc/sys/kernel/io_uring_disabled"

// setupError explains why io_uring_setup failed. ENOSYS and EPERM each have
// more than one cause; the sysctl tells them apart where it exists, and
// readSetting reads it (a parameter, so that a test can fake each case).
func setupError(errno unix.Errno, readSetting func() (string, error)) error {
	syscallErr := os.NewSyscallError("io_uring_setup", errno)
	var why string
	switch errno {
	case unix.ENOSYS:
		why = "this kernel has no io_uring (older than Linux 5.1, or built without it), or a seccomp filter " +
			"(a container runtime's default profile) refuses the call"
	case unix.EPERM:
		why = permissionReason(readSetting)
	default:
		return syscallErr
	}
	return fmt.Errorf("uring: %w: %s (%w)", ErrUnavailable, why, syscallErr)
}

// permissionReason tells which switch refused io_uring_setup with EPERM.
func permissionReason(readSetting func() (string, error)) string {
	setting, err := readSetting()
	switch strings.TrimSpace(setting) {
	case "2":
		return "io_uring is disabled for every process (sysctl kernel.io_uring_disabled = 2)"
	case "1":
		return "io_uring is disabled for processes outside the group kernel.io_uring_group " +
			"(sysctl kernel.io_uring_disabled = 1)"
	case "0":
		return "refused by a seccomp filter or a security module (sysctl kernel.io_uring_disabled is 0)"
	}
	if err != nil {
		return "refused by a seccomp filter or a security module (" + disabledSetting + " is unreadable)"
	}
	return fmt.Sprintf("refused (sysctl kernel.io_uring_disabled = %q)", setting)
}

// readDisabledSetting reads the sysctl kernel.io_uring_disabled.
func readDisabledSetting() (string, error) {
	b, err := os.ReadFile(disabledSetting)
	return string(b), err
}

// checkFeatures refuses a kernel that has io_uring but not what the kit
// relies on: a wait with a timeout (Linux 5.11), and completions that are
// never dropped when the completion queue is full (Linux 5.5).
func checkFeatures(features uint32) error {
	switch {
	case features&featExtArg == 0:
		return fmt.Errorf("uring: %w: this kernel's io_uring_enter takes no timeout "+
			"(IORING_FEAT_EXT_ARG, Linux 5.11)", ErrUnavailable)
	case features&featNoDrop == 0:
		return fmt.Errorf("uring: %w: this kernel may drop completions when the queue is full "+
			"(IORING_FEAT_NODROP, Linux 5.5)", ErrUnavailable)
	}
	return nil
}
