package election

import "errors"

// Errors of the recipe. Functions wrap them with %w and add what went wrong,
// so callers test them with errors.Is. Database errors are never wrapped: they
// reach the retry loop exactly as the engine returned them.
var (
	// ErrElectionDisabled is returned when the stored config has elections
	// turned off and the operation needs them on.
	ErrElectionDisabled = errors.New("election: elections are disabled")

	// ErrNotInitialized is returned when the config record is absent.
	ErrNotInitialized = errors.New("election: not initialized")

	// ErrUnregisteredCandidate is returned when a process that has no
	// candidate record tries to claim leadership.
	ErrUnregisteredCandidate = errors.New("election: candidate not registered")

	// ErrCandidateNotAlive is returned when a candidate whose last heartbeat
	// is older than the candidate timeout tries to claim leadership.
	ErrCandidateNotAlive = errors.New("election: candidate not alive")

	// ErrProcessNotFound is returned, wrapped with the process id, when a
	// heartbeat finds no candidate record to update.
	ErrProcessNotFound = errors.New("election: process not found")

	// ErrInvalidState is returned, wrapped with what was wrong, when a record
	// or key in the election's subspace does not have the expected shape.
	ErrInvalidState = errors.New("election: invalid state")

	// ErrInvalidArgument is returned, wrapped with the detail, for a bad id,
	// config, priority or time passed by the caller.
	ErrInvalidArgument = errors.New("election: invalid argument")

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
