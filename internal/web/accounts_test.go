package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/daihoi/daihoi/internal/core"
	"github.com/daihoi/daihoi/internal/domain"
)

// signedIn returns a browser signed in as username, and a function posting
// a form of the pages with the session's CSRF token.
func (f *fixture) signedIn(username, password string) (*browser, func(path string, form url.Values) response) {
	f.t.Helper()
	b := f.browser("")
	if res := b.login(username, password); res.Code != http.StatusSeeOther {
		f.t.Fatalf("sign-in of %s: %d", username, res.Code)
	}
	return b, func(path string, form url.Values) response {
		f.t.Helper()
		m := csrfField.FindStringSubmatch(b.send("GET", "/password", nil).Body.String())
		if m == nil {
			f.t.Fatalf("no CSRF token for %s", username)
		}
		form.Set("csrf_token", m[1])
		return b.send("POST", path, form)
	}
}

// subtreeAdmin creates subadmin, admin of the district HN.HBT, and signs
// them in (signedIn).
func (f *fixture) subtreeAdmin() (*browser, func(path string, form url.Values) response) {
	f.t.Helper()
	ctx := context.Background()
	if _, err := f.svc.CreateUser(ctx, system, core.UserInput{Username: "subadmin", FullName: "Quản trị quận", Password: testPassword}); err != nil {
		f.t.Fatal(err)
	}
	if err := f.svc.Grant(ctx, system, "subadmin", "admin", "HN.HBT"); err != nil {
		f.t.Fatal(err)
	}
	return f.signedIn("subadmin", testPassword)
}

// The attack of the probe: an admin of a subtree resets the password of
// the root admin, deactivates and reactivates them, and signs in as them.
// Every step is refused and writes nothing; the root admin is not listed.
func TestASubtreeAdminCannotTakeOverTheRootAdmin(t *testing.T) {
	f := newFixture(t, Options{})
	b, post := f.subtreeAdmin()
	_, audits := f.counts()
	for _, step := range []struct {
		path string
		form url.Values
	}{
		{"/admin/users/admin/password", url.Values{"password": {"da-chiem-quyen-1"}}},
		{"/admin/users/admin/active", url.Values{"active": {"false"}}},
		{"/admin/users/admin/active", url.Values{"active": {"true"}}},
		{"/admin/users/admin/revoke", url.Values{"role": {"admin"}, "unit": {"HN"}}},
		{"/admin/users/admin/grant", url.Values{"role": {"viewer"}, "unit": {"HN.HBT"}}},
	} {
		post(step.path, step.form)
	}
	if _, after := f.counts(); after != audits {
		t.Errorf("%d writes audited, want none", after-audits)
	}
	if f.browser("").login("admin", "da-chiem-quyen-1").Code == http.StatusSeeOther {
		t.Fatal("the subtree admin signed in as the root admin")
	}
	if f.browser("").login("admin", testPassword).Code != http.StatusSeeOther {
		t.Error("the root admin no longer signs in")
	}
	page := b.send("GET", "/admin/users", nil).Body.String()
	if strings.Contains(page, `id="user-admin"`) || !strings.Contains(page, `id="user-secretary"`) {
		t.Errorf("the subtree admin's page lists the wrong accounts: %s", page)
	}
}

// The admin page offers only what its caller may do: the root admin, alone
// at the root, is offered neither to deactivate themselves nor to give up
// their admin role; another admin of the root may be.
func TestTheAdminPageOffersOnlyAllowedActions(t *testing.T) {
	f := newFixture(t, Options{})
	b, _ := f.signedIn("admin", testPassword)
	card := func(username string) string {
		t.Helper()
		page := b.send("GET", "/admin/users", nil).Body.String()
		i := strings.Index(page, `id="user-`+username+`"`)
		if i < 0 {
			t.Fatalf("no card of %s: %s", username, page)
		}
		c := page[i:]
		if j := strings.Index(c, `<li class="card"`); j >= 0 {
			c = c[:j]
		}
		return c
	}
	own := card("admin")
	if strings.Contains(own, "/admin/users/admin/active") || strings.Contains(own, "/admin/users/admin/revoke") {
		t.Errorf("own card offers to lock oneself out: %s", own)
	}
	if !strings.Contains(own, "/admin/users/admin/password") {
		t.Errorf("own card offers no password reset: %s", own)
	}
	if other := card("secretary"); !strings.Contains(other, "/admin/users/secretary/active") || !strings.Contains(other, "/admin/users/secretary/revoke") {
		t.Errorf("a secretary's card offers less than everything: %s", other)
	}
}

