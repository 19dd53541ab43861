package kvtest

import (
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/fdbelect/fdbelect/kv"
)

// Sizes of the bank workload: small enough to stay fast under the race
// detector, large enough that transfers conflict often.
const (
	bankAccounts  = 5
	bankBalance   = 100
	bankWorkers   = 6
	bankTransfers = 15
)

// testBank runs concurrent transfers between a few accounts through
// Transact while auditors read every balance. Serializability means every
// audit and the final state see the same total, no balance goes negative,
// and every transfer is applied exactly once. Each transfer records a
// marker key and skips itself when the marker exists, so that a retry after
// commit_unknown_result does not apply it twice.
func testBank(e *env) {
	e.commit(func(tr kv.Transaction) error {
		for i := range bankAccounts {
			tr.Set(e.account(i), be64(bankBalance))
		}
		return nil
	})

	var wg sync.WaitGroup
	errs := make(chan error, bankWorkers+1)
	stop := make(chan struct{})
	for w := range bankWorkers {
		wg.Go(func() {
			if err := e.transfers(w); err != nil {
				errs <- err
			}
		})
	}
	audits := make(chan int, 1)
	go func() {
		n, err := e.audit(stop)
		if err != nil {
			errs <- err
		}
		audits <- n
	}()
	wg.Wait()
	close(stop)
	<-audits
	close(errs)
	for err := range errs {
		e.t.Error(err)
	}

	balances, err := e.balances()
	if err != nil {
		e.t.Fatalf("final balances: %v", err)
	}
	if got, want := sum(balances), int64(bankAccounts*bankBalance); got != want {
		e.t.Errorf("final total: got %d (balances %v), want %d", got, balances, want)
	}
	if got, want := len(e.names(e.span("done/", "done0"))), bankWorkers*bankTransfers; got != want {
		e.t.Errorf("transfer markers: got %d, want %d", got, want)
	}
}

// account returns the key of account i.
func (e *env) account(i int) []byte {
	return e.key(fmt.Sprintf("acct/%d", i))
}

// transfers runs one worker's transfers.
func (e *env) transfers(worker int) error {
	rng := rand.New(rand.NewPCG(uint64(worker), 0x6b76))
	for i := range bankTransfers {
		from := rng.IntN(bankAccounts)
		to := (from + 1 + rng.IntN(bankAccounts-1)) % bankAccounts
		amount := int64(1 + rng.IntN(40))
		marker := e.key(fmt.Sprintf("done/%d-%d", worker, i))

		err := e.db.Transact(e.ctx, func(tr kv.Transaction) error {
			return transfer(tr, e.account(from), e.account(to), marker, amount)
		})
		if err != nil {
			return fmt.Errorf("transfer %d of worker %d: %w", i, worker, err)
		}
	}
	return nil
}

// transfer moves amount from one account to another unless the source
// would go negative, and records marker either way.
func transfer(tr kv.Transaction, from, to, marker []byte, amount int64) error {
	done, fromF, toF := tr.Get(marker), tr.Get(from), tr.Get(to)
	if v, err := done.Get(); err != nil || v != nil {
		return err
	}
	fv, err := fromF.Get()
	if err != nil {
		return err
	}
	tv, err := toF.Get()
	if err != nil {
		return err
	}
	fb, err := balance(fv)
	if err != nil {
		return err
	}
	tb, err := balance(tv)
	if err != nil {
		return err
	}

	tr.Set(marker, nil)
	if fb < amount {
		return nil
	}
	tr.Set(from, be64(fb-amount))
	tr.Set(to, be64(tb+amount))
	return nil
}

// audit reads all balances in read-only transactions until stop is closed
// and checks each total. It returns how many audits it made.
func (e *env) audit(stop <-chan struct{}) (int, error) {
	for n := 0; ; n++ {
		select {
		case <-stop:
			return n, nil
		default:
		}
		balances, err := e.balances()
		if err != nil {
			return n, fmt.Errorf("audit %d: %w", n, err)
		}
		if got, want := sum(balances), int64(bankAccounts*bankBalance); got != want {
			return n, fmt.Errorf("audit %d: total %d (balances %v), want %d", n, got, balances,
				want)
		}
		for i, b := range balances {
			if b < 0 {
				return n, fmt.Errorf("audit %d: account %d has balance %d", n, i, b)
			}
		}
		// Leave the processor to the workers between audits.
		time.Sleep(time.Millisecond)
	}
}

// balances reads every account in one read-only transaction.
func (e *env) balances() ([]int64, error) {
	var out []int64
	err := e.db.ReadTransact(e.ctx, func(tr kv.ReadTransaction) error {
		kvs, err := tr.GetRange(e.span("acct/", "acct0"), kv.RangeOptions{}).GetSliceWithError()
		if err != nil {
			return err
		}
		out = out[:0]
		for _, p := range kvs {
			b, err := balance(p.Value)
			if err != nil {
				return err
			}
			out = append(out, b)
		}
		return nil
	})
	if err == nil && len(out) != bankAccounts {
		err = fmt.Errorf("kvtest: read %d accounts, want %d", len(out), bankAccounts)
	}
	return out, err
}

// balance decodes an account's value.
func balance(v []byte) (int64, error) {
	if len(v) != 8 {
		return 0, fmt.Errorf("kvtest: account value %s is not 8 bytes", show(v))
	}
	return int64(binary.BigEndian.Uint64(v)), nil
}

// sum adds balances.
func sum(balances []int64) int64 {
	var s int64
	for _, b := range balances {
		s += b
	}
	return s
}
