package sim

import "errors"

// Errors of the simulator. Functions wrap them with %w and add the detail.
var (
	// ErrInvalidConfig is returned by Config.Validate and Run for a
	// configuration that cannot be simulated.
	ErrInvalidConfig = errors.New("sim: invalid config")

	// ErrUnknownFault is returned by ParseFaults for a name it does not know.
	ErrUnknownFault = errors.New("sim: unknown fault")

	// ErrUnknownFlaw is returned by ParseFlaw for a name it does not know.
	ErrUnknownFlaw = errors.New("sim: unknown flaw")
)
