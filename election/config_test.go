package election_test

import (
	"errors"
	"testing"
	"time"

	"github.com/fdbelect/fdbelect/election"
)

func TestConfigWithLease(t *testing.T) {
	got := election.ConfigWithLease(30 * time.Second)
	want := election.Config{
		LeaseDuration: 30 * time.Second, HeartbeatInterval: 10 * time.Second,
		CandidateTimeout: 45 * time.Second, Enabled: true, AllowPreemption: true,
	}
	if got != want {
		t.Errorf("ConfigWithLease(30s) = %+v, want %+v", got, want)
	}
	if d := election.DefaultConfig(); d.Validate() != nil {
		t.Errorf("DefaultConfig().Validate() = %v", d.Validate())
	}
}

func TestConfigValidate(t *testing.T) {
	base := election.DefaultConfig()
	with := func(f func(*election.Config)) election.Config {
		c := base
		f(&c)
		return c
	}
	tests := []struct {
		name  string
		cfg   election.Config
		valid bool
	}{
		{"default", base, true},
		{"disabled is still valid", with(func(c *election.Config) { c.Enabled = false }), true},
		{"lease 3ns", election.ConfigWithLease(3), true},
		{"lease too short to derive", election.ConfigWithLease(2), false},
		{"zero", election.Config{}, false},
		{"negative lease", with(func(c *election.Config) { c.LeaseDuration = -time.Second }),
			false},
		{"zero heartbeat", with(func(c *election.Config) { c.HeartbeatInterval = 0 }), false},
		{"negative timeout", with(func(c *election.Config) { c.CandidateTimeout = -1 }), false},
		{"heartbeat equals lease", with(func(c *election.Config) {
			c.HeartbeatInterval = c.LeaseDuration
		}), false},
		{"timeout equals heartbeat", with(func(c *election.Config) {
			c.CandidateTimeout = c.HeartbeatInterval
		}), false},
		{"timeout below lease is allowed", with(func(c *election.Config) {
			c.CandidateTimeout = 5 * time.Second
		}), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.cfg.Validate()
			if tt.valid && err != nil {
				t.Fatalf("Validate() = %v, want nil", err)
			}
			if !tt.valid && !errors.Is(err, election.ErrInvalidArgument) {
				t.Fatalf("Validate() = %v, want ErrInvalidArgument", err)
			}
		})
	}
}
