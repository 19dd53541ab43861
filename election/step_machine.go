package election

import (
	"fmt"
	"time"

	"github.com/fdbelect/fdbelect/tuple"
)

// MachineOptions configure a Machine.
type MachineOptions struct {
	// Priority is the candidate's priority; higher is preferred.
	Priority int32

	// MaxClockSkew bounds how far this process's wall clock may differ from
	// any other participant's. See ElectorOptions.MaxClockSkew.
	MaxClockSkew time.Duration

	// ResignHoldoff is how long the Machine leaves a vacant record alone
	// after it resigned, so that another candidate takes over. Zero means
	// one heartbeat interval of the stored config.
	ResignHoldoff time.Duration

	// Flaws switches known flaws of the 0.11.0 recipe back on. It exists
	// so that a simulator can show its checker catches them; never set it
	// in production.
	Flaws Flaws
}

// Flaws lists the 0.11.0 behaviours that the Machine fixes, each of which a
// negative-control test can switch back on.
type Flaws struct {
	// ResetBallotOnResign clears the leader record on resignation, so the
	// next claim starts again at ballot 1 and fencing tokens go backwards.
	ResetBallotOnResign bool

	// WallClockTakeover takes over as soon as this process's wall clock
	// passes the stored expiry: no margin, no monotonic observation.
	WallClockTakeover bool

	// InstantPreemption overwrites a live record at once when this
	// candidate has the higher priority, instead of asking for a handoff.
	InstantPreemption bool

	// DeadCandidateClaims lets a candidate claim although its stored
	// heartbeat is older than the candidate timeout.
	DeadCandidateClaims bool
}

// Machine is the decision logic of an Elector, with no goroutines, clocks or
// I/O of its own. A driver feeds it what one transaction read, together
// with clock readings, and the Machine says what to write; the driver then
// reports how the commit ended. The Elector drives a Machine in real time
// and package sim drives the same code in virtual time.
//
// A Machine is not safe for concurrent use.
type Machine struct {
	el   *Election
	id   string
	opts MachineOptions

	stamp      tuple.Versionstamp // registration versionstamp of this incarnation
	registered bool
	superseded bool // another incarnation registered under the same id

	cfg      *Config
	maxLease time.Duration // longest lease seen in the config

	obs       observation
	lead      leadership
	holdUntil time.Duration // no claim and no handoff request before this
	sawHolder bool          // a record naming a holder has been observed
	// gaveAway is the leader record this process last decided to write
	// when resigning or handing over, to recognise it if the commit was
	// reported as ambiguous but applied.
	gaveAway LeaderState
	// vacancyWait is when a vacancy that its holder did not write itself
	// may be claimed; zero when there is none.
	vacancyWait time.Duration
	lastCycle   time.Duration // start of the last committed cycle
	lastEvict   time.Duration
	cycled      bool
}

// NewMachine returns the decision logic for candidate id of election el.
func NewMachine(el *Election, id string, opts MachineOptions) (*Machine, error) {
	if err := checkID(id); err != nil {
		return nil, err
	}
	if _, err := el.CandidateKey(id); err != nil {
		return nil, err
	}
	if opts.MaxClockSkew < 0 {
		return nil, fmt.Errorf("%w: negative MaxClockSkew %v", ErrInvalidArgument,
			opts.MaxClockSkew)
	}
	if opts.ResignHoldoff < 0 {
		return nil, fmt.Errorf("%w: negative ResignHoldoff %v", ErrInvalidArgument,
			opts.ResignHoldoff)
	}
	return &Machine{el: el, id: id, opts: opts}, nil
}

// ID returns the candidate id.
func (m *Machine) ID() string { return m.id }

// Election returns the election the Machine takes part in.
func (m *Machine) Election() *Election { return m.el }

// Priority returns the candidate's current priority.
func (m *Machine) Priority() int32 { return m.opts.Priority }

// SetPriority changes the priority written by the next heartbeat.
func (m *Machine) SetPriority(p int32) { m.opts.Priority = p }

// Registered reports whether the Machine knows its registration
// versionstamp, and returns it.
func (m *Machine) Registered() (tuple.Versionstamp, bool) {
	return m.stamp, m.registered
}

// Superseded reports whether another process registered under the same id
// after this one. A superseded Machine never claims and never heartbeats.
func (m *Machine) Superseded() bool { return m.superseded }

// Config returns the config read by the latest cycle, if any.
func (m *Machine) Config() (Config, bool) {
	if m.cfg == nil {
		return Config{}, false
	}
	return *m.cfg, true
}

// Leading reports whether the process may act as leader at monotonic
// instant mono: it won or refreshed the lease in a transaction that started
// at s, and mono is before s + lease - MaxClockSkew.
func (m *Machine) Leading(mono time.Duration) bool {
	return m.lead.active && mono < m.lead.deadline
}

// Deadline returns the monotonic instant at which the current leadership
// ends, and false when the process does not lead.
func (m *Machine) Deadline() (time.Duration, bool) {
	return m.lead.deadline, m.lead.active
}

// Ballot returns the ballot of the process's latest claim or refresh. It
// only grows, so it serves as a fencing token outside the database.
func (m *Machine) Ballot() uint64 { return m.lead.ballot }

// Observed returns the leader record as last seen, and false when no cycle
// has read one or the record is absent.
func (m *Machine) Observed() (LeaderState, bool) {
	o := m.obs
	if !o.known || (o.leaderID == "" && o.ballot == 0 && o.expiry.IsZero()) {
		return LeaderState{}, false
	}
	return LeaderState{Ballot: o.ballot, LeaderID: o.leaderID, LeaseExpiry: o.expiry,
		Versionstamp: o.stamp}, true
}

