package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestChangePassword(t *testing.T) {
	f := newFixture(t, Options{})
	b := f.browser("")
	b.login("viewer", testPassword)
	form := func(current, next, confirm string) response {
		t.Helper()
		page := b.send("GET", "/password", nil)
		m := csrfField.FindStringSubmatch(page.Body.String())
		if page.Code != http.StatusOK || m == nil {
			t.Fatalf("password page: %d", page.Code)
		}
		return b.send("POST", "/password", url.Values{"csrf_token": {m[1]}, "current": {current}, "new": {next}, "confirm": {confirm}})
	}
	tests := []struct {
		name, current, next, confirm, want string
	}{
		{"a wrong current password", "sai-roi", "mat-khau-moi-2020", "mat-khau-moi-2020", "Mật khẩu hiện tại không đúng."},
		{"two different new passwords", testPassword, "mat-khau-moi-2020", "mat-khau-khac-2020", "Hai lần nhập mật khẩu mới không khớp."},
		{"a password too short", testPassword, "ngan", "ngan", `id="new-error" role="alert"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := form(tt.current, tt.next, tt.confirm)
			if res.Code != http.StatusUnprocessableEntity || !strings.Contains(res.Body.String(), tt.want) {
				t.Errorf("%d, want 422 with %q: %s", res.Code, tt.want, res.Body)
			}
			if f.browser("").login("viewer", testPassword).Code != http.StatusSeeOther {
				t.Error("the old password no longer works after a refusal")
			}
		})
	}
	t.Run("the right current password and a good new one", func(t *testing.T) {
		res := form(testPassword, "mat-khau-moi-2020", "mat-khau-moi-2020")
		if res.Code != http.StatusSeeOther {
			t.Fatalf("%d %s", res.Code, res.Body)
		}
		if body := b.send("GET", "/", nil).Body.String(); !strings.Contains(body, "Đã đổi mật khẩu.") {
			t.Error("no flash")
		}
		if f.browser("").login("viewer", testPassword).Code != http.StatusUnauthorized {
			t.Error("the old password still works")
		}
		if f.browser("").login("viewer", "mat-khau-moi-2020").Code != http.StatusSeeOther {
			t.Error("the new password does not work")
		}
	})
}
