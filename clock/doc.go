// Package clock is the source of time for fdbelect.
//
// Every component that reads time (the retry loop's backoff, the embedded
// engine's transaction window, the Elector's lease arithmetic, the simulator)
// takes a Clock, so tests and the simulator can replace real time with a
// clock they advance by hand.
//
// # Two readings
//
// A Clock gives two readings that fdbelect keeps apart on purpose:
//
//   - Now is the wall clock. It is what gets written into records that other
//     processes read (heartbeats, lease expiries), and it may jump or disagree
//     with other machines' clocks.
//   - Mono is a monotonic reading: the time elapsed since the clock was made.
//     It never goes backwards and is the only reading the Elector trusts for
//     deciding how long it may still act as leader.
//
// Timers fire on the monotonic reading.
//
// # Concurrency
//
// Real and Fake are safe for concurrent use by many goroutines.
package clock
