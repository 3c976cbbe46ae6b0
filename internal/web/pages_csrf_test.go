package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// Every page form refuses a post without the session's CSRF token and
// writes nothing; the list of forms is the server's own routes.
func TestEveryPageFormNeedsItsCSRFToken(t *testing.T) {
	f := newFixture(t, Options{})
	f.withRound()
	b := f.browser("en")
	b.login("admin", testPassword)
	params := strings.NewReplacer(":code", "HN.HBT.A.1", ":milestone", "subcommittees", ":what", "pilot",
		":username", "viewer", ":action", "active")
	n := 0
	for _, r := range f.srv.Routes() {
		if r.Method != http.MethodPost || strings.HasPrefix(r.Path, "/api/") {
			continue
		}
		n++
		path := params.Replace(r.Path)
		t.Run(path, func(t *testing.T) {
			before := f.roundDigest()
			units, _ := f.counts()
			res := b.send("POST", path, url.Values{"csrf_token": {"not-the-token"}, "pilot": {"true"}, "active": {"false"}})
			if res.Code != http.StatusForbidden || !strings.Contains(res.Body.String(), "The form has expired") {
				t.Errorf("%d %s", res.Code, res.Body)
			}
			if u, _ := f.counts(); f.roundDigest() != before || u != units {
				t.Error("wrote")
			}
		})
	}
	if n < 10 {
		t.Errorf("only %d page forms found", n)
	}
}

// Refusals of the forms come in the user's language.
func TestFormRefusalsSpeakTheUsersLanguage(t *testing.T) {
	f := newFixture(t, Options{})
	f.withRound()
	f.englishUser("lan", "secretary", "HN.HBT.A")
	for _, tt := range []struct{ user, want string }{
		{"secretary", "chưa được cấp trên phê duyệt"},
		{"lan", "approv"},
	} {
		b := f.browser("")
		b.login(tt.user, testPassword)
		code := "HN.HBT.A.2"
		b.step(code, f.congressOf(code).Version, url.Values{"status": {"preparing"}})
		res := b.step(code, f.congressOf(code).Version, url.Values{"status": {"plan_approved"}, "planned_date": {"2020-03-25"}})
		if res.Code != http.StatusUnprocessableEntity || !strings.Contains(res.Body.String(), tt.want) {
			t.Errorf("%s: %d, want %q in %s", tt.user, res.Code, tt.want, res.Body)
		}
		f.patchStep("board", code, `"status":"not_started","reason":"thử lại",`, http.StatusOK)
	}
}
