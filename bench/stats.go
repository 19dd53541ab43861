package main

import (
	"math"
	"slices"
	"time"
)

// sample is a set of measured durations.
type sample []time.Duration

// quantile returns the q-quantile (0 <= q <= 1) by the nearest-rank rule,
// or 0 for an empty sample.
func (s sample) quantile(q float64) time.Duration {
	if len(s) == 0 {
		return 0
	}
	sorted := slices.Clone(s)
	slices.Sort(sorted)
	rank := int(math.Ceil(q * float64(len(sorted))))
	rank = min(max(rank, 1), len(sorted))
	return sorted[rank-1]
}

// mean returns the arithmetic mean, or 0 for an empty sample.
func (s sample) mean() time.Duration {
	if len(s) == 0 {
		return 0
	}
	var sum time.Duration
	for _, d := range s {
		sum += d
	}
	return sum / time.Duration(len(s))
}

// ratio returns d / unit as a float.
func ratio(d, unit time.Duration) float64 {
	if unit <= 0 {
		return math.NaN()
	}
	return float64(d) / float64(unit)
}

// ms returns d in milliseconds.
func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
