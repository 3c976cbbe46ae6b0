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

func TestWorkingGroupsThroughTheAPI(t *testing.T) {
	f := newFixture(t, Options{})
	f.withRound2020()
	if _, err := f.svc.CreateUser(context.Background(), system, core.UserInput{Username: "totruong", FullName: "Phạm Quốc Hưng", Password: testPassword}); err != nil {
		t.Fatal(err)
	}
	board := f.tokens["board"]
	res := f.do("POST", "/api/v1/groups", board, `{"unit":"HN.HBT","name":"Tổ công tác số 1","leader":"totruong"}`)
	if res.Code != http.StatusCreated {
		t.Fatalf("create: %d %s", res.Code, res.Body)
	}
	var g domain.WorkGroup
	res.decode(t, &g)
	groupPath := fmt.Sprintf("/api/v1/groups/%d", g.ID)
	if res := f.do("PUT", groupPath+"/units/HN.HBT.A", board, ""); res.Code != http.StatusOK {
		t.Fatalf("assign: %d %s", res.Code, res.Body)
	}
	leader := f.login("totruong")
	for _, tc := range []struct {
		name, method, path, token, body string
		want                            int
	}{
		{"the leader reads an assigned ward", "GET", "/api/v1/units/HN.HBT.A", leader, "", http.StatusOK},
		{"and its cells", "GET", "/api/v1/units/HN.HBT.A.1/congress", leader, "", http.StatusOK},
		{"not a sibling ward", "GET", "/api/v1/units/HN.HBT.B", leader, "", http.StatusNotFound},
		{"nor the district", "GET", "/api/v1/units/HN.HBT/progress", leader, "", http.StatusNotFound},
		{"the leader reads the group's page", "GET", groupPath, leader, "", http.StatusOK},
		{"a viewer cannot form a group", "POST", "/api/v1/groups", f.tokens["viewer"], `{"unit":"HN.HBT","name":"Tổ 2"}`, http.StatusForbidden},
		{"a group needs a name", "POST", "/api/v1/groups", board, `{"unit":"HN.HBT","name":""}`, http.StatusUnprocessableEntity},
		{"a group id is a number", "GET", "/api/v1/groups/abc", board, "", http.StatusNotFound},
		{"the leader cannot assign units", "PUT", groupPath + "/units/HN.HBT.B", leader, "", http.StatusForbidden},
		{"the leader names themself to attend a cell's congress", "PUT", "/api/v1/units/HN.HBT.A.1/attendee", leader, `{"username":"totruong"}`, http.StatusOK},
		{"nobody from the group is named outside its units", "PUT", "/api/v1/units/HN.HBT.B.1/attendee", board, `{"username":"totruong"}`, http.StatusUnprocessableEntity},
		{"the board sees the groups side by side", "GET", "/api/v1/units/HN.HBT/groups", board, "", http.StatusOK},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if res := f.do(tc.method, tc.path, tc.token, tc.body); res.Code != tc.want {
				t.Errorf("%s %s = %d, want %d: %s", tc.method, tc.path, res.Code, tc.want, res.Body)
			}
		})
	}
	t.Run("the leader put again without a word stays the leader", func(t *testing.T) {
		res := f.do("PUT", groupPath+"/members/totruong", board, `{}`)
		var again domain.WorkGroup
		res.decode(t, &again)
		if l, ok := again.Leader(); res.Code != http.StatusOK || !ok || l.Username != "totruong" {
			t.Errorf("%d: leader %+v", res.Code, again.Members)
		}
	})
	var mine []domain.CongressAttendee
	f.do("GET", "/api/v1/me/attendances", leader, "").decode(t, &mine)
	if len(mine) != 1 || mine[0].Unit.Code != "HN.HBT.A.1" {
		t.Errorf("my attendances = %+v, want HN.HBT.A.1", mine)
	}
	var me meResponse
	f.do("GET", "/api/v1/me", leader, "").decode(t, &me)
	if len(me.Grants) != 1 || me.Grants[0].Group != "Tổ công tác số 1" || me.Grants[0].UnitCode != "HN.HBT.A" {
		t.Errorf("grants = %+v, want HN.HBT.A through Tổ công tác số 1", me.Grants)
	}
}

