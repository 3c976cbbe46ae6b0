package main

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/daihoi/daihoi/internal/domain"
	"github.com/daihoi/daihoi/internal/testdb"
)

func TestClockStartNeedsItsGuard(t *testing.T) {
	for _, args := range [][]string{{"serve"}, {"jobs", "run", "late-flags"}, {"seed", "demo"}} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			t.Setenv("DAIHOI_CLOCK_START", "2020-05-20T09:00")
			_, _, err := runCLI(t, "postgres://nobody@127.0.0.1:1/none?sslmode=disable", "", args...)
			if err == nil || !strings.Contains(err.Error(), "clock.allow_shifted") {
				t.Errorf("err = %v, want a refusal naming clock.allow_shifted", err)
			}
		})
	}
}

func TestClockStartSetsTheServicesClock(t *testing.T) {
	ctx := context.Background()
	a := openTestApp(t, "DAIHOI_CLOCK_START=2020-05-20T09:00", "DAIHOI_CLOCK_ALLOW_SHIFTED=true", "DAIHOI_DEMO_DATE=2020-04-15")
	want := time.Date(2020, 5, 20, 9, 0, 0, 0, domain.Location)
	if d := a.svc.Clock().Now().Sub(want); d < 0 || d > time.Minute {
		t.Errorf("the services' clock reads %v, want %v and on", a.svc.Clock().Now(), want)
	}
	day, err := useDemo(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	if day.Format("2006-01-02") != "2020-04-15" {
		t.Errorf("demo day %v", day)
	}
	if d := a.svc.Clock().Now().Sub(want); d < 0 || d > time.Minute {
		t.Errorf("with the demo seeded the clock reads %v: clock.start must win over demo.date", a.svc.Clock().Now())
	}
}

// TestServeOnAShiftedClock runs the binary with clock.start on the demo
// data (made as of demo.date, 15/04/2020, but served on 20/05/2020): every
// page shows the banner in its language, every response the clock header,
// and the figures are those of the shifted day.
func TestServeOnAShiftedClock(t *testing.T) {
	bin := buildBinary(t)
	addr := freeAddr(t)
	_, exited, _, stderr := startDaihoi(t, bin, []string{"serve", "--demo"}, "DATABASE_URL="+testdb.URL(t), "DAIHOI_ADDR="+addr,
		"DAIHOI_AUTH_BCRYPT_COST=4", "DAIHOI_LOG_LEVEL=warn", "DAIHOI_JOBS_ENABLED=false",
		"DAIHOI_CLOCK_START=2020-05-20T09:00", "DAIHOI_CLOCK_ALLOW_SHIFTED=true")
	base := "http://" + addr
	waitReady(t, base, exited, stderr)
	if !strings.Contains(stderr.String(), "the clock is shifted") || !strings.Contains(stderr.String(), "2020-05-20T09:00:00+07:00") {
		t.Errorf("the shifted clock is not logged at start:\n%s", stderr)
	}

	get := func(path, lang, token string) (*http.Response, string) {
		t.Helper()
		return fetch(t, "GET", base+path, token, "", "Accept-Language: "+lang)
	}
	for _, tt := range []struct{ lang, want string }{
		{"vi", "Máy chủ chạy thử với đồng hồ đặt lại: ở đây bây giờ là 20/05/2020 09:0"},
		{"en", "A trial server with a shifted clock: here it is now 20/05/2020 09:0"},
	} {
		if _, body := get("/login", tt.lang, ""); !strings.Contains(body, tt.want) {
			t.Errorf("the %s sign-in page lacks the banner %q", tt.lang, tt.want)
		}
	}

	token := login(t, base, "bantochuc", "demo")
	resp, body := get("/api/v1/units/HN.HBT/progress", "en", token)
	if h := resp.Header.Get("X-Daihoi-Clock"); !strings.HasPrefix(h, "2020-05-20T09:0") || !strings.HasSuffix(h, "+07:00") {
		t.Errorf("X-Daihoi-Clock = %q, want 2020-05-20T09:0x:xx+07:00", h)
	}
	var progress struct {
		AsOf string `json:"as_of"`
		Late struct {
			Units []struct {
				Code        string `json:"code"`
				Deadline    string `json:"deadline"`
				DaysOverdue int    `json:"days_overdue"`
			} `json:"units"`
		} `json:"late"`
	}
	if err := json.Unmarshal([]byte(body), &progress); err != nil {
		t.Fatalf("%v: %s", err, body)
	}
	if progress.AsOf != "2020-05-20" {
		t.Errorf("progress as of %s, want the shifted day 2020-05-20", progress.AsOf)
	}
	if len(progress.Late.Units) == 0 {
		t.Fatalf("no late unit on 20/05/2020: %s", body)
	}
	today := time.Date(2020, 5, 20, 0, 0, 0, 0, time.UTC)
	for _, u := range progress.Late.Units {
		deadline, err := time.Parse("2006-01-02", u.Deadline)
		if err != nil {
			t.Fatalf("%s: deadline %q", u.Code, u.Deadline)
		}
		if want := int(today.Sub(deadline).Hours() / 24); u.DaysOverdue != want {
			t.Errorf("%s (deadline %s) is %d days overdue, want %d on 20/05/2020", u.Code, u.Deadline, u.DaysOverdue, want)
		}
	}
	if resp, _ := get("/healthz", "", ""); !strings.HasPrefix(resp.Header.Get("X-Daihoi-Clock"), "2020-05-20") {
		t.Errorf("/healthz without X-Daihoi-Clock: %q", resp.Header.Get("X-Daihoi-Clock"))
	}
}
