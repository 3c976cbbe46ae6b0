// Package config reads daihoi's typed configuration: defaults, then the YAML
// file (configs/daihoi.yaml), then DAIHOI_* environment variables.
package config

import (
	"fmt"
	"net"
	"net/url"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/knadh/koanf/parsers/yaml"
	"github.com/knadh/koanf/providers/confmap"
	"github.com/knadh/koanf/providers/env/v2"
	"github.com/knadh/koanf/providers/file"
	"github.com/knadh/koanf/v2"

	"github.com/daihoi/daihoi/internal/domain"
)

// Config is every setting of daihoi. configs/daihoi.yaml documents each one.
type Config struct {
	Addr     string `koanf:"addr"`
	BaseURL  string `koanf:"base_url"`
	Database struct {
		URL            string `koanf:"url"`
		MaxConns       int    `koanf:"max_conns"`
		MigrateOnStart bool   `koanf:"migrate_on_start"`
		// AcquireTimeout is how long a request waits for a connection when
		// every one is busy before it is answered 503.
		AcquireTimeout time.Duration `koanf:"acquire_timeout"`
		// StatementTimeout, LockTimeout and IdleInTransactionSessionTimeout
		// are set on every connection (0s: the server's own setting).
		StatementTimeout                time.Duration `koanf:"statement_timeout"`
		LockTimeout                     time.Duration `koanf:"lock_timeout"`
		IdleInTransactionSessionTimeout time.Duration `koanf:"idle_in_transaction_session_timeout"`
		// BulkTimeout bounds the statements and lock waits of bulk work
		// over a whole tree (imports, new rounds, the jobs).
		BulkTimeout time.Duration `koanf:"bulk_timeout"`
		// ReplicaURLs are streaming replicas of the database, which serve
		// the reads of the dashboards, reports, exports and search once they
		// have replayed the caller's writes.
		ReplicaURLs []string `koanf:"replica_urls"`
		// ReplicaMaxLag: a replica further behind is not read from.
		ReplicaMaxLag time.Duration `koanf:"replica_max_lag"`
		// ReplicaMaxConns is the connections to each replica (0: max_conns).
		ReplicaMaxConns int `koanf:"replica_max_conns"`
	} `koanf:"database"`
	Embedded struct {
		DataDir  string `koanf:"data_dir"`
		Port     int    `koanf:"port"`
		Database string `koanf:"database"`
	} `koanf:"embedded"`
	Log struct {
		Level  string `koanf:"level"`
		Format string `koanf:"format"`
	} `koanf:"log"`
	HTTP struct {
		BodyLimit       string        `koanf:"body_limit"`
		ReadTimeout     time.Duration `koanf:"read_timeout"`
		WriteTimeout    time.Duration `koanf:"write_timeout"`
		ShutdownTimeout time.Duration `koanf:"shutdown_timeout"`
		// TrustedProxies are the addresses (CIDR ranges or single IPs) of
		// the reverse proxies whose X-Forwarded-For header tells the client
		// address; empty: the socket's peer is the client.
		TrustedProxies []string `koanf:"trusted_proxies"`
	} `koanf:"http"`
	Auth struct {
		TokenTTL           time.Duration `koanf:"token_ttl"`
		SessionLifetime    time.Duration `koanf:"session_lifetime"`
		SessionIdleTimeout time.Duration `koanf:"session_idle_timeout"`
		CookieSecure       bool          `koanf:"cookie_secure"`
		BcryptCost         int           `koanf:"bcrypt_cost"`
		CallerCache        time.Duration `koanf:"caller_cache"`
	} `koanf:"auth"`
	Jobs struct {
		Enabled  bool   `koanf:"enabled"`
		Timezone string `koanf:"timezone"`
		// Housekeeping deletes expired sessions and API tokens.
		Housekeeping string `koanf:"housekeeping"`
		// ProgressSnapshot writes the daily snapshot of the day that ended.
		ProgressSnapshot string `koanf:"progress_snapshot"`
		// LateFlags opens and resolves the flags and recounts late units
		// (also run once at start-up).
		LateFlags string `koanf:"late_flags"`
		// ConsistencyCheck recomputes every rollup and fixes drift.
		ConsistencyCheck string `koanf:"consistency_check"`
		// AtRiskDays: a unit without a planned date is at risk from this
		// many days before its deadline.
		AtRiskDays int `koanf:"at_risk_days"`
		// WeeklyReport makes the weekly progress reports of the week just
		// ended and queues their e-mails; ReportMail sends (and retries) them.
		WeeklyReport string `koanf:"weekly_report"`
		ReportMail   string `koanf:"report_mail"`
		// Reminders mails the daily reminders.
		Reminders string `koanf:"reminders"`
	} `koanf:"jobs"`
	Reminders struct {
		// Days is how many days ahead the daily reminders look.
		Days int `koanf:"days"`
	} `koanf:"reminders"`
	Reports struct {
		// Kinds are the unit kinds reported on every week (besides every
		// unit someone subscribed to).
		Kinds []string `koanf:"kinds"`
		// ForecastWeeks is how many past weeks set the pace of the forecast.
		ForecastWeeks int `koanf:"forecast_weeks"`
		// Workers is how many reports the weekly job makes at a time.
		Workers int `koanf:"workers"`
	} `koanf:"reports"`
	Mail struct {
		// Host of the SMTP server; empty: no e-mail is sent (they wait).
		Host     string        `koanf:"host"`
		Port     int           `koanf:"port"`
		Username string        `koanf:"username"`
		Password string        `koanf:"password"`
		From     string        `koanf:"from"`
		TLS      string        `koanf:"tls"`
		Timeout  time.Duration `koanf:"timeout"`
		// Attempts is how many times an e-mail is tried before it is given up.
		Attempts int `koanf:"attempts"`
	} `koanf:"mail"`
	Import struct {
		// MaxRows is the most rows of units a file imported on the web
		// page may hold (the command line takes any number).
		MaxRows int `koanf:"max_rows"`
		// MaxUnpackedMB is the most an XLSX file imported on the web page
		// may unpack to, in megabytes (the command line takes up to 1024).
		MaxUnpackedMB int `koanf:"max_unpacked_mb"`
	} `koanf:"import"`
	Papers struct {
		// MaxSizeMB bounds the file of one paper of a congress (minutes,
		// resolution, ...) uploaded on the unit page or through the API.
		MaxSizeMB int `koanf:"max_size_mb"`
	} `koanf:"papers"`
	Demo struct {
		SeedIfEmpty bool `koanf:"seed_if_empty"`
		// Date is the day (YYYY-MM-DD) the demo data describes; a server
		// with the demo data runs its clock from 09:00 that day.
		Date string `koanf:"date"`
	} `koanf:"demo"`
	Clock struct {
		// Start, when set (YYYY-MM-DDTHH:MM in Asia/Ho_Chi_Minh), is what
		// the clock reads when the process starts; it runs on from there.
		// For trials and benchmarks: refused unless AllowShifted.
		Start        string `koanf:"start"`
		AllowShifted bool   `koanf:"allow_shifted"`
	} `koanf:"clock"`
	Metrics struct {
		// Addr is where /metrics is served (Prometheus); empty: nowhere.
		Addr string `koanf:"addr"`
	} `koanf:"metrics"`
	Cache struct {
		// ProgressTTL is how long the figures of a progress read (a unit's,
		// its children's) are served from memory to other users; a user who
		// has just written reads afresh. 0: never.
		ProgressTTL time.Duration `koanf:"progress_ttl"`
	} `koanf:"cache"`
	Runtime struct {
		// GCPercent is the server's garbage collection target (Go's GOGC):
		// the heap may grow by this percentage of what is live before a
		// collection. 0: Go's default. GOGC in the environment wins.
		GCPercent int `koanf:"gc_percent"`
		// MemoryLimitMB is the memory the Go runtime aims to stay under,
		// collecting more often near it (Go's GOMEMLIMIT). 0: none.
		// GOMEMLIMIT in the environment wins.
		MemoryLimitMB int `koanf:"memory_limit_mb"`
	} `koanf:"runtime"`
}

