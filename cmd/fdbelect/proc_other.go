//go:build !unix

package main

import (
	"errors"
	"os"
	"os/exec"
	"syscall"
)

func childAttrs() *syscall.SysProcAttr { return nil }

func exitStatus(err error) int {
	if err == nil {
		return 0
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode()
	}
	return 1
}

func signalStatus(os.Signal) int { return 1 }

// signalGroup sends sig to the command; there are no process groups here.
func signalGroup(p *os.Process, sig os.Signal) error { return p.Signal(sig) }

// killGroup kills the command.
func killGroup(p *os.Process) error { return p.Kill() }
