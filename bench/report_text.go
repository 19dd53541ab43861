package main

import "strings"

// find returns the result of the system whose name starts with prefix.
func (r *results) find(prefix string) (systemResult, bool) {
	for _, s := range r.systems {
		if s.name == prefix {
			return s, true
		}
	}
	for _, s := range r.systems {
		if strings.HasPrefix(s.name, prefix) {
			return s, true
		}
	}
	return systemResult{}, false
}

// failoverRatios formats p50 and p99 of the crash trials in leases.
func failoverRatios(s systemResult) (float64, float64) {
	return ratio(s.crash.quantile(0.5), s.lease), ratio(s.crash.quantile(0.99), s.lease)
}

func (r *results) writeHeadlines(w writer) {
	w("")
	w("## Headline ratios")
	w("")
	if x := r.rtt; x.cycles > 0 {
		w("- An election cycle costs **%.2f** read round trips; a port that reads config, "+
			"candidate and leader one after the other costs %.2f.", x.recipeR, x.naiveR)
	}
	fdb, okF := r.find("fdbelect")
	etcd, okE := r.find("etcd")
	poll, okP := r.find("client-go")
	if okF && okE && okP && len(fdb.crash) > 0 {
		f50, f99 := failoverRatios(fdb)
		e50, e99 := failoverRatios(etcd)
		p50, p99 := failoverRatios(poll)
		w("- Failover after a crash, in leases (p50 / p99 of %d): fdbelect **%.2f / %.2f**, "+
			"etcd %.2f / %.2f, client-go style poller %.2f / %.2f.", len(fdb.crash), f50,
			f99, e50, e99, p50, p99)
	}
	slow, okS := r.find(slowLabel)
	if okS && okE && okP && len(slow.settled) > 0 {
		w("- Handover after a resignation, p50 in heartbeats: fdbelect **%.3f** (with "+
			"FoundationDB-like latency; %.3f in-process), etcd %.3f, client-go style "+
			"poller %.3f.", ratio(slow.settled.quantile(0.5), slow.heartbeat),
			ratio(fdb.settled.quantile(0.5), fdb.heartbeat),
			ratio(etcd.settled.quantile(0.5), etcd.heartbeat),
			ratio(poll.settled.quantile(0.5), poll.heartbeat))
	}
	if f := r.fleet; f.elections > 0 {
		w("- %d elections × %d candidates at a %v heartbeat in one process: **%.2f** of one "+
			"core, storage engine included.", f.elections, f.perElection, f.heartbeat,
			f.cpuShare)
	}
	if len(r.costs) == 2 && r.costs[0].nsPerOp > 0 {
		w("- Cycle cost with %d registered candidates / with %d: **%.2f**.",
			r.costs[1].candidates, r.costs[0].candidates,
			float64(r.costs[1].nsPerOp)/float64(r.costs[0].nsPerOp))
	}
}

func (r *results) writeReasons(w writer) {
	fdb, okF := r.find("fdbelect")
	slow, okS := r.find(slowLabel)
	etcd, okE := r.find("etcd")
	_, okP := r.find("client-go")
	if !okF || !okS || !okE || !okP {
		return
	}
	w("")
	w("## Why the figures differ")
	w("")
	w("- **Failover.** An fdbelect follower watches the leader record, so it sees each " +
		"refresh as it commits, and takes over once the record has stayed unchanged for a " +
		"lease on its own clock: between one lease minus one heartbeat and one lease after " +
		"the crash. The poller learns of a renewal only at its next poll, up to 2.2 retry " +
		"periods late, and checks again only that often, so it lands just above one lease. " +
		"An etcd lease ends one TTL after the last keep-alive the server received, but " +
		"the server revokes expired leases in a loop that runs every 500 ms, which " +
		"spreads etcd's failovers up to half a second past the lease.")
	w("- **Settled handover.** fdbelect and etcd wake waiting candidates through " +
		"watches; the poller's followers find the released lock only at their next poll " +
		"(about half a poll interval on average). fdbelect's handover is the resignation " +
		"commit, the watch firing, and the next candidate's cycle (a read and a commit).")
	se, ss := etcd.settled.quantile(0.5), slow.settled.quantile(0.5)
	if se < ss {
		w("  In this run etcd's settled handover (p50 %.1f ms) beat fdbelect's with the "+
			"assumed FoundationDB latency (%.1f ms): etcd's resignation is one delete, "+
			"committed by a single member over loopback, and the waiter's watch is already "+
			"in place, whereas fdbelect needs two commits and a read at the 3 ms commit "+
			"and 1 ms read assumed here. In-process, with no latency, fdbelect takes "+
			"%.1f ms.", ms(se), ms(ss), ms(fdb.settled.quantile(0.5)))
	} else {
		w("  In this run fdbelect's settled handover with the assumed FoundationDB latency "+
			"(p50 %.1f ms) was at or below etcd's (%.1f ms).", ms(ss), ms(se))
	}
	w("- **Back-to-back handover.** fdbelect leaves a vacant record alone for one " +
		"heartbeat after resigning (the resign hold-off), so that another candidate " +
		"takes over. When all three candidates have resigned within one heartbeat, " +
		"everyone is holding off and the next election waits for the first hold-off to " +
		"end: that is the tail of a heartbeat or more. A shorter ResignHoldoff removes " +
		"it at the price of the resigner possibly winning again at once. The poller's " +
		"tail has the same cause (its resigner sits out three retry periods). etcd's " +
		"new waiters are served by its 100 ms watch catch-up loop, which is its tail.")
	w("- **Round trips.** The recipe issues its three reads before waiting on any; on " +
		"FoundationDB, where a read costs a network round trip, a cycle costs one read " +
		"round trip plus the commit.")
	if f := r.fleet; f.elections > 0 {
		per := f.txPerSec * f.heartbeat.Seconds() / float64(max(f.elections*f.perElection, 1))
		w("- **Fleet.** An Elector ran %.2f transactions per heartbeat interval, mostly: a "+
			"leader its refresh; a follower the cycle its watch triggers when the leader "+
			"rewrites the record (each refresh writes a new ballot), which also counts "+
			"as its heartbeat, and its own heartbeat when no refresh came.", per)
	}
}
