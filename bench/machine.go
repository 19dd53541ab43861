package main

import (
	"bufio"
	"os"
	"runtime"
	"strings"
	"time"
)

// machine describes where a run took place.
type machine struct {
	cpu       string
	cores     int
	goVersion string
	osArch    string
	date      time.Time
}

func thisMachine() machine {
	return machine{cpu: cpuModel(), cores: runtime.NumCPU(), goVersion: runtime.Version(),
		osArch: runtime.GOOS + "/" + runtime.GOARCH, date: time.Now().UTC()}
}

// cpuModel reads the CPU model from /proc/cpuinfo, or says it is unknown.
func cpuModel() string {
	f, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return "unknown"
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown"
}