// defaults mirror configs/daihoi.yaml, so the binary runs without the file.
var defaults = map[string]any{
	"addr":                      ":8080",
	"base_url":                  "http://localhost:8080",
	"database.url":              "",
	"database.max_conns":        20,
	"database.migrate_on_start": true,

	// The connections' waits and timeouts.
	"database.acquire_timeout":                     "5s",
	"database.statement_timeout":                   "60s",
	"database.lock_timeout":                        "15s",
	"database.idle_in_transaction_session_timeout": "60s",
	"database.bulk_timeout":                        "30m",

	// Read replicas.
	"database.replica_urls":      []string{},
	"database.replica_max_lag":   "10s",
	"database.replica_max_conns": 0,

	"embedded.data_dir":         ".data/postgres",
	"embedded.port":             0,
	"embedded.database":         "daihoi",
	"log.level":                 "info",
	"log.format":                "text",
	"http.body_limit":           "4M",
	"http.read_timeout":         "30s",
	"http.write_timeout":        "60s",
	"http.shutdown_timeout":     "15s",
	"http.trusted_proxies":      []string{},
	"auth.token_ttl":            "720h",
	"auth.session_lifetime":     "12h",
	"auth.session_idle_timeout": "2h",
	"auth.cookie_secure":        false,
	"auth.bcrypt_cost":          10,
	"auth.caller_cache":         "5s",
	"jobs.enabled":              true,
	"jobs.timezone":             "Asia/Ho_Chi_Minh",
	"jobs.housekeeping":         "17 * * * *",
	"jobs.progress_snapshot":    "5 0 * * *",
	"jobs.late_flags":           "@hourly",
	"jobs.consistency_check":    "30 2 * * *",
	"jobs.at_risk_days":         14,
	"jobs.weekly_report":        "0 7 * * 1",
	"jobs.report_mail":          "*/5 * * * *",
	"jobs.reminders":            "30 6 * * *",
	"reminders.days":            7,
	"reports.kinds":             []string{"district"},
	"reports.forecast_weeks":    4,
	"reports.workers":           3,
	"mail.host":                 "",
	"mail.port":                 587,
	"mail.username":             "",
	"mail.password":             "",
	"mail.from":                 "daihoi <daihoi@localhost>",
	"mail.tls":                  "starttls",
	"mail.timeout":              "30s",
	"mail.attempts":             8,
	"import.max_rows":           50000,
	"import.max_unpacked_mb":    32,
	"papers.max_size_mb":        20,
	"demo.seed_if_empty":        false,
	"demo.date":                 "2020-04-15",
	"clock.start":               "",
	"clock.allow_shifted":       false,
	"metrics.addr":              "",
	"cache.progress_ttl":        "2s",
	"runtime.gc_percent":        400,
	"runtime.memory_limit_mb":   160,
}

