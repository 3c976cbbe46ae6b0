package main

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/daihoi/daihoi/internal/config"
	"github.com/daihoi/daihoi/internal/domain"
	"github.com/daihoi/daihoi/internal/testdb"
)

// openTestApp opens the app on a fresh test database with the shipped settings.
func openTestApp(t *testing.T, env ...string) *app {
	t.Helper()
	cfg, err := config.Load("../../configs/daihoi.yaml", true, append([]string{"DATABASE_URL=" + testdb.URL(t), "DAIHOI_AUTH_BCRYPT_COST=4"}, env...))
	if err != nil {
		t.Fatal(err)
	}
	c := &cli{cfg: cfg, log: slog.New(slog.NewTextHandler(io.Discard, nil)), stdout: io.Discard, stderr: io.Discard}
	a, err := openApp(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.Close)
	return a
}

func TestServeDemoRunsOnTheDemoDate(t *testing.T) {
	ctx := context.Background()
	t.Run("seeding the demo sets the clock to 09:00 on demo.date", func(t *testing.T) {
		a := openTestApp(t, "DAIHOI_DEMO_DATE=2020-04-20")
		day, err := useDemo(ctx, a)
		if err != nil {
			t.Fatal(err)
		}
		now := a.svc.Clock().Now().In(domain.Location)
		if got, want := day.Format("2006-01-02"), "2020-04-20"; got != want {
			t.Errorf("demo day = %s, want %s", got, want)
		}
		if now.Format("2006-01-02") != "2020-04-20" || now.Hour() != 9 {
			t.Errorf("the services' clock reads %v, want 20/04/2020 09:00", now)
		}
		audit, err := a.svc.RoundAudit(ctx, domain.SystemPrincipal(), "HN.HBT.BACHMAI", 0, false, 5)
		if err != nil || len(audit) == 0 {
			t.Fatalf("the demo's audit log of Bạch Mai: %v, %v", audit, err)
		}
		if at := audit[0].At.In(domain.Location); at.Format("2006-01-02") != "2020-04-20" {
			t.Errorf("the demo's changes are recorded at %v, want on the demo date", at)
		}
		if _, err := a.svc.SetPilot(ctx, domain.SystemPrincipal(), "HN.HBT.MINHKHAI", 0, true); err != nil {
			t.Fatal(err)
		}
		audit, err = a.svc.RoundAudit(ctx, domain.SystemPrincipal(), "HN.HBT.MINHKHAI", 0, false, 1)
		if err != nil || len(audit) != 1 || audit[0].At.In(domain.Location).Format("2006-01-02") != "2020-04-20" {
			t.Errorf("a change on the demo server is recorded at %+v (%v), want on the demo date", audit, err)
		}
		again, err := useDemo(ctx, a)
		if err != nil || !again.Equal(day) {
			t.Errorf("on a database that holds the demo: %v, %v", again, err)
		}
	})
	t.Run("a database with other units keeps the system clock", func(t *testing.T) {
		a := openTestApp(t)
		if _, err := a.svc.CreateUnit(ctx, domain.SystemPrincipal(), domain.UnitInput{Code: "HP", Name: "Đảng bộ thành phố Hải Phòng", Kind: "city"}); err != nil {
			t.Fatal(err)
		}
		day, err := useDemo(ctx, a)
		if err != nil {
			t.Fatal(err)
		}
		if !day.IsZero() {
			t.Errorf("demo day = %v on a database without the demo", day)
		}
		if d := time.Since(a.svc.Clock().Now()); d < -time.Minute || d > time.Minute {
			t.Errorf("the clock is %v off the system clock", d)
		}
	})
}
