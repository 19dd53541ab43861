package election_test

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package if any test leaves a goroutine behind: every
// Elector must join everything it started before Run returns.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
