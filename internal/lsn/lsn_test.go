package lsn

import (
	"context"
	"testing"
)

func TestParseReadsPositionsAsPostgreSQLWritesThem(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want LSN
		text string // as written back
	}{
		{"0/0", 0, "0/0"},
		{"16/B374D848", 0x16_B374D848, "16/B374D848"},
		{"16/b374d848", 0x16_B374D848, "16/B374D848"},
		{"FFFFFFFF/FFFFFFFF", 1<<64 - 1, "FFFFFFFF/FFFFFFFF"},
	} {
		got, err := Parse(tt.in)
		if err != nil || got != tt.want || got.String() != tt.text {
			t.Errorf("Parse(%q) = %v (%d), %v; want %s", tt.in, got, uint64(got), err, tt.text)
		}
	}
	for _, bad := range []string{"", "/", "16", "16/", "/1", "x/1", "1/2/3", "100000000/0", "0/100000000", "-1/0", "+1/0", "0x1/0", " 1/0", "1/0\x00"} {
		if got, err := Parse(bad); err == nil {
			t.Errorf("Parse(%q) = %v, want an error", bad, got)
		}
	}
}

func TestACallerReadsAfterItsEarlierAndItsOwnWrites(t *testing.T) {
	if at, ok := From(context.Background()).ReadAfter(); ok || at != 0 {
		t.Errorf("a context without a caller reads after %v, %v; want the primary", at, ok)
	}
	From(context.Background()).Wrote(5) // no caller: nothing to record, no panic

	_, c := Track(context.Background(), 10)
	if at, ok := c.ReadAfter(); !ok || at != 10 {
		t.Errorf("ReadAfter = %v, %v; want 10, true", at, ok)
	}
	c.Wrote(30)
	c.Wrote(20) // an earlier commit recorded late does not move it back
	if at, _ := c.ReadAfter(); at != 30 || c.Written() != 30 || c.Latest() != 30 {
		t.Errorf("after writes: ReadAfter %v, Written %v, Latest %v; want 30", at, c.Written(), c.Latest())
	}

	ctx, p := TrackOnPrimary(context.Background())
	if From(ctx) != p {
		t.Error("From does not return the caller tracked")
	}
	p.Wrote(7)
	if at, ok := p.ReadAfter(); ok || p.Latest() != 7 {
		t.Errorf("a caller that told nothing reads after %v, %v (want the primary); Latest %v, want 7", at, ok, p.Latest())
	}
}
