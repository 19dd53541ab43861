package kv_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/fdbelect/fdbelect/kv"
)

func TestErrorClasses(t *testing.T) {
	cases := []struct {
		code                      int
		name                      string
		retryable, maybeCommitted bool
	}{
		{kv.CodeNotCommitted, "not_committed", true, false},
		{kv.CodeCommitUnknownResult, "commit_unknown_result", true, true},
		{kv.CodeClusterVersionChanged, "cluster_version_changed", true, true},
		{kv.CodeTransactionTooOld, "transaction_too_old", true, false},
		{kv.CodeProxyTagThrottled, "proxy_tag_throttled", true, false},
		{kv.CodeHotShardThrottled, "transaction_throttled_hot_shard", true, false},
		{kv.CodeTransactionCancelled, "transaction_cancelled", false, false},
		{kv.CodeKeyTooLarge, "key_too_large", false, false},
		{1515, "unknown_error_1515", false, false},
	}
	for _, c := range cases {
		err := fmt.Errorf("op: %w", kv.NewError(c.code))
		if got := kv.NewError(c.code).Name; got != c.name {
			t.Errorf("NewError(%d).Name = %q; want %q", c.code, got, c.name)
		}
		if got := kv.IsRetryable(err); got != c.retryable {
			t.Errorf("IsRetryable(%d) = %v; want %v", c.code, got, c.retryable)
		}
		if got := kv.IsMaybeCommitted(err); got != c.maybeCommitted {
			t.Errorf("IsMaybeCommitted(%d) = %v; want %v", c.code, got, c.maybeCommitted)
		}
		if got := kv.IsRetryableNotCommitted(err); got != (c.retryable && !c.maybeCommitted) {
			t.Errorf("IsRetryableNotCommitted(%d) = %v", c.code, got)
		}
		if code, ok := kv.Code(err); !ok || code != c.code {
			t.Errorf("Code(wrapped %d) = %d, %v", c.code, code, ok)
		}
	}
	if kv.IsRetryable(errors.New("plain")) {
		t.Error("a plain error is retryable")
	}
	if !errors.Is(fmt.Errorf("x: %w", kv.NewError(kv.CodeNotCommitted)), kv.ErrNotCommitted) {
		t.Error("errors.Is does not match a wrapped not_committed by code")
	}
}
