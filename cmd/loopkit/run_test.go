package main

import (
	"io"
	"strings"
	"testing"
	"time"
)

// TestNameTimeoutFlag checks -name-timeout: the chat's default, a value
// given, a value refused, and no such flag for echo.
func TestNameTimeoutFlag(t *testing.T) {
	tests := []struct {
		args    []string
		want    time.Duration
		wantErr string
	}{
		{[]string{"chat"}, 60 * time.Second, ""},
		{[]string{"chat", "-name-timeout", "5m"}, 5 * time.Minute, ""},
		{[]string{"chat", "-name-timeout", "0s"}, 0, "--name-timeout must be more than 0"},
		{[]string{"echo", "-name-timeout", "5s"}, 0, "flag provided but not defined: -name-timeout"},
	}
	for _, tt := range tests {
		opts, err := parseRun(tt.args, io.Discard)
		switch {
		case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
			t.Errorf("parseRun(%q) = %v, want an error with %q", tt.args, err, tt.wantErr)
		case tt.wantErr == "" && (err != nil || opts.nameTimeout != tt.want):
			t.Errorf("parseRun(%q): name timeout %v, %v; want %v", tt.args, opts.nameTimeout, err, tt.want)
		}
	}
}

// TestBackendYoursPointsAtTheStep: loopkit does not link the student's
// poller in, so --backend yours names the command that serves on it.
func TestBackendYoursPointsAtTheStep(t *testing.T) {
	for _, program := range []string{"echo", "chat"} {
		_, err := parseRun([]string{program, "--backend", "yours"}, io.Discard)
		want := "go run ./tutorials/03-select -serve " + program
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("loopkit run %s --backend yours = %v, want an error naming %q", program, err, want)
		}
	}
}
