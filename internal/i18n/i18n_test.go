package i18n

import (
	"io/fs"
	"regexp"
	"slices"
	"testing"

	"github.com/BurntSushi/toml"

	"github.com/daihoi/daihoi/templates"
)

func ids(t *testing.T, lang string) []string {
	t.Helper()
	var m map[string]any
	if _, err := toml.DecodeFS(locales, "locales/active."+lang+".toml", &m); err != nil {
		t.Fatal(err)
	}
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func TestBothCatalogsHaveTheSameMessages(t *testing.T) {
	vi, en := ids(t, "vi"), ids(t, "en")
	for _, id := range vi {
		if !slices.Contains(en, id) {
			t.Errorf("%s is in Vietnamese only", id)
		}
	}
	for _, id := range en {
		if !slices.Contains(vi, id) {
			t.Errorf("%s is in English only", id)
		}
	}
}

// Every {{t "id"}} of the templates names a message of the catalogs.
func TestEveryMessageATemplateUsesExists(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	use := regexp.MustCompile(`\bt "([a-z0-9_]+)"`)
	n := 0
	err = fs.WalkDir(templates.FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !regexp.MustCompile(`\.html$`).MatchString(path) {
			return err
		}
		b, err := fs.ReadFile(templates.FS, path)
		if err != nil {
			return err
		}
		for _, m := range use.FindAllStringSubmatch(string(b), -1) {
			n++
			for _, lang := range Languages {
				if _, err := c.T(lang, m[1], map[string]any{"Name": "x", "Minutes": 1}); err != nil {
					t.Errorf("%s: %s in %s: %v", path, m[1], lang, err)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		t.Fatal("no template uses a message")
	}
}

func TestPickPrefersTheUsersChoiceThenTheBrowsers(t *testing.T) {
	tests := []struct{ user, accept, want string }{
		{"", "", "vi"},
		{"", "en-US,en;q=0.9", "en"},
		{"", "fr-FR,fr;q=0.9,en;q=0.5", "en"},
		{"", "fr", "vi"},
		{"vi", "en", "vi"},
		{"en", "vi", "en"},
		{"xx", "en", "en"},
	}
	for _, tt := range tests {
		if got := Pick(tt.user, tt.accept); got != tt.want {
			t.Errorf("Pick(%q, %q) = %q, want %q", tt.user, tt.accept, got, tt.want)
		}
	}
}

func TestCountsTakeTheirPluralFormAndTheirLanguagesDigits(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		lang  string
		count int
		want  string
	}{
		{"en", 1, "1 day late"},
		{"en", 2, "2 days late"},
		{"en", 0, "0 days late"},
		{"vi", 1, "trễ 1 ngày"},
		{"vi", 2, "trễ 2 ngày"},
		{"en", 12345, "12,345 days late"},
		{"vi", 12345, "trễ 12.345 ngày"},
	} {
		got, err := c.T(tc.lang, "late_days", map[string]any{"Count": tc.count})
		if err != nil || got != tc.want {
			t.Errorf("%s %d: %q (%v), want %q", tc.lang, tc.count, got, err, tc.want)
		}
		// A template's optional count (a session's attendance) is a pointer.
		n, n64 := tc.count, int64(tc.count)
		for _, count := range []any{&n, &n64} {
			if got, err := c.T(tc.lang, "late_days", map[string]any{"Count": count}); err != nil || got != tc.want {
				t.Errorf("%s %T %d: %q (%v), want %q", tc.lang, count, tc.count, got, err, tc.want)
			}
		}
	}
}

// Every English message that counts ({{.Count}}) has its singular and plural.
func TestEveryCountHasBothEnglishForms(t *testing.T) {
	var m map[string]any
	if _, err := toml.DecodeFS(locales, "locales/active.en.toml", &m); err != nil {
		t.Fatal(err)
	}
	n := 0
	for id, v := range m {
		switch v := v.(type) {
		case string:
			if regexp.MustCompile(`\{\{\s*\.Count\s*\}\}`).MatchString(v) {
				t.Errorf("%s counts in one form only: %q", id, v)
			}
		case map[string]any:
			n++
			if v["one"] == nil || v["other"] == nil {
				t.Errorf("%s: %v, want one and other", id, v)
			}
		}
	}
	if n == 0 {
		t.Error("no message has plural forms")
	}
}
