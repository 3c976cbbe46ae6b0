package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/daihoi/daihoi/internal/core"
)

func TestAdminManagesUsersWithinTheirScope(t *testing.T) {
	f := newFixture(t, Options{})
	if _, err := f.svc.CreateUser(context.Background(), system, core.UserInput{Username: "haiphong", FullName: "Cán bộ Hải Phòng", Password: testPassword}); err != nil {
		t.Fatal(err)
	}
	if err := f.svc.Grant(context.Background(), system, "haiphong", "viewer", "HP.X"); err != nil {
		t.Fatal(err)
	}
	admin := f.browser("")
	admin.login("admin", testPassword)
	post := func(path string, form url.Values) response {
		t.Helper()
		page := admin.send("GET", "/admin/users", nil)
		m := csrfField.FindStringSubmatch(page.Body.String())
		if page.Code != http.StatusOK || m == nil {
			t.Fatalf("admin page: %d", page.Code)
		}
		form.Set("csrf_token", m[1])
		return admin.send("POST", path, form)
	}
	page := admin.send("GET", "/admin/users", nil).Body.String()
	if !strings.Contains(page, "(secretary)") || strings.Contains(page, "haiphong") {
		t.Errorf("the admin of Hà Nội sees the wrong users: %s", page)
	}
	steps := []struct {
		name, path string
		form       url.Values
		want       int
	}{
		{"create", "/admin/users", url.Values{"username": {"minh"}, "full_name": {"Lê Văn Minh"}, "password": {"mat-khau-minh-2020"}, "lang": {"vi"}}, http.StatusSeeOther},
		{"grant", "/admin/users/minh/grant", url.Values{"role": {"secretary"}, "unit": {"HN.HBT.B"}}, http.StatusSeeOther},
		{"reset the password", "/admin/users/minh/password", url.Values{"password": {"mat-khau-moi-2020"}}, http.StatusSeeOther},
	}
	for _, st := range steps {
		if res := post(st.path, st.form); res.Code != st.want {
			t.Fatalf("%s: %d, want %d: %s", st.name, res.Code, st.want, res.Body)
		}
	}
	t.Run("a unit outside the scope is not found, and nothing is given", func(t *testing.T) {
		if res := post("/admin/users/minh/grant", url.Values{"role": {"secretary"}, "unit": {"HP.X"}}); res.Code != http.StatusSeeOther {
			t.Fatalf("%d", res.Code)
		}
		page := admin.send("GET", "/admin/users", nil).Body.String()
		if !strings.Contains(page, `class="flash flash-error" role="alert"`) || !strings.Contains(page, "HP.X") {
			t.Errorf("no message: %s", page)
		}
		var n int
		if err := f.db.Get(&n, `SELECT count(*) FROM role_assignments r JOIN users us ON us.id = r.user_id JOIN units u ON u.id = r.unit_id
			WHERE us.username = 'minh' AND u.code = 'HP.X'`); err != nil || n != 0 {
			t.Errorf("%d roles on HP.X (%v)", n, err)
		}
	})
	page = admin.send("GET", "/admin/users", nil).Body.String()
	if !strings.Contains(page, "Lê Văn Minh") || !strings.Contains(page, "Bí thư — Đảng bộ phường Bách Khoa (HN.HBT.B)") {
		t.Errorf("after creating and granting: %s", page)
	}
	if f.browser("").login("minh", "mat-khau-moi-2020").Code != http.StatusSeeOther {
		t.Error("the reset password does not sign in")
	}
	if res := post("/admin/users/minh/revoke", url.Values{"role": {"secretary"}, "unit": {"HN.HBT.B"}}); res.Code != http.StatusSeeOther {
		t.Fatalf("revoke: %d", res.Code)
	}
	if res := post("/admin/users/minh/active", url.Values{"active": {"false"}}); res.Code != http.StatusSeeOther {
		t.Fatalf("deactivate: %d", res.Code)
	}
	if f.browser("").login("minh", "mat-khau-moi-2020").Code == http.StatusSeeOther {
		t.Error("a deactivated user signs in")
	}
	t.Run("a secretary may not open it", func(t *testing.T) {
		b := f.browser("")
		b.login("secretary", testPassword)
		if res := b.send("GET", "/admin/users", nil); res.Code != http.StatusForbidden || !strings.Contains(res.Body.String(), "Đồng chí không có quyền") {
			t.Errorf("%d", res.Code)
		}
	})
}
