package kv

import (
	"errors"
	"fmt"
)

// Error is a FoundationDB error: its numeric code and name. Engines return
// *Error values (possibly wrapped); errors.As finds them through wrapping.
type Error struct {
	Code int
	Name string
}

// Error returns "kv: NAME (CODE)".
func (e *Error) Error() string {
	return fmt.Sprintf("kv: %s (%d)", e.Name, e.Code)
}

// Is reports whether target is an *Error with the same code, so that
// errors.Is(err, kv.ErrNotCommitted) matches any not_committed error.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code
}

// FoundationDB error codes used by fdbelect, with their official names.
const (
	CodeTimedOut                = 1004
	CodeTransactionTooOld       = 1007
	CodeFutureVersion           = 1009
	CodeNotCommitted            = 1020
	CodeCommitUnknownResult     = 1021
	CodeTransactionCancelled    = 1025
	CodeTransactionTimedOut     = 1031
	CodeTooManyWatches          = 1032
	CodeWatchesDisabled         = 1034
	CodeAccessedUnreadable      = 1036
	CodeProcessBehind           = 1037
	CodeDatabaseLocked          = 1038
	CodeClusterVersionChanged   = 1039
	CodeCommitProxyMemoryLimit  = 1042
	CodeBatchTransactionThrottl = 1051
	CodeGRVProxyMemoryLimit     = 1078
	CodeOperationCancelled      = 1101
	CodeTagThrottled            = 1213
	CodeProxyTagThrottled       = 1223
	CodeHotShardThrottled       = 1235
	CodeClientInvalidOperation  = 2000
	CodeKeyOutsideLegalRange    = 2004
	CodeInvertedRange           = 2005
	CodeInvalidOptionValue      = 2006
	CodeUsedDuringCommit        = 2017
	CodeNoCommitVersion         = 2021
	CodeInvalidMutationType     = 2018
	CodeTransactionTooLarge     = 2101
	CodeKeyTooLarge             = 2102
	CodeValueTooLarge           = 2103
	CodeAPIVersionNotSupported  = 2203
	CodeUnknownError            = 4000
	CodeInternalError           = 4100
)

var names = map[int]string{
	CodeTimedOut:                "timed_out",
	CodeTransactionTooOld:       "transaction_too_old",
	CodeFutureVersion:           "future_version",
	CodeNotCommitted:            "not_committed",
	CodeCommitUnknownResult:     "commit_unknown_result",
	CodeTransactionCancelled:    "transaction_cancelled",
	CodeTransactionTimedOut:     "transaction_timed_out",
	CodeTooManyWatches:          "too_many_watches",
	CodeWatchesDisabled:         "watches_disabled",
	CodeAccessedUnreadable:      "accessed_unreadable",
	CodeProcessBehind:           "process_behind",
	CodeDatabaseLocked:          "database_locked",
	CodeClusterVersionChanged:   "cluster_version_changed",
	CodeCommitProxyMemoryLimit:  "commit_proxy_memory_limit_exceeded",
	CodeBatchTransactionThrottl: "batch_transaction_throttled",
	CodeGRVProxyMemoryLimit:     "grv_proxy_memory_limit_exceeded",
	CodeOperationCancelled:      "operation_cancelled",
	CodeTagThrottled:            "tag_throttled",
	CodeProxyTagThrottled:       "proxy_tag_throttled",
	CodeHotShardThrottled:       "transaction_throttled_hot_shard",
	CodeClientInvalidOperation:  "client_invalid_operation",
	CodeKeyOutsideLegalRange:    "key_outside_legal_range",
	CodeInvertedRange:           "inverted_range",
	CodeInvalidOptionValue:      "invalid_option_value",
	CodeUsedDuringCommit:        "used_during_commit",
	CodeNoCommitVersion:         "no_commit_version",
	CodeInvalidMutationType:     "invalid_mutation_type",
	CodeTransactionTooLarge:     "transaction_too_large",
	CodeKeyTooLarge:             "key_too_large",
	CodeValueTooLarge:           "value_too_large",
	CodeAPIVersionNotSupported:  "api_version_not_supported",
	CodeUnknownError:            "unknown_error",
	CodeInternalError:           "internal_error",
}

// NewError returns the *Error for code, named as FoundationDB names it
// ("unknown_error_CODE" for a code this package does not list).
func NewError(code int) *Error {
	name, ok := names[code]
	if !ok {
		name = fmt.Sprintf("unknown_error_%d", code)
	}
	return &Error{Code: code, Name: name}
}

// Sentinels for errors.Is. Each matches any *Error with its code.
var (
	ErrNotCommitted        = NewError(CodeNotCommitted)
	ErrCommitUnknownResult = NewError(CodeCommitUnknownResult)
	ErrTransactionTooOld   = NewError(CodeTransactionTooOld)
	ErrAccessedUnreadable  = NewError(CodeAccessedUnreadable)
	ErrTransactionTimedOut = NewError(CodeTransactionTimedOut)
	ErrCancelled           = NewError(CodeTransactionCancelled)
	ErrOperationCancelled  = NewError(CodeOperationCancelled)
	ErrTooManyWatches      = NewError(CodeTooManyWatches)
)

// Code returns the FoundationDB code of the first *Error in err's chain, and
// false when there is none.
func Code(err error) (int, bool) {
	var e *Error
	if errors.As(err, &e) {
		return e.Code, true
	}
	return 0, false
}

// IsRetryable reports whether FoundationDB's retry loop (fdb_transaction_on_error)
// retries err: the transaction may be run again from the start.
func IsRetryable(err error) bool {
	code, ok := Code(err)
	if !ok {
		return false
	}
	switch code {
	case CodeTransactionTooOld, CodeFutureVersion, CodeNotCommitted,
		CodeCommitUnknownResult, CodeProcessBehind, CodeDatabaseLocked,
		CodeClusterVersionChanged, CodeCommitProxyMemoryLimit,
		CodeBatchTransactionThrottl, CodeGRVProxyMemoryLimit, CodeTagThrottled,
		CodeProxyTagThrottled, CodeHotShardThrottled:
		return true
	}
	return false
}

// IsMaybeCommitted reports whether err leaves it unknown whether the commit
// applied (commit_unknown_result, cluster_version_changed).
func IsMaybeCommitted(err error) bool {
	code, ok := Code(err)
	return ok && (code == CodeCommitUnknownResult || code == CodeClusterVersionChanged)
}

// IsRetryableNotCommitted reports whether err is retryable and the failed
// attempt certainly did not commit.
func IsRetryableNotCommitted(err error) bool {
	return IsRetryable(err) && !IsMaybeCommitted(err)
}
