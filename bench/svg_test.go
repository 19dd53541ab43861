package main

import (
	"encoding/xml"
	"strings"
	"testing"
)

func TestFailoverSVGIsWellFormed(t *testing.T) {
	got := failoverSVG("t<&>", []series{
		{name: "a & b", color: "#123456", values: []float64{0.7, 0.9, 0.8}},
		{name: "empty", color: "#654321"},
	})
	dec := xml.NewDecoder(strings.NewReader(string(got)))
	for {
		_, err := dec.Token()
		if err != nil {
			if err.Error() != "EOF" {
				t.Fatalf("not well-formed XML: %v\n%s", err, got)
			}
			break
		}
	}
	for _, want := range []string{"t&lt;&amp;&gt;", "a &amp; b", "n=3 p50=0.80 p99=0.90"} {
		if !strings.Contains(string(got), want) {
			t.Errorf("chart lacks %q", want)
		}
	}
}

func TestNiceCeil(t *testing.T) {
	tests := []struct{ in, want float64 }{
		{0.9, 1}, {1.2, 1.5}, {1.6, 2}, {2.2, 2.5}, {3.5, 4}, {7, 10}, {0, 1},
	}
	for _, tt := range tests {
		if got := niceCeil(tt.in); got != tt.want {
			t.Errorf("niceCeil(%v) = %v, want %v", tt.in, got, tt.want)
		}
	}
}
