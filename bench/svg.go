package main

import (
	"bytes"
	"fmt"
	"html"
	"math"
	"slices"
)

// series is one distribution drawn on the chart.
type series struct {
	name   string
	color  string
	values []float64 // failover time / lease, one per trial
}

// Chart geometry, in SVG user units.
const (
	chartW, chartH                   = 900, 400
	plotL, plotR, plotT, plotB       = 70, 600, 40, 340
	legendX                          = 620
	tickCount                        = 5
	dotRadius                        = 2.5
	lineWidth                        = 2
	titleSize, labelSize, legendSize = 15, 12, 12
)

// failoverSVG draws the cumulative distribution of each series: for a
// failover time x (as a multiple of the lease), the share of trials that
// had a new leader by then. Medians and 99th percentiles are marked.
func failoverSVG(title string, all []series) []byte {
	xmax := 0.0
	for _, s := range all {
		for _, v := range s.values {
			xmax = max(xmax, v)
		}
	}
	xmax = niceCeil(max(xmax*1.05, 1))

	var b bytes.Buffer
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" `+
		`viewBox="0 0 %d %d" font-family="sans-serif">`+"\n", chartW, chartH, chartW, chartH)
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="white"/>`+"\n", chartW, chartH)
	fmt.Fprintf(&b, `<text x="%d" y="24" font-size="%d" font-weight="bold">%s</text>`+"\n",
		plotL, titleSize, html.EscapeString(title))

	px := func(x float64) float64 { return plotL + x/xmax*(plotR-plotL) }
	py := func(y float64) float64 { return plotB - y*(plotB-plotT) }
	drawAxes(&b, xmax, px, py)

	for i, s := range all {
		drawSeries(&b, s, px, py)
		y := plotT + 10 + i*44
		fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s" `+
			`stroke-width="3"/>`+"\n", legendX, y, legendX+20, y, s.color)
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="%d">%s</text>`+"\n",
			legendX+26, y+4, legendSize, html.EscapeString(s.name))
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="%d" fill="#555">`+
			`n=%d p50=%.2f p99=%.2f</text>`+"\n", legendX+26, y+20, legendSize-1,
			len(s.values), quantileF(s.values, 0.5), quantileF(s.values, 0.99))
	}
	b.WriteString("</svg>\n")
	return b.Bytes()
}

func drawAxes(b *bytes.Buffer, xmax float64, px, py func(float64) float64) {
	for i := 0; i <= tickCount; i++ {
		x := xmax * float64(i) / tickCount
		fmt.Fprintf(b, `<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#ddd"/>`+"\n",
			px(x), plotT, px(x), plotB)
		fmt.Fprintf(b, `<text x="%.1f" y="%d" font-size="%d" text-anchor="middle">`+
			`%.2g</text>`+"\n", px(x), plotB+18, labelSize, x)

		y := float64(i) / tickCount
		fmt.Fprintf(b, `<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#ddd"/>`+"\n",
			plotL, py(y), plotR, py(y))
		fmt.Fprintf(b, `<text x="%d" y="%.1f" font-size="%d" text-anchor="end">`+
			`%.0f%%</text>`+"\n", plotL-6, py(y)+4, labelSize, y*100)
	}
	if xmax >= 1 {
		fmt.Fprintf(b, `<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#888" `+
			`stroke-dasharray="5,4"/>`+"\n", px(1), plotT, px(1), plotB)
		fmt.Fprintf(b, `<text x="%.1f" y="%d" font-size="%d" fill="#555">one lease</text>`+
			"\n", px(1)+4, plotB-8, labelSize-1)
	}
	fmt.Fprintf(b, `<rect x="%d" y="%d" width="%d" height="%d" fill="none" `+
		`stroke="#333"/>`+"\n", plotL, plotT, plotR-plotL, plotB-plotT)
	fmt.Fprintf(b, `<text x="%d" y="%d" font-size="%d" text-anchor="middle">`+
		`time from the leader's crash to a new leader, in leases</text>`+"\n",
		(plotL+plotR)/2, plotB+40, labelSize)
	fmt.Fprintf(b, `<text x="18" y="%d" font-size="%d" text-anchor="middle" `+
		`transform="rotate(-90 18 %d)">trials with a new leader</text>`+"\n",
		(plotT+plotB)/2, labelSize, (plotT+plotB)/2)
}

// drawSeries draws the empirical distribution as a step line, with dots
// at the median and the 99th percentile.
func drawSeries(b *bytes.Buffer, s series, px, py func(float64) float64) {
	if len(s.values) == 0 {
		return
	}
	v := slices.Clone(s.values)
	slices.Sort(v)
	n := float64(len(v))

	fmt.Fprintf(b, `<path fill="none" stroke="%s" stroke-width="%d" d="M%.1f %.1f`,
		s.color, lineWidth, px(0), py(0))
	for i, x := range v {
		fmt.Fprintf(b, " H%.1f V%.1f", px(x), py(float64(i+1)/n))
	}
	b.WriteString("\"/>\n")

	for _, q := range []float64{0.5, 0.99} {
		x := quantileF(v, q)
		fmt.Fprintf(b, `<circle cx="%.1f" cy="%.1f" r="%.1f" fill="%s"/>`+"\n",
			px(x), py(q), dotRadius*1.6, s.color)
	}
}

// quantileF is sample.quantile for floats.
func quantileF(v []float64, q float64) float64 {
	if len(v) == 0 {
		return math.NaN()
	}
	sorted := slices.Clone(v)
	slices.Sort(sorted)
	rank := min(max(int(math.Ceil(q*float64(len(sorted)))), 1), len(sorted))
	return sorted[rank-1]
}

// niceCeil rounds x up to 1, 1.5, 2, 2.5, 3, 4 or 5 times a power of ten.
func niceCeil(x float64) float64 {
	if x <= 0 {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(x)))
	for _, m := range []float64{1, 1.5, 2, 2.5, 3, 4, 5, 10} {
		if x <= m*p {
			return m * p
		}
	}
	return 10 * p
}
