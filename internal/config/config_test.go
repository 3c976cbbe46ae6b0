package config

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/knadh/koanf/parsers/yaml"
	"github.com/knadh/koanf/providers/file"
	"github.com/knadh/koanf/v2"
)

func TestLoadLayers(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "daihoi.yaml")
	if err := os.WriteFile(path, []byte("addr: \":9000\"\ndatabase:\n  max_conns: 7\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		env       []string
		wantAddr  string
		wantConns int
		wantURL   string
		wantTTL   time.Duration
	}{
		{"file overrides defaults", nil, ":9000", 7, "", 720 * time.Hour},
		{"DAIHOI_ADDR overrides the file", []string{"DAIHOI_ADDR=:8181"}, ":8181", 7, "", 720 * time.Hour},
		{"nested keys by underscores", []string{"DAIHOI_DATABASE_MAX_CONNS=3", "DAIHOI_AUTH_TOKEN_TTL=1h"}, ":9000", 3, "", time.Hour},
		{"DATABASE_URL is read", []string{"DATABASE_URL=postgres://x@h/db"}, ":9000", 7, "postgres://x@h/db", 720 * time.Hour},
		{"DAIHOI_DATABASE_URL wins over DATABASE_URL", []string{"DAIHOI_DATABASE_URL=postgres://a@h/a", "DATABASE_URL=postgres://b@h/b"}, ":9000", 7, "postgres://a@h/a", 720 * time.Hour},
		{"variables without the prefix are not daihoi's", []string{"NOPE=1", "PATH=/bin"}, ":9000", 7, "", 720 * time.Hour},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Load(path, true, tt.env)
			if err != nil {
				t.Fatal(err)
			}
			if c.Addr != tt.wantAddr || c.Database.MaxConns != tt.wantConns || c.Database.URL != tt.wantURL || c.Auth.TokenTTL != tt.wantTTL {
				t.Errorf("got addr %q conns %d url %q ttl %v", c.Addr, c.Database.MaxConns, c.Database.URL, c.Auth.TokenTTL)
			}
		})
	}
}

