package memkv_test

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package's tests if any goroutine outlives them: the
// engine starts none, so any left over is a test or engine bug.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
