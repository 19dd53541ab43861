package main

import "github.com/fdbelect/fdbelect/sim"

// writeTimeline writes the SVG timeline of the first failing result, or of
// the first result when all passed.
func writeTimeline(path string, results []*sim.Result) error {
	return usageError("--timeline is not available yet")
}
