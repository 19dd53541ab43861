//go:build unix

package main

import (
	"errors"
	"os"
	"os/exec"
	"syscall"
)

// childAttrs puts the command in a process group of its own, so that a
// terminal's Ctrl-C reaches only fdbelect, which forwards it once.
func childAttrs() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true}
}

// signalGroup sends sig to the command's whole process group, so that the
// processes it started stop with it; it falls back to the command alone.
func signalGroup(p *os.Process, sig os.Signal) error {
	if s, ok := sig.(syscall.Signal); ok {
		if err := syscall.Kill(-p.Pid, s); err == nil {
			return nil
		}
	}
	return p.Signal(sig)
}

// killGroup kills the command's whole process group.
func killGroup(p *os.Process) error { return signalGroup(p, syscall.SIGKILL) }

// exitStatus returns the shell-style status of a finished command: its exit
// code, or 128 plus the signal that killed it.
func exitStatus(err error) int {
	if err == nil {
		return 0
	}
	var ee *exec.ExitError
	if !errors.As(err, &ee) {
		return 1
	}
	if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return 128 + int(ws.Signal())
	}
	return ee.ExitCode()
}

// signalStatus returns the status a process killed by sig reports.
func signalStatus(sig os.Signal) int {
	if s, ok := sig.(syscall.Signal); ok {
		return 128 + int(s)
	}
	return 1
}