// unknownKeys are the keys of a configuration file that name no setting.
func unknownKeys(keys []string) []string {
	var out []string
	for _, k := range keys {
		if _, ok := defaults[k]; !ok {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// EnvName is the environment variable that overrides key.
func EnvName(key string) string {
	return "DAIHOI_" + strings.ToUpper(strings.ReplaceAll(key, ".", "_"))
}

// Keys lists every setting's key.
func Keys() []string {
	out := make([]string, 0, len(defaults))
	for k := range defaults {
		out = append(out, k)
	}
	return out
}

// Load reads the defaults, then path if it exists (an explicitly named file
// must exist), then the environment (os.Environ() in production).
func Load(path string, explicit bool, environ []string) (Config, error) {
	k := koanf.New(".")
	if err := k.Load(confmap.Provider(defaults, "."), nil); err != nil {
		return Config{}, fmt.Errorf("config: defaults: %w", err)
	}
	if path != "" {
		if _, err := os.Stat(path); err == nil || explicit {
			// A key the program does not know (a typing mistake:
			// http.trusted_proxy) is refused, not ignored: the setting
			// meant would silently keep its default.
			fk := koanf.New(".")
			if err := fk.Load(file.Provider(path), yaml.Parser()); err != nil {
				return Config{}, fmt.Errorf("config: %s: %w", path, err)
			}
			if unknown := unknownKeys(fk.Keys()); len(unknown) > 0 {
				return Config{}, fmt.Errorf("config: %s: unknown settings %s (the settings are listed in configs/daihoi.yaml and README)", path, strings.Join(unknown, ", "))
			}
			if err := k.Merge(fk); err != nil {
				return Config{}, fmt.Errorf("config: %s: %w", path, err)
			}
		}
	}
	byEnv := map[string]string{}
	for key := range defaults {
		byEnv[EnvName(key)] = key
	}
	var unknownEnv []string
	for _, kv := range environ {
		name, _, _ := strings.Cut(kv, "=")
		if _, ok := byEnv[name]; strings.HasPrefix(name, "DAIHOI_") && !ok {
			unknownEnv = append(unknownEnv, name)
		}
	}
	if len(unknownEnv) > 0 {
		sort.Strings(unknownEnv)
		return Config{}, fmt.Errorf("config: unknown settings in the environment: %s (each setting's variable is DAIHOI_ and its key in capitals, dots as _: DAIHOI_HTTP_TRUSTED_PROXIES)", strings.Join(unknownEnv, ", "))
	}
	environFn := func() []string { return environ }
	// DATABASE_URL, the usual name, counts when DAIHOI_DATABASE_URL is not set.
	if err := k.Load(env.Provider(".", env.Opt{EnvironFunc: environFn, TransformFunc: func(name, val string) (string, any) {
		if name == "DATABASE_URL" && val != "" {
			return "database.url", val
		}
		return "", nil
	}}), nil); err != nil {
		return Config{}, fmt.Errorf("config: environment: %w", err)
	}
	if err := k.Load(env.Provider(".", env.Opt{Prefix: "DAIHOI_", EnvironFunc: environFn, TransformFunc: func(name, val string) (string, any) {
		key := byEnv[name]
		if _, list := defaults[key].([]string); list {
			return key, splitList(val)
		}
		return key, val
	}}), nil); err != nil {
		return Config{}, fmt.Errorf("config: environment: %w", err)
	}
	var c Config
	if err := k.UnmarshalWithConf("", &c, koanf.UnmarshalConf{Tag: "koanf"}); err != nil {
		return Config{}, fmt.Errorf("config: %w", err)
	}
	return c, c.validate()
}

func (c Config) validate() error {
	var bad []string
	if c.Database.MaxConns < 1 {
		bad = append(bad, "database.max_conns must be at least 1")
	}
	if c.Database.AcquireTimeout <= 0 || c.Database.BulkTimeout <= 0 {
		bad = append(bad, "database.acquire_timeout and database.bulk_timeout must be positive")
	}
	if c.Database.StatementTimeout < 0 || c.Database.LockTimeout < 0 || c.Database.IdleInTransactionSessionTimeout < 0 {
		bad = append(bad, "database.statement_timeout, lock_timeout and idle_in_transaction_session_timeout must not be negative")
	}
	if c.Database.ReplicaMaxLag <= 0 || c.Database.ReplicaMaxConns < 0 {
		bad = append(bad, "database.replica_max_lag must be positive and database.replica_max_conns not negative")
	}
	for i, u := range c.Database.ReplicaURLs {
		if strings.TrimSpace(u) == "" || u == c.Database.URL {
			bad = append(bad, fmt.Sprintf("database.replica_urls: replica %d is empty or the primary's url", i+1))
		}
	}
	if c.Auth.BcryptCost < 4 || c.Auth.BcryptCost > 31 {
		bad = append(bad, "auth.bcrypt_cost must be between 4 and 31")
	}
	if c.Auth.CallerCache < 0 {
		bad = append(bad, "auth.caller_cache must not be negative")
	}
	if c.Cache.ProgressTTL < 0 {
		bad = append(bad, "cache.progress_ttl must not be negative")
	}
	if c.Auth.TokenTTL <= 0 || c.Auth.SessionLifetime <= 0 {
		bad = append(bad, "auth.token_ttl and auth.session_lifetime must be positive")
	}
	if _, err := time.LoadLocation(c.Jobs.Timezone); err != nil {
		bad = append(bad, "jobs.timezone: "+err.Error())
	}
	if c.Jobs.AtRiskDays < 0 || c.Jobs.AtRiskDays > 366 {
		bad = append(bad, "jobs.at_risk_days must be between 0 and 366")
	}
	if _, err := c.DemoDate(); err != nil {
		bad = append(bad, err.Error())
	}
	if _, err := c.ClockStart(); err != nil {
		bad = append(bad, err.Error())
	}
	if _, err := c.TrustedProxies(); err != nil {
		bad = append(bad, err.Error())
	}
	if len(c.Reports.Kinds) == 0 {
		bad = append(bad, "reports.kinds must name at least one unit kind")
	}
	if c.Reports.ForecastWeeks < 1 || c.Reports.ForecastWeeks > 52 {
		bad = append(bad, "reports.forecast_weeks must be between 1 and 52")
	}
	if c.Reports.Workers < 1 || c.Reports.Workers > 16 {
		bad = append(bad, "reports.workers must be between 1 and 16")
	}
	if c.Import.MaxRows < 1 || c.Import.MaxUnpackedMB < 1 || c.Import.MaxUnpackedMB > 1024 {
		bad = append(bad, "import.max_rows must be at least 1 and import.max_unpacked_mb between 1 and 1024")
	}
	if c.Papers.MaxSizeMB < 1 || c.Papers.MaxSizeMB > 1024 {
		bad = append(bad, "papers.max_size_mb must be between 1 and 1024")
	}
	if c.Mail.Attempts < 1 {
		bad = append(bad, "mail.attempts must be at least 1")
	}
	if c.Reminders.Days < 1 || c.Reminders.Days > 90 {
		bad = append(bad, "reminders.days must be between 1 and 90")
	}
	switch c.Log.Format {
	case "text", "json":
	default:
		bad = append(bad, "log.format must be text or json")
	}
	switch c.Log.Level {
	case "debug", "info", "warn", "error":
	default:
		bad = append(bad, "log.level must be debug, info, warn or error")
	}
	if c.HTTP.ReadTimeout <= 0 || c.HTTP.WriteTimeout <= 0 || c.HTTP.ShutdownTimeout <= 0 {
		bad = append(bad, "http.read_timeout, http.write_timeout and http.shutdown_timeout must be positive")
	}
	bad = append(bad, c.checkAddresses()...)
	if len(bad) > 0 {
		return fmt.Errorf("config: %s", strings.Join(bad, "; "))
	}
	return nil
}

// checkAddresses checks base_url against auth.cookie_secure, and that
// /metrics does not take the address of the site.
func (c Config) checkAddresses() []string {
	var bad []string
	u, err := url.Parse(c.BaseURL)
	switch {
	case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "":
		bad = append(bad, fmt.Sprintf("base_url must be an absolute http:// or https:// address (the links of e-mails and calendar feeds), not %q", c.BaseURL))
	case u.Scheme == "http" && c.Auth.CookieSecure:
		bad = append(bad, "auth.cookie_secure is true but base_url is http://: browsers would not send the session cookie back, and no one could sign in")
	case u.Scheme == "https" && !c.Auth.CookieSecure:
		bad = append(bad, "base_url is https:// but auth.cookie_secure is false: the session cookie could leak over plain http; set auth.cookie_secure to true")
	}
	if c.Metrics.Addr != "" && c.Metrics.Addr == c.Addr {
		bad = append(bad, "metrics.addr must differ from addr (the site's address)")
	}
	return bad
}

// DemoDate returns demo.date as a calendar day (midnight UTC, like domain.Date).
func (c Config) DemoDate() (time.Time, error) {
	d, err := time.Parse("2006-01-02", c.Demo.Date)
	if err != nil {
		return time.Time{}, fmt.Errorf("demo.date must be a date YYYY-MM-DD that exists, not %q", c.Demo.Date)
	}
	return d, nil
}

// clockLayouts are the forms clock.start may take.
var clockLayouts = []string{"2006-01-02T15:04", "2006-01-02T15:04:05"}

// ClockStart returns clock.start as an instant in Asia/Ho_Chi_Minh (zero
// when unset). A start without clock.allow_shifted is refused: a shifted
// clock changes every figure and deadline, so it is for trial servers only.
func (c Config) ClockStart() (time.Time, error) {
	if c.Clock.Start == "" {
		return time.Time{}, nil
	}
	var t time.Time
	err := fmt.Errorf("clock.start must be a time YYYY-MM-DDTHH:MM (Asia/Ho_Chi_Minh), not %q", c.Clock.Start)
	for _, layout := range clockLayouts {
		if p, perr := time.ParseInLocation(layout, c.Clock.Start, domain.Location); perr == nil {
			t, err = p, nil
			break
		}
	}
	if err != nil {
		return time.Time{}, err
	}
	if !c.Clock.AllowShifted {
		return time.Time{}, fmt.Errorf("clock.start (%s) shifts the clock of every figure and deadline, for trials and "+
			"benchmarks only: it is refused unless clock.allow_shifted is true, which no production server sets", c.Clock.Start)
	}
	return t, nil
}

// TrustedProxies returns http.trusted_proxies as address ranges (a single
// IP is a range of one).
func (c Config) TrustedProxies() ([]*net.IPNet, error) {
	out := make([]*net.IPNet, 0, len(c.HTTP.TrustedProxies))
	for _, s := range c.HTTP.TrustedProxies {
		s = strings.TrimSpace(s)
		if ip := net.ParseIP(s); ip != nil {
			bits := 8 * len(ip.To16())
			if ip4 := ip.To4(); ip4 != nil {
				ip, bits = ip4, 32
			}
			out = append(out, &net.IPNet{IP: ip, Mask: net.CIDRMask(bits, bits)})
			continue
		}
		_, n, err := net.ParseCIDR(s)
		if err != nil {
			return nil, fmt.Errorf("http.trusted_proxies: %q is neither an IP address nor a CIDR range (10.0.0.0/8)", s)
		}
		out = append(out, n)
	}
	return out, nil
}

// Masked returns the settings as key=value pairs with secrets hidden, for the log.
func (c Config) Masked() map[string]any {
	url := maskURL(c.Database.URL)
	if url == "" {
		url = "(embedded)"
	}
	replicas := make([]string, len(c.Database.ReplicaURLs))
	for i, u := range c.Database.ReplicaURLs {
		replicas[i] = maskURL(u)
	}
	return map[string]any{"addr": c.Addr, "database.url": url, "database.max_conns": c.Database.MaxConns,
		"database.replica_urls": replicas, "database.replica_max_lag": c.Database.ReplicaMaxLag.String(),
		"embedded.data_dir": c.Embedded.DataDir, "log.level": c.Log.Level, "jobs.enabled": c.Jobs.Enabled,
		"mail.host": c.Mail.Host, "reports.kinds": c.Reports.Kinds,
		"http.trusted_proxies": c.HTTP.TrustedProxies, "metrics.addr": c.Metrics.Addr, "clock.start": c.Clock.Start,
		"cache.progress_ttl": c.Cache.ProgressTTL.String()}
}

// maskURL hides the credentials of a postgres:// URL.
func maskURL(url string) string {
	if i := strings.LastIndex(url, "@"); i > 0 {
		if j := strings.Index(url, "://"); j > 0 && j < i {
			return url[:j+3] + "***" + url[i:]
		}
	}
	return url
}

// splitList reads a list from the environment: "district, city".
func splitList(v string) []string {
	out := []string{}
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}
