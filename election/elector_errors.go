package election

import "errors"

// Errors of the Elector.
var (
	// ErrNotLeader is returned by Do, Resign and HandOff when this process
	// does not lead, or can no longer prove that it does.
	ErrNotLeader = errors.New("election: not the leader")

	// ErrAlreadyRunning is returned by a second call of Run.
	ErrAlreadyRunning = errors.New("election: elector already running")

	// ErrNotRunning is returned by Resign and HandOff when Run is not
	// running.
	ErrNotRunning = errors.New("election: elector not running")

	// ErrSuperseded ends Run when another process registered under the same
	// id: two processes must never share an id.
	ErrSuperseded = errors.New("election: candidate superseded by another incarnation")

	// ErrHandoffRefused is returned by HandOff when the named candidate is
	// not a live registered candidate.
	ErrHandoffRefused = errors.New("election: handoff refused")

	// ErrWedged is reported by Healthy when the election loop stopped
	// making progress.
	ErrWedged = errors.New("election: elector wedged")
)