func TestShippedFileMatchesDefaults(t *testing.T) {
	fromFile, err := Load("../../configs/daihoi.yaml", true, nil)
	if err != nil {
		t.Fatal(err)
	}
	builtIn, err := Load("", false, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(fromFile, builtIn) {
		t.Errorf("configs/daihoi.yaml and the built-in defaults differ:\nfile:    %+v\ndefaults: %+v", fromFile, builtIn)
	}
}

func TestInvalidSettingsAreRefused(t *testing.T) {
	for _, env := range []string{"DAIHOI_DATABASE_MAX_CONNS=0", "DAIHOI_AUTH_BCRYPT_COST=2", "DAIHOI_JOBS_TIMEZONE=Mars/Base", "DAIHOI_LOG_FORMAT=xml", "DAIHOI_DEMO_DATE=2020-02-30",
		"DAIHOI_REPORTS_FORECAST_WEEKS=0", "DAIHOI_MAIL_ATTEMPTS=0", "DAIHOI_HTTP_TRUSTED_PROXIES=10.0.0.0/8,proxy.local"} {
		t.Run(env, func(t *testing.T) {
			if _, err := Load("", false, []string{env}); err == nil {
				t.Errorf("Load accepted %s", env)
			}
		})
	}
}

// A setting misspelt, in the file or in the environment, is refused by
// name: left alone it would keep its default without a word (behind a
// proxy, http.trusted_proxy would have every user share one address).
func TestUnknownSettingsAreRefusedByName(t *testing.T) {
	path := filepath.Join(t.TempDir(), "daihoi.yaml")
	if err := os.WriteFile(path, []byte("http:\n  trusted_proxy: [10.0.0.1]\nlog:\n  levl: debug\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(path, true, nil); err == nil || !strings.Contains(err.Error(), "http.trusted_proxy") || !strings.Contains(err.Error(), "log.levl") {
		t.Errorf("a file with unknown keys: %v", err)
	}
	if _, err := Load("", false, []string{"DAIHOI_HTTP_TRUSTED_PROXY=10.0.0.1"}); err == nil || !strings.Contains(err.Error(), "DAIHOI_HTTP_TRUSTED_PROXY") {
		t.Errorf("an unknown variable: %v", err)
	}
}

// Settings that contradict one another, or that a server would quietly
// replace with a default, are refused.
func TestSettingsThatCannotWorkTogetherAreRefused(t *testing.T) {
	for _, env := range [][]string{
		{"DAIHOI_BASE_URL=daihoi.example.vn"},
		{"DAIHOI_BASE_URL=https://daihoi.example.vn"}, // cookie_secure false
		{"DAIHOI_AUTH_COOKIE_SECURE=true"},            // base_url http://localhost:8080
		{"DAIHOI_METRICS_ADDR=:8080"},                 // addr :8080
		{"DAIHOI_LOG_LEVEL=verbose"},
		{"DAIHOI_HTTP_READ_TIMEOUT=0s"},
		{"DAIHOI_HTTP_WRITE_TIMEOUT=-5s"},
	} {
		if _, err := Load("", false, env); err == nil {
			t.Errorf("Load accepted %v", env)
		}
	}
	if _, err := Load("", false, []string{"DAIHOI_BASE_URL=https://daihoi.example.vn", "DAIHOI_AUTH_COOKIE_SECURE=true", "DAIHOI_METRICS_ADDR=127.0.0.1:9100"}); err != nil {
		t.Errorf("a production set-up: %v", err)
	}
}

func TestMissingExplicitFileIsAnError(t *testing.T) {
	if _, err := Load(filepath.Join(t.TempDir(), "none.yaml"), true, nil); err == nil {
		t.Error("Load accepted a missing explicit config file")
	}
}

func TestEverySettingIsDocumentedInTheShippedFile(t *testing.T) {
	k := koanf.New(".")
	if err := k.Load(file.Provider("../../configs/daihoi.yaml"), yaml.Parser()); err != nil {
		t.Fatal(err)
	}
	for _, key := range Keys() {
		if !k.Exists(key) {
			t.Errorf("configs/daihoi.yaml lacks %s", key)
		}
	}
}

func TestDemoDate(t *testing.T) {
	c, err := Load("../../configs/daihoi.yaml", true, nil)
	if err != nil {
		t.Fatal(err)
	}
	d, err := c.DemoDate()
	if err != nil {
		t.Fatal(err)
	}
	if got, want := d, time.Date(2020, 4, 15, 0, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("demo date = %v, want %v", got, want)
	}
	c, err = Load("", false, []string{"DAIHOI_DEMO_DATE=2020-05-01"})
	if err != nil {
		t.Fatal(err)
	}
	if d, _ := c.DemoDate(); d.Month() != time.May {
		t.Errorf("DAIHOI_DEMO_DATE ignored: %v", d)
	}
}

func TestReportKindsFromTheEnvironmentAreAList(t *testing.T) {
	c, err := Load("", false, []string{"DAIHOI_REPORTS_KINDS=district,city"})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(c.Reports.Kinds, []string{"district", "city"}) {
		t.Errorf("reports.kinds = %q, want district and city", c.Reports.Kinds)
	}
}

func TestClockStart(t *testing.T) {
	tests := []struct {
		name    string
		env     []string
		want    string // the start in Asia/Ho_Chi_Minh; "" for the real clock
		refused string // part of the error; "" when accepted
	}{
		{"unset: the real clock", nil, "", ""},
		{"refused without the guard", []string{"DAIHOI_CLOCK_START=2020-04-15T09:00"}, "", "clock.allow_shifted"},
		{"refused when the guard is off", []string{"DAIHOI_CLOCK_START=2020-04-15T09:00", "DAIHOI_CLOCK_ALLOW_SHIFTED=false"}, "", "clock.allow_shifted"},
		{"accepted with the guard", []string{"DAIHOI_CLOCK_START=2020-04-15T09:00", "DAIHOI_CLOCK_ALLOW_SHIFTED=true"}, "2020-04-15 09:00:00 +07", ""},
		{"with seconds", []string{"DAIHOI_CLOCK_START=2020-05-20T07:30:15", "DAIHOI_CLOCK_ALLOW_SHIFTED=true"}, "2020-05-20 07:30:15 +07", ""},
		{"a date alone is refused", []string{"DAIHOI_CLOCK_START=2020-04-15", "DAIHOI_CLOCK_ALLOW_SHIFTED=true"}, "", "YYYY-MM-DDTHH:MM"},
		{"a day that does not exist is refused", []string{"DAIHOI_CLOCK_START=2020-02-30T09:00", "DAIHOI_CLOCK_ALLOW_SHIFTED=true"}, "", "YYYY-MM-DDTHH:MM"},
		{"the guard alone changes nothing", []string{"DAIHOI_CLOCK_ALLOW_SHIFTED=true"}, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Load("", false, tt.env)
			if tt.refused != "" {
				if err == nil || !strings.Contains(err.Error(), tt.refused) {
					t.Fatalf("Load: %v, want an error naming %q", err, tt.refused)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			start, err := c.ClockStart()
			if err != nil {
				t.Fatal(err)
			}
			got := ""
			if !start.IsZero() {
				got = start.In(time.FixedZone("", 7*3600)).Format("2006-01-02 15:04:05 -07")
			}
			if got != tt.want {
				t.Errorf("start = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestTrustedProxies(t *testing.T) {
	c, err := Load("", false, []string{"DAIHOI_HTTP_TRUSTED_PROXIES=127.0.0.1, 10.0.0.0/8,::1,fd00::/8"})
	if err != nil {
		t.Fatal(err)
	}
	nets, err := c.TrustedProxies()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, n := range nets {
		got = append(got, n.String())
	}
	if want := []string{"127.0.0.1/32", "10.0.0.0/8", "::1/128", "fd00::/8"}; !reflect.DeepEqual(got, want) {
		t.Errorf("trusted proxies %v, want %v", got, want)
	}
	if c, _ := Load("", false, nil); len(c.HTTP.TrustedProxies) != 0 {
		t.Errorf("trusted by default: %v", c.HTTP.TrustedProxies)
	}
}
