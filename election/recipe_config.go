package election

import (
	"time"

	"github.com/fdbelect/fdbelect/kv"
)

// Initialize stores cfg as the election's config unless a config record
// already exists, in which case it changes nothing. It fails with
// ErrInvalidArgument if cfg does not validate.
func (e *Election) Initialize(tr kv.Transaction, cfg Config) error {
	b, err := EncodeConfig(cfg)
	if err != nil {
		return err
	}
	old, err := tr.Get(e.configKey).Get()
	if err != nil {
		return err
	}
	if old == nil {
		tr.Set(e.configKey, b)
	}
	return nil
}

// ReadConfig returns the stored config. It fails with ErrNotInitialized
// when there is none.
func (e *Election) ReadConfig(tr kv.ReadTransaction) (Config, error) {
	st, err := e.read(tr, "", withConfig)
	if err != nil {
		return Config{}, err
	}
	if st.Config == nil {
		return Config{}, ErrNotInitialized
	}
	return *st.Config, nil
}

// WriteConfig stores cfg as the election's config, replacing any previous
// one. Every process acts on the new config from its next transaction.
func (e *Election) WriteConfig(tr kv.Transaction, cfg Config) error {
	b, err := EncodeConfig(cfg)
	if err != nil {
		return err
	}
	tr.Set(e.configKey, b)
	return nil
}

// requireEnabled fails unless cfg is present and has elections enabled.
func requireEnabled(cfg *Config) error {
	if cfg == nil {
		return ErrNotInitialized
	}
	if !cfg.Enabled {
		return ErrElectionDisabled
	}
	return nil
}

// checkNow rejects a time the records cannot store.
func checkNow(now time.Time) error {
	_, err := unixNanos(now)
	return err
}