// TestWorkingGroupPages: the board forms a group on /groups and assigns a
// ward on its page; the leader, who holds no role of their own, names
// themself to attend a congress and finds it on their home page.
func TestWorkingGroupPages(t *testing.T) {
	f := newFixture(t, Options{})
	f.withRound2020()
	if _, err := f.svc.CreateUser(context.Background(), system, core.UserInput{Username: "totruong", FullName: "Phạm Quốc Hưng", Password: testPassword}); err != nil {
		t.Fatal(err)
	}
	board := f.browser("")
	board.login("board", testPassword)
	post := func(b *browser, page, path string, form url.Values) response {
		t.Helper()
		m := csrfField.FindStringSubmatch(b.send("GET", page, nil).Body.String())
		if m == nil {
			t.Fatalf("no CSRF token on %s", page)
		}
		form.Set("csrf_token", m[1])
		return b.send("POST", path, form)
	}
	res := post(board, "/groups", "/groups", url.Values{"unit": {"HN.HBT"}, "name": {"Tổ công tác số 1"}, "leader": {"totruong"}})
	loc := res.Header().Get("Location")
	if res.Code != http.StatusSeeOther || !strings.HasPrefix(loc, "/groups/") {
		t.Fatalf("create: %d %q", res.Code, loc)
	}
	res = post(board, loc, loc+"/units", url.Values{"unit": {"HN.HBT.A"}})
	if res.Code != http.StatusSeeOther {
		t.Fatalf("assign: %d", res.Code)
	}
	page := board.send("GET", loc, nil).Body.String()
	for _, want := range []string{"Tổ công tác số 1", "Đảng bộ phường Bạch Mai", "Phạm Quốc Hưng", "Đã giao đơn vị cho tổ."} {
		if !strings.Contains(page, want) {
			t.Errorf("group page lacks %q", want)
		}
	}
	if side := board.send("GET", "/groups", nil).Body.String(); !strings.Contains(side, `href="`+loc+`"`) {
		t.Errorf("the groups side by side do not link %s", loc)
	}
	leader := f.browser("")
	if res := leader.login("totruong", testPassword); res.Code != http.StatusSeeOther {
		t.Fatalf("the leader signs in: %d", res.Code)
	}
	res = post(leader, "/units/HN.HBT.A.1", "/units/HN.HBT.A.1/attendee", url.Values{"username": {"totruong"}})
	if res.Code != http.StatusSeeOther {
		t.Fatalf("name: %d %s", res.Code, res.Body)
	}
	home := leader.send("GET", "/", nil).Body.String()
	if !strings.Contains(home, "Đại hội đồng chí được phân công dự") || !strings.Contains(home, `href="/units/HN.HBT.A.1#working-group"`) {
		t.Errorf("the leader's home page does not list the congress: %s", home)
	}
	unit := leader.send("GET", "/units/HN.HBT.A.1", nil).Body.String()
	if !strings.Contains(unit, `id="working-group"`) || !strings.Contains(unit, "Phạm Quốc Hưng") {
		t.Errorf("the unit page does not name the attendee")
	}
	if res := leader.send("GET", "/units/HN.HBT.B", nil); res.Code != http.StatusNotFound {
		t.Errorf("the leader opens a ward the group does not follow: %d", res.Code)
	}
}

// Links go only where their reader may go: the unit page names the group
// that follows it but links its page only for those who may open it (a
// ward's secretary may not); a member without a role finds their way back
// to their own groups, not to the unit's list they may not read; and the
// group a caller may not open is not found under the id asked, its name
// untold.
func TestAGroupIsLinkedAndNamedOnlyForThoseWhoMayOpenIt(t *testing.T) {
	f := newFixture(t, Options{})
	f.withRound2020()
	if _, err := f.svc.CreateUser(context.Background(), system, core.UserInput{Username: "totruong", FullName: "Phạm Quốc Hưng", Password: testPassword}); err != nil {
		t.Fatal(err)
	}
	g, err := f.svc.CreateWorkGroup(context.Background(), system, domain.GroupInput{Unit: "HN.HBT", Name: "Tổ công tác bí mật", Leader: "totruong"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.AssignWorkGroupUnit(context.Background(), system, g.ID, "HN.HBT.A"); err != nil {
		t.Fatal(err)
	}
	groupPage := fmt.Sprintf("/groups/%d", g.ID)
	secretary := f.browser("")
	secretary.login("secretary", testPassword) // of HN.HBT.A
	unit := secretary.send("GET", "/units/HN.HBT.A", nil).Body.String()
	if !strings.Contains(unit, "Tổ công tác bí mật") || strings.Contains(unit, `href="`+groupPage+`"`) {
		t.Errorf("the secretary's unit page: names the group %v, links it %v", strings.Contains(unit, "Tổ công tác bí mật"), strings.Contains(unit, `href="`+groupPage+`"`))
	}
	board := f.browser("")
	board.login("board", testPassword)
	if unit := board.send("GET", "/units/HN.HBT.A", nil).Body.String(); !strings.Contains(unit, `href="`+groupPage+`"`) {
		t.Error("the board's unit page does not link the group")
	}
	res := f.do("GET", "/api/v1"+groupPage, f.tokens["secretary"], "")
	if body := res.Body.String(); res.Code != http.StatusNotFound || strings.Contains(body, "bí mật") || !strings.Contains(body, fmt.Sprintf(`working group \"%d\" not found`, g.ID)) {
		t.Errorf("the group for the secretary: %d %s", res.Code, body)
	}
	leader := f.browser("")
	leader.login("totruong", testPassword)
	page := leader.send("GET", groupPage, nil).Body.String()
	if strings.Contains(page, "/groups?unit=") || !strings.Contains(page, `href="/groups"`) {
		t.Errorf("the leader's way back from the group page is not to their groups")
	}
}
