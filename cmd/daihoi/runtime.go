package main

import (
	"runtime/debug"

	"github.com/daihoi/daihoi/internal/config"
)

// gcSettings are the garbage collector's settings a server applies: the
// configured runtime.gc_percent and runtime.memory_limit_mb, each unless
// Go's own variable (GOGC, GOMEMLIMIT) is set in the environment, or the
// setting is 0. ok says whether each is to be applied.
func gcSettings(cfg config.Config, getenv func(string) string) (percent int, percentOK bool, limit int64, limitOK bool) {
	if cfg.Runtime.GCPercent > 0 && getenv("GOGC") == "" {
		percent, percentOK = cfg.Runtime.GCPercent, true
	}
	if cfg.Runtime.MemoryLimitMB > 0 && getenv("GOMEMLIMIT") == "" {
		limit, limitOK = int64(cfg.Runtime.MemoryLimitMB)<<20, true
	}
	return percent, percentOK, limit, limitOK
}

// applyGC sets the garbage collector from gcSettings.
func applyGC(cfg config.Config, getenv func(string) string) {
	percent, percentOK, limit, limitOK := gcSettings(cfg, getenv)
	if percentOK {
		debug.SetGCPercent(percent)
	}
	if limitOK {
		debug.SetMemoryLimit(limit)
	}
}
