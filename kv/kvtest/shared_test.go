package kvtest

import (
	"bytes"
	"testing"
)

func TestPrefixRange(t *testing.T) {
	cases := []struct {
		prefix, begin, end string
	}{
		{"p/", "p/", "p0"},
		{"a\xff", "a\xff", "b"},
		{"a\xfe\xff\xff", "a\xfe\xff\xff", "a\xff"},
		{"", "", "\xff"},
		{"\xff\xff", "\xff\xff", "\xff"},
	}
	for _, c := range cases {
		r := PrefixRange([]byte(c.prefix))
		if !bytes.Equal(r.Begin, []byte(c.begin)) || !bytes.Equal(r.End, []byte(c.end)) {
			t.Errorf("PrefixRange(%q): got [%q, %q), want [%q, %q)",
				c.prefix, r.Begin, r.End, c.begin, c.end)
		}
	}
}
