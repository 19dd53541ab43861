package main

import (
	"fmt"
	"os"

	"github.com/fdbelect/fdbelect/sim"
)

// writeTimeline writes the SVG timeline of the first failing result, or of
// the first result when all passed, to path.
func writeTimeline(path string, results []*sim.Result) error {
	pick := timelineResult(results)
	if pick == nil {
		return nil
	}

	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("simulate: timeline: %w", err)
	}
	if err := sim.WriteTimelineSVG(f, pick); err != nil {
		f.Close()
		return fmt.Errorf("simulate: timeline of seed %d: %w", pick.Seed, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("simulate: timeline: %w", err)
	}
	return nil
}

// timelineResult returns the first failing result, else the first, else
// nil.
func timelineResult(results []*sim.Result) *sim.Result {
	for _, r := range results {
		if !r.Passed() {
			return r
		}
	}
	if len(results) == 0 {
		return nil
	}
	return results[0]
}

// timelineSeed returns the seed writeTimeline draws.
func timelineSeed(results []*sim.Result) int64 {
	if r := timelineResult(results); r != nil {
		return r.Seed
	}
	return 0
}
