// Package config reads daihoi's typed configuration: defaults, then the YAML
// file (configs/daihoi.yaml), then DAIHOI_* environment variables.
package config

import (
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/knadh/koanf/parsers/yaml"
	"github.com/knadh/koanf/providers/confmap"
	"github.com/knadh/koanf/providers/env/v2"
	"github.com/knadh/koanf/providers/file"
	"github.com/knadh/koanf/v2"
)

// Config is every setting of daihoi. configs/daihoi.yaml documents each one.
type Config struct {
	Addr     string `koanf:"addr"`
	BaseURL  string `koanf:"base_url"`
	Database struct {
		URL            string `koanf:"url"`
		MaxConns       int    `koanf:"max_conns"`
		MigrateOnStart bool   `koanf:"migrate_on_start"`
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
	} `koanf:"http"`
	Auth struct {
		TokenTTL           time.Duration `koanf:"token_ttl"`
		SessionLifetime    time.Duration `koanf:"session_lifetime"`
		SessionIdleTimeout time.Duration `koanf:"session_idle_timeout"`
		CookieSecure       bool          `koanf:"cookie_secure"`
		BcryptCost         int           `koanf:"bcrypt_cost"`
	} `koanf:"auth"`
	Jobs struct {
		Enabled  bool   `koanf:"enabled"`
		Timezone string `koanf:"timezone"`
		// Housekeeping deletes expired sessions and API tokens.
		Housekeeping string `koanf:"housekeeping"`
	} `koanf:"jobs"`
	Demo struct {
		SeedIfEmpty bool `koanf:"seed_if_empty"`
	} `koanf:"demo"`
}

// defaults mirror configs/daihoi.yaml, so the binary runs without the file.
var defaults = map[string]any{
	"addr":                      ":8080",
	"base_url":                  "http://localhost:8080",
	"database.url":              "",
	"database.max_conns":        20,
	"database.migrate_on_start": true,
	"embedded.data_dir":         ".data/postgres",
	"embedded.port":             0,
	"embedded.database":         "daihoi",
	"log.level":                 "info",
	"log.format":                "text",
	"http.body_limit":           "4M",
	"http.read_timeout":         "30s",
	"http.write_timeout":        "60s",
	"http.shutdown_timeout":     "15s",
	"auth.token_ttl":            "720h",
	"auth.session_lifetime":     "12h",
	"auth.session_idle_timeout": "2h",
	"auth.cookie_secure":        false,
	"auth.bcrypt_cost":          10,
	"jobs.enabled":              true,
	"jobs.timezone":             "Asia/Ho_Chi_Minh",
	"jobs.housekeeping":         "17 * * * *",
	"demo.seed_if_empty":        false,
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
			if err := k.Load(file.Provider(path), yaml.Parser()); err != nil {
				return Config{}, fmt.Errorf("config: %s: %w", path, err)
			}
		}
	}
	byEnv := map[string]string{}
	for key := range defaults {
		byEnv[EnvName(key)] = key
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
		return byEnv[name], val
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
	if c.Auth.BcryptCost < 4 || c.Auth.BcryptCost > 31 {
		bad = append(bad, "auth.bcrypt_cost must be between 4 and 31")
	}
	if c.Auth.TokenTTL <= 0 || c.Auth.SessionLifetime <= 0 {
		bad = append(bad, "auth.token_ttl and auth.session_lifetime must be positive")
	}
	if _, err := time.LoadLocation(c.Jobs.Timezone); err != nil {
		bad = append(bad, "jobs.timezone: "+err.Error())
	}
	switch c.Log.Format {
	case "text", "json":
	default:
		bad = append(bad, "log.format must be text or json")
	}
	if len(bad) > 0 {
		return fmt.Errorf("config: %s", strings.Join(bad, "; "))
	}
	return nil
}

// Masked returns the settings as key=value pairs with secrets hidden, for the log.
func (c Config) Masked() map[string]any {
	url := c.Database.URL
	if url == "" {
		url = "(embedded)"
	} else if i := strings.Index(url, "@"); i > 0 {
		if j := strings.Index(url, "://"); j > 0 && j < i {
			url = url[:j+3] + "***" + url[i:]
		}
	}
	return map[string]any{"addr": c.Addr, "database.url": url, "database.max_conns": c.Database.MaxConns,
		"embedded.data_dir": c.Embedded.DataDir, "log.level": c.Log.Level, "jobs.enabled": c.Jobs.Enabled}
}
