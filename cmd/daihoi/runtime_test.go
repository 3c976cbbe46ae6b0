package main

import (
	"testing"

	"github.com/daihoi/daihoi/internal/config"
)

func TestTheServersGarbageCollectorFollowsItsSettingsUnlessGosOwnVariablesAreSet(t *testing.T) {
	for _, tc := range []struct {
		name             string
		percent, limitMB int
		env              map[string]string
		wantPercent      int
		wantPercentOK    bool
		wantLimit        int64
		wantLimitOK      bool
	}{
		{"the defaults", 400, 160, nil, 400, true, 160 << 20, true},
		{"GOGC wins over gc_percent", 400, 160, map[string]string{"GOGC": "100"}, 0, false, 160 << 20, true},
		{"GOMEMLIMIT wins over memory_limit_mb", 400, 160, map[string]string{"GOMEMLIMIT": "1GiB"}, 400, true, 0, false},
		{"0 leaves Go's default", 0, 0, nil, 0, false, 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var cfg config.Config
			cfg.Runtime.GCPercent, cfg.Runtime.MemoryLimitMB = tc.percent, tc.limitMB
			p, pok, l, lok := gcSettings(cfg, func(k string) string { return tc.env[k] })
			if p != tc.wantPercent || pok != tc.wantPercentOK || l != tc.wantLimit || lok != tc.wantLimitOK {
				t.Errorf("got %d %v %d %v, want %d %v %d %v", p, pok, l, lok, tc.wantPercent, tc.wantPercentOK, tc.wantLimit, tc.wantLimitOK)
			}
		})
	}
}

func TestTheDefaultSettingsHoldTheGarbageCollectorsTargets(t *testing.T) {
	cfg, err := config.Load("", false, nil)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Runtime.GCPercent != 400 || cfg.Runtime.MemoryLimitMB != 160 {
		t.Errorf("runtime settings %+v, want 400 %% and 160 MB", cfg.Runtime)
	}
}