// An admin of a district is offered no revoke of an account's last role,
// only its deactivation; a revoke posted anyway is refused with the reason
// and writes nothing. With a second role, either may go.
func TestASubtreeAdminIsOfferedNoRevokeOfTheLastRole(t *testing.T) {
	f := newFixture(t, Options{})
	b, post := f.subtreeAdmin()
	card := func() string {
		t.Helper()
		page := b.send("GET", "/admin/users", nil).Body.String()
		i := strings.Index(page, `id="user-secretary"`)
		if i < 0 {
			t.Fatalf("no card of the secretary: %s", page)
		}
		c := page[i:]
		if j := strings.Index(c[1:], `<li class="card"`); j >= 0 {
			c = c[:j+1]
		}
		return c
	}
	if c := card(); strings.Contains(c, "/admin/users/secretary/revoke") || !strings.Contains(c, "/admin/users/secretary/active") {
		t.Errorf("the card of an account with one role: %s", c)
	}
	_, audits := f.counts()
	post("/admin/users/secretary/revoke", url.Values{"role": {"secretary"}, "unit": {"HN.HBT.A"}})
	page := b.send("GET", "/admin/users", nil).Body.String()
	if !strings.Contains(page, `class="flash flash-error"`) || !strings.Contains(page, "vai trò cuối cùng") {
		t.Errorf("no reason given: %s", page)
	}
	if _, after := f.counts(); after != audits {
		t.Errorf("%d writes audited, want none", after-audits)
	}
	if f.browser("").login("secretary", testPassword).Code != http.StatusSeeOther {
		t.Error("the secretary no longer signs in")
	}
	post("/admin/users/secretary/grant", url.Values{"role": {"viewer"}, "unit": {"HN.HBT.B"}})
	if c := card(); strings.Count(c, "/admin/users/secretary/revoke") != 2 {
		t.Errorf("with two roles, %d revokes offered, want 2: %s", strings.Count(c, "/admin/users/secretary/revoke"), c)
	}
}

// A password change (one's own, or a reset by an admin) ends the user's
// other web sessions and revokes their API tokens; the session that changed
// it stays signed in.
func TestAPasswordChangeEndsTheOtherSessionsAndRevokesTokens(t *testing.T) {
	f := newFixture(t, Options{})
	signedIn := func(b *browser) bool {
		t.Helper()
		return b.send("GET", "/", nil).Code == http.StatusOK
	}
	// ended checks that the session of b and the API token are over.
	ended := func(t *testing.T, b *browser, token string) {
		t.Helper()
		if signedIn(b) {
			t.Error("another session of the user is still signed in")
		}
		if got := f.do("GET", "/api/v1/me", token, "").Code; got != http.StatusUnauthorized {
			t.Errorf("the token answers %d, want 401", got)
		}
	}

	t.Run("one's own", func(t *testing.T) {
		mine, post := f.signedIn("viewer", testPassword)
		other, _ := f.signedIn("viewer", testPassword)
		token := f.login("viewer")
		res := post("/password", url.Values{"current": {testPassword}, "new": {"mat-khau-moi-2020"}, "confirm": {"mat-khau-moi-2020"}})
		if res.Code != http.StatusSeeOther {
			t.Fatalf("change: %d %s", res.Code, res.Body)
		}
		if !signedIn(mine) {
			t.Error("the session that changed the password was signed out")
		}
		ended(t, other, token)
	})
	t.Run("a reset by an admin", func(t *testing.T) {
		victim, _ := f.signedIn("secretary", testPassword)
		token := f.login("secretary")
		_, post := f.signedIn("admin", testPassword)
		if res := post("/admin/users/secretary/password", url.Values{"password": {"mat-khau-moi-2020"}}); res.Code != http.StatusSeeOther {
			t.Fatalf("reset: %d", res.Code)
		}
		ended(t, victim, token)
	})
	t.Run("deactivating and reactivating does not bring a session back", func(t *testing.T) {
		victim, _ := f.signedIn("supervisor", testPassword)
		_, post := f.signedIn("admin", testPassword)
		post("/admin/users/supervisor/active", url.Values{"active": {"false"}})
		post("/admin/users/supervisor/active", url.Values{"active": {"true"}})
		if signedIn(victim) {
			t.Error("the session is signed in again")
		}
	})
}