// Adopt records the registration versionstamp this incarnation committed.
// Only a record carrying it counts as the process's own.
func (m *Machine) Adopt(stamp tuple.Versionstamp) {
	m.stamp = stamp
	m.registered = true
	m.superseded = false
}

// Forget drops the registration, as after an unregistration.
func (m *Machine) Forget() {
	m.registered = false
	m.Demote()
}

// Demote ends the process's belief that it leads.
func (m *Machine) Demote() {
	m.lead.active = false
}

// mine reports whether l names this incarnation.
func (m *Machine) mine(l *LeaderState) bool {
	return l != nil && !l.Vacant() && l.LeaderID == m.id && m.registered &&
		l.Versionstamp == m.stamp
}

// Observe records the leader record read at seen, a reading taken after the
// read returned. A record that differs from the one observed before starts
// a new observation at seen.
func (m *Machine) Observe(l *LeaderState, seen Reading) {
	if m.obs.matches(l) {
		return
	}
	o := observation{known: true, since: seen.Mono, wallSeen: seen.Wall,
		sawChange: m.obs.known}
	if l != nil && !l.Vacant() {
		m.sawHolder = true
	}
	if l != nil {
		o.ballot, o.leaderID, o.stamp, o.expiry = l.Ballot, l.LeaderID, l.Versionstamp,
			l.LeaseExpiry
	}
	m.obs = o
}

// observeConfig records the config a cycle read.
func (m *Machine) observeConfig(c *Config) {
	m.cfg = c
	if c != nil && c.LeaseDuration > m.maxLease {
		m.maxLease = c.LeaseDuration
	}
}

// takeoverAt returns the earliest monotonic instant at which the process may
// claim over the observed record of another holder, given the wall reading
// now. Two rules allow it:
//
//   - the record has stayed the same for a whole lease on this process's
//     monotonic clock;
//   - the record was already there when first seen (the process did not
//     watch it being written) and its expiry has passed by more than
//     MaxClockSkew on this process's wall clock.
//
// A process that watched the record being written always has the first,
// clock-free rule, so a wall clock far ahead of the others cannot shorten
// its wait.
//
// The lease of the first rule is the longest the process has seen in the
// config, or the lease the record itself implies if that is longer: the
// time its expiry was ahead of this process's wall clock when first seen.
// The record does not store its lease, and after the config's lease was
// cut a process that never saw the old value would otherwise wait only the
// new one while the holder still acts on the old. The implied lease only
// ever lengthens the wait, and is capped at maxImpliedLeases times the
// known lease so that a holder whose wall clock runs far ahead cannot
// block a takeover indefinitely.
func (m *Machine) takeoverAt(now Reading) time.Duration {
	wait := m.maxLease
	if implied := m.obs.expiry.Sub(m.obs.wallSeen); implied > wait {
		wait = min(implied, maxImpliedLeases*m.maxLease)
	}
	at := m.obs.since + wait
	if !m.obs.sawChange {
		wallAt := now.Mono + m.obs.expiry.Add(m.opts.MaxClockSkew).Sub(now.Wall)
		at = min(at, wallAt)
	}
	return at
}

// maxImpliedLeases caps the lease a record may imply, as a multiple of the
// longest lease seen in the config. Shortening a lease by more than this
// factor in one step can let a process take over a stalled holder that
// still acts on the old lease; shorten in steps instead.
const maxImpliedLeases = 10

// NextWake returns the monotonic instant at which the driver should run the
// next cycle even if nothing wakes it earlier (a watch, a request): the
// next heartbeat, the end of the lease, the takeover instant, or the end of
// the hold-off after a resignation.
func (m *Machine) NextWake(now Reading) time.Duration {
	if m.cfg == nil || !m.cycled {
		return now.Mono
	}
	wake := m.lastCycle + m.cfg.HeartbeatInterval
	if !m.cfg.Enabled || m.superseded || !m.registered {
		// Nothing to take over or refresh: check back once a heartbeat.
		return max(wake, now.Mono)
	}
	if m.lead.active {
		wake = min(wake, m.lead.deadline)
	}
	own := m.obs.leaderID == m.id && m.registered && m.obs.stamp == m.stamp
	if m.obs.known && m.obs.leaderID != "" && !own {
		wake = min(wake, m.takeoverAt(now))
	}
	if m.holdUntil > now.Mono {
		wake = min(wake, m.holdUntil)
	}
	if m.vacancyWait > now.Mono {
		wake = min(wake, m.vacancyWait)
	}
	return max(wake, now.Mono)
}

// HeartbeatDue returns the monotonic instant at which the next heartbeat is
// due, one heartbeat interval after the start of the last committed cycle,
// and false before the first cycle.
func (m *Machine) HeartbeatDue() (time.Duration, bool) {
	if m.cfg == nil || !m.cycled {
		return 0, false
	}
	return m.lastCycle + m.cfg.HeartbeatInterval, true
}

// EvictDue reports whether the leader should scan for dead candidates: at
// most once per candidate timeout.
func (m *Machine) EvictDue(mono time.Duration) bool {
	if !m.Leading(mono) || m.cfg == nil {
		return false
	}
	return mono-m.lastEvict >= m.cfg.CandidateTimeout
}

// Evicted records that a dead-candidate scan ran at mono.
func (m *Machine) Evicted(mono time.Duration) { m.lastEvict = mono }
