# fdbelect's developer tasks. Every target works on a fresh checkout with only
# Go installed: tools are fetched at pinned versions through the module proxy.

GO          ?= go
STATICCHECK ?= honnef.co/go/tools/cmd/staticcheck@v0.8.2
PKGS        ?= ./...
FUZZTIME    ?= 60s

.PHONY: all test race lint fuzz demo sim sim-ci bench

all: lint test

# The whole test suite: unit tests, the conformance suite on the embedded
# engine, fuzz seed corpora and a bounded, seeded simulation sweep.
test:
	$(GO) test -count=1 $(PKGS)

# The same suite under the race detector (what CI runs).
race:
	$(GO) test -race -count=1 $(PKGS)

lint:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$unformatted" ]; then echo "gofmt would change:"; echo "$$unformatted"; exit 1; fi
	$(GO) vet $(PKGS)
	$(GO) run $(STATICCHECK) $(PKGS)

# Longer fuzzing than CI's seed-corpus run: each target for FUZZTIME.
fuzz:
	@for pkg in $$($(GO) list ./...); do \
		for target in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz'); do \
			echo "== $$pkg $$target"; \
			$(GO) test -run '^$$' -fuzz "^$$target$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
		done; \
	done

demo:
	$(GO) run ./cmd/fdbelect demo

# A long simulation sweep: 2000 seeds of five virtual minutes each, every
# fault on. SIM_SEEDS, SIM_DURATION and SIM_FAULTS override it.
sim:
	SIM_SEEDS=$${SIM_SEEDS:-2000} SIM_DURATION=$${SIM_DURATION:-5m} \
		$(GO) test -count=1 -run 'TestSweep$$' -timeout 2h -v ./sim | tail -3

# The bounded, seeded sweep CI runs besides the race-detector suite.
sim-ci:
	SIM_SEEDS=300 $(GO) test -count=1 -run 'TestSweep$$|TestNegative' ./sim

# Side-by-side benchmarks with etcd and a client-go style poller, in their
# own module under bench/; rewrites docs/BENCHMARKS.md and
# docs/benchmarks-failover.svg (about three minutes).
bench:
	GO=$(GO) ./bench/run.sh