// Usernames no account can have (NUL bytes, invalid UTF-8, too long) are
// wrong or not found, never a failure.
func TestMalformedUsernamesAreRefusedNotFailed(t *testing.T) {
	f := newFixture(t, Options{})
	_, post := f.signedIn("admin", testPassword)
	for _, name := range []string{"a\x00b", "\xff\xfe", strings.Repeat("a", 300)} {
		if res := f.do("POST", "/api/v1/login", "", fmt.Sprintf(`{"username":%q,"password":"sai-mat-khau"}`, name)); res.Code != http.StatusUnauthorized && res.Code != http.StatusBadRequest {
			t.Errorf("API sign-in as %q: %d, want 401 or 400", name, res.Code)
		}
		// A name that is not a sound text is refused as such by the form (422) and the path (404).
		if res := f.browser("").login(name, "sai-mat-khau"); res.Code != http.StatusUnauthorized && res.Code != http.StatusUnprocessableEntity {
			t.Errorf("sign-in as %q: %d, want 401 or 422", name, res.Code)
		}
		if res := post("/admin/users/"+url.PathEscape(name)+"/password", url.Values{"password": {"mat-khau-moi-2020"}}); res.Code != http.StatusSeeOther && res.Code != http.StatusNotFound {
			t.Errorf("reset of %q: %d, want the page with a refusal, or 404", name, res.Code)
		}
	}
}

// A district's admin finds on the admin page the leader of one of its
// working groups, who holds no role, with the group named, and resets
// their password; a member of a group beside the district is not listed.
func TestASubtreeAdminResetsThePasswordOfAWorkingGroupMember(t *testing.T) {
	f := newFixture(t, Options{})
	f.withRound2020()
	ctx := context.Background()
	for _, u := range []string{"totruong", "tvkhac"} {
		if _, err := f.svc.CreateUser(ctx, system, core.UserInput{Username: u, FullName: "Tổ trưởng " + u, Password: testPassword}); err != nil {
			t.Fatal(err)
		}
	}
	for unit, leader := range map[string]string{"HN.HBT": "totruong", "HN.DD": "tvkhac"} {
		if _, err := f.svc.CreateWorkGroup(ctx, system, domain.GroupInput{Unit: unit, Name: "Tổ công tác số 1", Leader: leader}); err != nil {
			t.Fatal(err)
		}
	}
	b, post := f.subtreeAdmin()
	page := b.send("GET", "/admin/users", nil).Body.String()
	i := strings.Index(page, `id="user-totruong"`)
	if i < 0 {
		t.Fatalf("the group's leader is not listed: %s", page)
	}
	if c := page[i:]; !strings.Contains(c, "Thành viên Tổ công tác số 1 — Đảng bộ quận Hai Bà Trưng (HN.HBT)") || !strings.Contains(c, "/admin/users/totruong/password") {
		t.Errorf("the leader's card names no group or offers no password: %s", c)
	}
	if strings.Contains(page, `id="user-tvkhac"`) {
		t.Error("a member of another district's group is listed")
	}
	post("/admin/users/totruong/password", url.Values{"password": {"mat-khau-moi-2020"}})
	if f.browser("").login("totruong", "mat-khau-moi-2020").Code != http.StatusSeeOther {
		t.Error("the leader does not sign in with the new password")
	}
}

