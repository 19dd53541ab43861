package sim

import (
	"bufio"
	"fmt"
	"html"
	"io"
	"time"
)

// Layout of the timeline, in SVG user units.
const (
	svgLeft   = 90
	svgRight  = 30
	svgTop    = 40
	svgLane   = 34
	svgWidth  = 1200
	svgLegend = 70
)

// WriteTimelineSVG draws r as an SVG image: one lane per elector, a bar
// for every interval during which an incarnation believed it led (labelled
// with its ballot), pauses and downtime shaded, instant faults marked,
// violations as red lines, a time axis in seconds and a legend.
func WriteTimelineSVG(w io.Writer, r *Result) error {
	bw := bufio.NewWriter(w)
	end := max(r.Stats.VirtualTime, time.Millisecond)
	plot := float64(svgWidth - svgLeft - svgRight)
	x := func(t time.Duration) float64 {
		return svgLeft + plot*float64(min(max(t, 0), end))/float64(end)
	}
	lane := make(map[string]int, len(r.Electors))
	for i, id := range r.Electors {
		lane[id] = i
	}
	laneY := func(i int) float64 { return float64(svgTop + i*svgLane) }
	axisY := laneY(len(r.Electors)) + 6
	height := int(axisY) + 30 + svgLegend

	fmt.Fprintf(bw, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" `+
		`viewBox="0 0 %d %d" font-family="sans-serif" font-size="11">`+"\n",
		svgWidth, height, svgWidth, height)
	fmt.Fprintf(bw, `<title>fdbelect simulation, seed %d</title>`+"\n", r.Seed)
	fmt.Fprintf(bw, `<text x="%d" y="20" font-size="13">seed %d · %d electors · %v · `+
		`%d violations · history %s</text>`+"\n", svgLeft, r.Seed, len(r.Electors),
		end, len(r.Violations), r.Hash[:min(12, len(r.Hash))])

	for i, id := range r.Electors {
		y := laneY(i)
		fmt.Fprintf(bw, `<g class="lane" data-elector="%s">`, html.EscapeString(id))
		fmt.Fprintf(bw, `<rect x="%d" y="%.1f" width="%.1f" height="%d" fill="%s"/>`,
			svgLeft, y, plot, svgLane-4, []string{"#f7f7f7", "#eeeeee"}[i%2])
		fmt.Fprintf(bw, `<text x="%d" y="%.1f" text-anchor="end">%s</text></g>`+"\n",
			svgLeft-8, y+svgLane/2+2, html.EscapeString(id))
	}

	for _, m := range r.Marks {
		i, ok := lane[m.Proc]
		if !ok {
			fmt.Fprintf(bw, `<rect x="%.1f" y="%d" width="%.1f" height="%.1f" fill="#ffe9a8" `+
				`opacity="0.5"><title>%s</title></rect>`+"\n", x(m.At), svgTop,
				max(x(m.Until)-x(m.At), 2), axisY-svgTop-6,
				html.EscapeString(m.Kind+" "+m.Detail))
			continue
		}
		y := laneY(i)
		title := html.EscapeString(fmt.Sprintf("%s %s at %s %s", m.Proc, m.Kind,
			fmtAt(m.At), m.Detail))
		switch m.Kind {
		case MarkCrash, MarkPause:
			fill := map[string]string{MarkCrash: "#bbbbbb", MarkPause: "#9ecae1"}[m.Kind]
			fmt.Fprintf(bw, `<rect x="%.1f" y="%.1f" width="%.1f" height="%d" fill="%s">`+
				`<title>%s</title></rect>`+"\n", x(m.At), y+svgLane-12,
				max(x(m.Until)-x(m.At), 1), 6, fill, title)
			if m.Kind == MarkCrash {
				fmt.Fprintf(bw, `<text x="%.1f" y="%.1f" fill="#333" `+
					`text-anchor="middle">✕</text>`+"\n", x(m.At), y+svgLane-13)
			}
		default:
			fmt.Fprintf(bw, `<circle cx="%.1f" cy="%.1f" r="3" fill="%s"><title>%s</title>`+
				`</circle>`+"\n", x(m.At), y+svgLane-9,
				map[string]string{MarkResign: "#e6550d", MarkPriority: "#756bb1"}[m.Kind], title)
		}
	}

	for _, b := range r.Beliefs {
		i, ok := lane[b.Proc]
		if !ok {
			continue
		}
		y, w := laneY(i)+4, max(x(b.To)-x(b.From), 1)
		fmt.Fprintf(bw, `<rect class="belief" x="%.1f" y="%.1f" width="%.1f" height="14" `+
			`fill="#31a354" stroke="#1b6e34" stroke-width="0.5"><title>%s leads, ballot %d, `+
			`%s–%s</title></rect>`+"\n", x(b.From), y, w, html.EscapeString(b.Proc),
			b.Ballot, fmtAt(b.From), fmtAt(b.To))
		if w > 24 {
			fmt.Fprintf(bw, `<text x="%.1f" y="%.1f" fill="#fff" font-size="9">b%d</text>`+"\n",
				x(b.From)+2, y+11, b.Ballot)
		}
	}

	for _, v := range r.Violations {
		fmt.Fprintf(bw, `<line x1="%.1f" y1="%d" x2="%.1f" y2="%.1f" stroke="#d62728" `+
			`stroke-width="2"><title>%s</title></line>`+"\n", x(v.At), svgTop-6, x(v.At),
			axisY, html.EscapeString(v.String()))
	}

	writeAxis(bw, end, axisY, x)
	writeLegend(bw, axisY+30)
	fmt.Fprintln(bw, `</svg>`)
	return bw.Flush()
}

