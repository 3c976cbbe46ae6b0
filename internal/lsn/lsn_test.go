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
	From(context.Background()).WroteXact(5)

	_, c := Track(context.Background(), Position{LSN: 10, Xact: 100})
	if at, ok := c.ReadAfter(); !ok || at != 10 {
		t.Errorf("ReadAfter = %v, %v; want 10, true", at, ok)
	}
	c.Wrote(30)
	c.Wrote(20) // an earlier commit recorded late does not move it back
	c.WroteXact(90)
	want := Position{LSN: 30, Xact: 100}
	if at, _ := c.ReadAfter(); at != 30 || c.Written() != (Position{LSN: 30, Xact: 90}) || c.Latest() != want {
		t.Errorf("after writes: ReadAfter %v, Written %v, Latest %v; want 30, 0/1E@90, %v", at, c.Written(), c.Latest(), want)
	}

	ctx, p := TrackOnPrimary(context.Background())
	if From(ctx) != p {
		t.Error("From does not return the caller tracked")
	}
	p.WroteXact(7)
	if at, ok := p.ReadAfter(); ok || p.Latest() != (Position{Xact: 7}) {
		t.Errorf("a caller that told nothing reads after %v, %v (want the primary); Latest %v, want 0/0@7", at, ok, p.Latest())
	}
}

func TestPositionsAreWrittenAndReadBack(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want Position
		text string // as written back
	}{
		{"0/0", Position{}, "0/0"},
		{"16/B374D848", Position{LSN: 0x16_B374D848}, "16/B374D848"},
		{"16/B374D848@7421", Position{LSN: 0x16_B374D848, Xact: 7421}, "16/B374D848@7421"},
		{"0/0@18446744073709551615", Position{Xact: 1<<64 - 1}, "0/0@18446744073709551615"},
		{"0/0@0", Position{}, "0/0"},
	} {
		got, err := ParsePosition(tt.in)
		if err != nil || got != tt.want || got.String() != tt.text {
			t.Errorf("ParsePosition(%q) = %+v (%s), %v; want %+v", tt.in, got, got, err, tt.want)
		}
	}
	for _, bad := range []string{"", "@1", "0/0@", "0/0@x", "0/0@-1", "0/0@+1", "0/0@1@2", "0/0@ 1", "0/0@18446744073709551616", "x/0@1", "0/0@1\x00"} {
		if got, err := ParsePosition(bad); err == nil {
			t.Errorf("ParsePosition(%q) = %+v, want an error", bad, got)
		}
	}
	if !(Position{Xact: 2}).Beyond(Position{LSN: 5, Xact: 1}) || (Position{LSN: 5, Xact: 1}).Beyond(Position{LSN: 5, Xact: 1}) {
		t.Error("Beyond: a later transaction is beyond, the same position is not")
	}
}

func TestASnapshotSeesTheTransactionsEndedWhenItWasTaken(t *testing.T) {
	var s Snapshot
	if err := s.Scan("100:110:100,105"); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		xact uint64
		want bool
	}{
		{1, true}, {99, true}, {100, false}, {101, true}, {104, true}, {105, false}, {109, true}, {110, false}, {200, false},
	} {
		if got := s.Sees(c.xact); got != c.want {
			t.Errorf("snapshot 100:110:100,105 sees %d: %v, want %v", c.xact, got, c.want)
		}
	}
	for _, text := range []string{"5:5:", "5:9:6"} {
		var ok Snapshot
		if err := ok.Scan([]byte(text)); err != nil {
			t.Errorf("Scan(%q): %v", text, err)
		}
	}
	for _, bad := range []any{"", "1:2", "1:2:3:4", "a:2:", "1:b:", "1:2:x", "1:2:3,", nil, 5} {
		var got Snapshot
		if err := got.Scan(bad); err == nil {
			t.Errorf("Scan(%#v) = %+v, want an error", bad, got)
		}
	}
}