// A yes-or-no of a page form is "true" or "false": a mistyped or missing
// value deactivates nobody and unmarks no pilot; it is refused in words.
// The CSRF token counts only in the form's body or header, never in the URL.
func TestAYesOrNoFormValueIsTrueOrFalseAndTheCSRFTokenIsNotTakenFromTheURL(t *testing.T) {
	f := newFixture(t, Options{})
	f.withRound2020()
	b, post := f.subtreeAdmin()
	if _, err := f.svc.SetPilot(context.Background(), system, "HN.HBT.A", 0, true); err != nil {
		t.Fatal(err)
	}
	_, asBoard := f.signedIn("board", testPassword)
	for _, tc := range []struct {
		name, path string
		form       url.Values
		post       func(string, url.Values) response
	}{
		{"an account's activation, mistyped", "/admin/users/secretary/active", url.Values{"active": {"maybe"}}, post},
		{"an account's activation, as 1", "/admin/users/secretary/active", url.Values{"active": {"1"}}, post},
		{"an account's activation, missing", "/admin/users/secretary/active", url.Values{}, post},
		{"a pilot, mistyped", "/units/HN.HBT.A/pilot", url.Values{"pilot": {"yes"}}, asBoard},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, audits := f.counts()
			res := tc.post(tc.path, tc.form)
			if res.Code != http.StatusSeeOther && res.Code != http.StatusUnprocessableEntity {
				t.Fatalf("%d %s", res.Code, res.Body)
			}
			if _, after := f.counts(); after != audits {
				t.Errorf("%d writes audited, want none", after-audits)
			}
		})
	}
	if f.browser("").login("secretary", testPassword).Code != http.StatusSeeOther {
		t.Error("the secretary no longer signs in")
	}
	if c, err := f.svc.Congress(context.Background(), system, "HN.HBT.A", 0); err != nil || !c.IsPilot {
		t.Errorf("Bạch Mai is no longer a pilot (%v)", err)
	}
	t.Run("the refusal names the field", func(t *testing.T) {
		post("/admin/users/secretary/active", url.Values{"active": {"maybe"}})
		if page := b.send("GET", "/admin/users", nil).Body.String(); !strings.Contains(page, "Giá trị phải là true hoặc false") {
			t.Errorf("no reason given: %s", page)
		}
	})
	t.Run("a CSRF token in the URL is refused", func(t *testing.T) {
		m := csrfField.FindStringSubmatch(b.send("GET", "/password", nil).Body.String())
		if m == nil {
			t.Fatal("no CSRF token")
		}
		_, audits := f.counts()
		res := b.send("POST", "/admin/users/secretary/active?csrf_token="+url.QueryEscape(m[1]), url.Values{"active": {"false"}})
		if res.Code != http.StatusForbidden {
			t.Errorf("%d, want 403", res.Code)
		}
		if _, after := f.counts(); after != audits {
			t.Errorf("%d writes audited, want none", after-audits)
		}
	})
}

// A refused new account comes back as typed, each refusal beside its field,
// but for the password, which is never sent back.
func TestARefusedNewAccountKeepsWhatWasTypedButThePassword(t *testing.T) {
	f := newFixture(t, Options{})
	_, post := f.subtreeAdmin()
	units, audits := f.counts()
	res := post("/admin/users", url.Values{"username": {"bithu.moi"}, "full_name": {"Nguyễn Thị Mới"}, "email": {"moi@example.vn"},
		"password": {"ngan-7"}, "lang": {"en"}, "role": {"secretary"}, "unit": {"HN.HBT.A"}})
	body := res.Body.String()
	if res.Code != http.StatusUnprocessableEntity {
		t.Fatalf("a short password: %d", res.Code)
	}
	if u, a := f.counts(); u != units || a != audits {
		t.Error("wrote")
	}
	for _, want := range []string{`value="bithu.moi"`, `value="Nguyễn Thị Mới"`, `value="moi@example.vn"`, `value="HN.HBT.A"`,
		`<option value="en" selected>`, `<option value="secretary" selected>`, "Mật khẩu phải có từ 8 ký tự", "Chưa tạo tài khoản"} {
		if !strings.Contains(body, want) {
			t.Errorf("the refused form lacks %q", want)
		}
	}
	if strings.Contains(body, "ngan-7") {
		t.Error("the password typed is sent back")
	}
}