// writeAxis draws the time axis with about ten labelled ticks.
func writeAxis(bw *bufio.Writer, end time.Duration, y float64, x func(time.Duration) float64) {
	fmt.Fprintf(bw, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#333"/>`+"\n",
		x(0), y, x(end), y)
	step := niceStep(end / 10)
	for t := time.Duration(0); t <= end; t += step {
		fmt.Fprintf(bw, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#333"/>`,
			x(t), y, x(t), y+4)
		fmt.Fprintf(bw, `<text x="%.1f" y="%.1f" text-anchor="middle">%gs</text>`+"\n",
			x(t), y+16, t.Seconds())
	}
	fmt.Fprintf(bw, `<text x="%.1f" y="%.1f" text-anchor="end">virtual time</text>`+"\n",
		x(end), y+28)
}

// niceStep rounds d up to 1, 2 or 5 times a power of ten milliseconds.
func niceStep(d time.Duration) time.Duration {
	step := time.Millisecond
	for {
		for _, f := range []time.Duration{1, 2, 5} {
			if f*step >= d {
				return f * step
			}
		}
		step *= 10
	}
}

// writeLegend explains the marks.
func writeLegend(bw *bufio.Writer, y float64) {
	items := []struct{ shape, label string }{
		{`<rect width="14" height="10" fill="#31a354"/>`, "believes it leads (bN: ballot)"},
		{`<rect width="14" height="6" y="2" fill="#9ecae1"/>`, "paused"},
		{`<rect width="14" height="6" y="2" fill="#bbbbbb"/>`, "crashed (down)"},
		{`<circle cx="7" cy="5" r="3" fill="#e6550d"/>`, "asked to resign"},
		{`<circle cx="7" cy="5" r="3" fill="#756bb1"/>`, "priority changed"},
		{`<rect width="14" height="10" fill="#ffe9a8"/>`, "config change (span: disabled)"},
		{`<rect width="3" height="10" x="5" fill="#d62728"/>`, "invariant violation"},
	}
	fmt.Fprintf(bw, `<g class="legend" transform="translate(%d %.1f)">`, svgLeft, y)
	for i, it := range items {
		col, row := i%4, i/4
		fmt.Fprintf(bw, `<g transform="translate(%d %d)">%s<text x="20" y="9">%s</text></g>`,
			col*260, row*18, it.shape, html.EscapeString(it.label))
	}
	fmt.Fprintln(bw, `</g>`)
}
