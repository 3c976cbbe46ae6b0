package demo_test

import (
	"context"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/daihoi/daihoi/internal/core"
	"github.com/daihoi/daihoi/internal/demo"
	"github.com/daihoi/daihoi/internal/domain"
	"github.com/daihoi/daihoi/internal/store"
	"github.com/daihoi/daihoi/internal/testdb"
)

var wardNames = []string{
	"Bạch Đằng", "Bách Khoa", "Bạch Mai", "Bùi Thị Xuân", "Cầu Dền", "Đống Mác", "Đồng Nhân", "Đồng Tâm",
	"Lê Đại Hành", "Minh Khai", "Ngô Thì Nhậm", "Nguyễn Du", "Phạm Đình Hổ", "Phố Huế", "Quỳnh Lôi",
	"Quỳnh Mai", "Thanh Lương", "Thanh Nhàn", "Trương Định", "Vĩnh Tuy",
}

// TestUnits checks the demo tree without a database.
func TestUnits(t *testing.T) {
	rows := demo.Units()
	byCode := map[string]domain.ImportRow{}
	children := map[string][]domain.ImportRow{}
	codeRE := regexp.MustCompile(`^[A-Z0-9][A-Z0-9._-]{0,63}$`)

	t.Run("codes are unique, ASCII upper case, and parents come first", func(t *testing.T) {
		for i, r := range rows {
			if _, dup := byCode[r.Code]; dup {
				t.Errorf("code %s twice", r.Code)
			}
			if !codeRE.MatchString(r.Code) {
				t.Errorf("code %q is not ASCII upper case", r.Code)
			}
			if r.ParentCode != "" {
				if _, ok := byCode[r.ParentCode]; !ok {
					t.Errorf("%s comes before its parent %s", r.Code, r.ParentCode)
				}
				if !strings.HasPrefix(r.Code, r.ParentCode+".") {
					t.Errorf("code %s does not extend its parent's %s", r.Code, r.ParentCode)
				}
			}
			if got, want := r.Row, i+2; got != want {
				t.Errorf("%s: row %d, want %d", r.Code, got, want)
			}
			byCode[r.Code] = r
			children[r.ParentCode] = append(children[r.ParentCode], r)
		}
	})
	t.Run("the same units every time", func(t *testing.T) {
		if !reflect.DeepEqual(demo.Units(), rows) {
			t.Error("two calls give different units")
		}
	})
	t.Run("the district's wards by their names", func(t *testing.T) {
		var got []string
		for _, r := range children[demo.DistrictCode] {
			if name, ok := strings.CutPrefix(r.Name, "Đảng bộ phường "); ok && r.Kind == "grassroots_committee" {
				got = append(got, name)
			}
		}
		if !reflect.DeepEqual(got, wardNames) {
			t.Errorf("wards = %v, want %v", got, wardNames)
		}
		if !reflect.DeepEqual(demo.WardNames(), wardNames) {
			t.Errorf("WardNames = %v", demo.WardNames())
		}
	})
	t.Run("Bạch Mai has 13 cells", func(t *testing.T) {
		if got, want := len(children[demo.BachMaiCode]), 13; got != want {
			t.Errorf("cells = %d, want %d", got, want)
		}
	})
	t.Run("other wards have 15 to 40 residential cells and a few others", func(t *testing.T) {
		for _, w := range children[demo.DistrictCode] {
			if !strings.HasPrefix(w.Name, "Đảng bộ phường ") || w.Code == demo.BachMaiCode {
				continue
			}
			res, other := 0, 0
			for _, c := range children[w.Code] {
				if c.Category == domain.CategoryResidential {
					res++
				} else {
					other++
				}
			}
			if res < 15 || res > 40 || other < 2 || other > 5 {
				t.Errorf("%s: %d residential and %d other cells", w.Name, res, other)
			}
		}
	})
	t.Run("cells have 8 to 60 members and a category", func(t *testing.T) {
		for _, r := range rows {
			if r.Kind != "cell" && r.Kind != "grassroots_cell" {
				if r.Category != "" {
					t.Errorf("%s (%s) has category %s", r.Code, r.Kind, r.Category)
				}
				continue
			}
			if r.Members < 8 || r.Members > 60 {
				t.Errorf("%s: %d members", r.Code, r.Members)
			}
			if !domain.ValidCategory(r.Category) {
				t.Errorf("%s: category %q", r.Code, r.Category)
			}
		}
	})
	t.Run("a unit's members are the sum of its children's", func(t *testing.T) {
		for code, kids := range children {
			if code == "" {
				continue
			}
			sum := 0
			for _, k := range kids {
				sum += k.Members
			}
			if got := byCode[code].Members; got != sum {
				t.Errorf("%s: %d members, its children have %d", code, got, sum)
			}
		}
	})
	t.Run("sizes", func(t *testing.T) {
		count := map[string]int{}
		for _, r := range rows {
			count[r.Kind]++
		}
		if got := count["grassroots_committee"] + count["grassroots_cell"]; got < 55 || got > 65 {
			t.Errorf("grassroots organizations = %d, want about 60", got)
		}
		if got := count["cell"] + count["grassroots_cell"]; got < 450 || got > 550 {
			t.Errorf("cells = %d, want about 500", got)
		}
		if count["grassroots_cell"] < 5 {
			t.Errorf("single-cell grassroots organizations = %d, want several", count["grassroots_cell"])
		}
		if count["subcommittee"] < 1 {
			t.Error("no sub-committee")
		}
		t.Logf("%v", count)
	})
}

func newService(t *testing.T) (*core.Service, *store.Store) {
	t.Helper()
	st := store.New(testdb.New(t))
	svc, err := core.New(context.Background(), st, domain.FixedClock(time.Date(2020, 4, 15, 9, 0, 0, 0, domain.Location)), core.Options{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return svc, st
}

func TestSeed(t *testing.T) {
	ctx := context.Background()
	svc, st := newService(t)
	if err := demo.Seed(ctx, svc); err != nil {
		t.Fatalf("Seed: %v", err)
	}
	sys := domain.SystemPrincipal()
	rules := svc.Rules()

	t.Run("the district has its 20 wards by name", func(t *testing.T) {
		kids, err := svc.Children(ctx, sys, demo.DistrictCode)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, u := range kids {
			if name, ok := strings.CutPrefix(u.Name, "Đảng bộ phường "); ok {
				got = append(got, name)
			}
		}
		want := slices.Clone(wardNames)
		slices.Sort(got)
		slices.Sort(want)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("wards = %v, want %v", got, want)
		}
	})
	t.Run("Bạch Mai has 13 cells", func(t *testing.T) {
		bm, err := svc.Unit(ctx, sys, demo.BachMaiCode)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := bm.Name, "Đảng bộ phường Bạch Mai"; got != want {
			t.Errorf("name = %q, want %q", got, want)
		}
		kids, err := svc.Children(ctx, sys, demo.BachMaiCode)
		if err != nil {
			t.Fatal(err)
		}
		cells := 0
		for _, k := range kids {
			if rules.IsCell(k.Kind) {
				cells++
			}
		}
		if got, want := cells, 13; got != want {
			t.Errorf("cells = %d, want %d", got, want)
		}
	})
	t.Run("the district has about 60 grassroots organizations and 500 cells", func(t *testing.T) {
		hbt, err := svc.Unit(ctx, sys, demo.DistrictCode)
		if err != nil {
			t.Fatal(err)
		}
		var grassroots, cells int
		cursor := ""
		for {
			page, err := svc.Subtree(ctx, sys, hbt.Code, cursor, core.MaxPageSize)
			if err != nil {
				t.Fatal(err)
			}
			for _, u := range page.Units {
				if rules.Kinds[u.Kind].IsGrassroots {
					grassroots++
				}
				if rules.IsCell(u.Kind) {
					cells++
				}
			}
			if cursor = page.Next; cursor == "" {
				break
			}
		}
		if grassroots < 55 || grassroots > 65 {
			t.Errorf("grassroots organizations = %d, want about 60", grassroots)
		}
		if cells < 450 || cells > 550 {
			t.Errorf("cells = %d, want 450–550", cells)
		}
	})
	t.Run("the three pilots exist", func(t *testing.T) {
		want := map[string]struct{ name, kind, category string }{
			demo.BachMaiCode:      {"Đảng bộ phường Bạch Mai", "grassroots_committee", ""},
			demo.LungHospitalCode: {"Đảng bộ Bệnh viện Phổi Hà Nội", "grassroots_committee", ""},
			demo.DoanKetCode:      {"Chi bộ Trường THPT Đoàn Kết – Hai Bà Trưng", "grassroots_cell", domain.CategorySchool},
		}
		for _, code := range demo.PilotCodes {
			u, err := svc.Unit(ctx, sys, code)
			if err != nil {
				t.Fatalf("pilot %s: %v", code, err)
			}
			w := want[code]
			if u.Name != w.name || u.Kind != w.kind || u.Category != w.category || u.ParentCode != demo.DistrictCode {
				t.Errorf("pilot %s = %q %s %q under %s, want %q %s %q under %s",
					code, u.Name, u.Kind, u.Category, u.ParentCode, w.name, w.kind, w.category, demo.DistrictCode)
			}
		}
		kids, err := svc.Children(ctx, sys, demo.LungHospitalCode)
		if err != nil {
			t.Fatal(err)
		}
		if len(kids) == 0 {
			t.Fatal("the lung hospital has no cells")
		}
		for _, k := range kids {
			if k.Category != domain.CategoryHospital {
				t.Errorf("hospital cell %s has category %q", k.Code, k.Category)
			}
		}
	})
	t.Run("every demo login works with the password demo and has its grant", func(t *testing.T) {
		for _, l := range demo.Logins() {
			p, err := svc.Login(ctx, l.Username, demo.Password)
			if err != nil {
				t.Errorf("login %s: %v", l.Username, err)
				continue
			}
			if p.User.FullName == "" {
				t.Errorf("%s has no full name", l.Username)
			}
			var got []string
			for _, g := range p.Grants {
				if g.Role != l.Role {
					t.Errorf("%s: role %s on %s, want %s", l.Username, g.Role, g.UnitCode, l.Role)
				}
				got = append(got, g.UnitCode)
			}
			want := slices.Clone(l.Units)
			slices.Sort(got)
			slices.Sort(want)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s: grants on %v, want %v", l.Username, got, want)
			}
			if _, err := svc.Login(ctx, l.Username, "sai"); err == nil {
				t.Errorf("%s logs in with a wrong password", l.Username)
			}
		}
	})
	t.Run("the described grants", func(t *testing.T) {
		want := map[string]struct {
			role  domain.Role
			units []string
		}{
			"admin":     {domain.RoleAdmin, []string{"HN"}},
			"bantochuc": {domain.RoleBoard, []string{"HN.HBT"}},
			"bachmai":   {domain.RoleSecretary, []string{"HN.HBT.BACHMAI"}},
			"xem":       {domain.RoleViewer, []string{"HN.HBT"}},
		}
		logins := demo.Logins()
		if got, want := len(logins), 5; got != want {
			t.Fatalf("logins = %d, want %d", got, want)
		}
		for _, l := range logins {
			if l.Username == "totacong1" {
				if l.Role != domain.RoleSupervisor || len(l.Units) < 3 || len(l.Units) > 4 || !strings.Contains(l.Unit, "Tổ công tác số 1") {
					t.Errorf("totacong1 = %+v, want supervisor of 3–4 wards, working group 1", l)
				}
				for _, code := range l.Units {
					u, err := svc.Unit(ctx, sys, code)
					if err != nil || !strings.HasPrefix(u.Name, "Đảng bộ phường ") {
						t.Errorf("totacong1 supervises %s (%q, %v), want a ward", code, u.Name, err)
					}
				}
				continue
			}
			w, ok := want[l.Username]
			if !ok || l.Role != w.role || !reflect.DeepEqual(l.Units, w.units) {
				t.Errorf("login %+v, want %+v", l, w)
			}
		}
	})
	t.Run("the demo users see what their role allows", func(t *testing.T) {
		p, err := svc.Login(ctx, "bachmai", demo.Password)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Unit(ctx, p, demo.BachMaiCode+".TDP01"); err != nil {
			t.Errorf("the secretary cannot read a cell of Bạch Mai: %v", err)
		}
		if _, err := svc.Unit(ctx, p, demo.LungHospitalCode); !domain.IsCode(err, domain.ENotFound) {
			t.Errorf("the secretary reads the lung hospital: %v", err)
		}
	})
	t.Run("seven working groups follow every ward and grassroots organization once, with attendance recorded", func(t *testing.T) {
		board, err := svc.WorkGroups(ctx, sys, demo.DistrictCode)
		if err != nil {
			t.Fatal(err)
		}
		if got := len(board.Groups); got != demo.GroupCount {
			t.Fatalf("groups = %d, want %d", got, demo.GroupCount)
		}
		followed := map[string]int{}
		for _, g := range board.Groups {
			if _, ok := g.Leader(); !ok || len(g.Members) < 2 {
				t.Errorf("%s: members %+v, want a leader and members", g.Name, g.Members)
			}
			for _, u := range g.Units {
				followed[u.Code]++
			}
			if g.Coverage.Held == 0 || g.Coverage.Held == g.Coverage.Total {
				t.Errorf("%s: attendance %d of %d held congresses, want most but not all", g.Name, g.Coverage.Held, g.Coverage.Total)
			}
		}
		below, err := svc.Children(ctx, sys, demo.DistrictCode)
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range below {
			if rules.Kinds[u.Kind].IsGrassroots && followed[u.Code] != 1 {
				t.Errorf("%s (%s) is followed by %d groups, want 1", u.Code, u.Name, followed[u.Code])
			}
		}
		p, err := svc.Login(ctx, "totacong1", demo.Password)
		if err != nil {
			t.Fatal(err)
		}
		var roles int
		if err := st.DB().Get(&roles, `SELECT count(*) FROM role_assignments r JOIN users u ON u.id = r.user_id WHERE u.username = 'totacong1'`); err != nil {
			t.Fatal(err)
		}
		if roles != 0 || len(p.Grants) != 4 || p.Grants[0].Group != demo.GroupName(1) {
			t.Errorf("totacong1: %d roles, grants %+v; want none of their own, the 4 wards of %s", roles, p.Grants, demo.GroupName(1))
		}
		up, err := svc.UnitPage(ctx, sys, demo.BachMaiCode+".TDP01")
		if err != nil {
			t.Fatal(err)
		}
		if w := up.WorkingGroup; w == nil || w.Group.Name != demo.GroupName(1) {
			t.Errorf("Bạch Mai's first cell: working group %+v, want %s", w, demo.GroupName(1))
		}
	})
	t.Run("the district held its 3 training sessions for the wards' committees", func(t *testing.T) {
		ss, err := svc.TrainingSessions(ctx, sys, demo.DistrictCode)
		if err != nil {
			t.Fatal(err)
		}
		if len(ss) != 3 {
			t.Fatalf("%d sessions, want 3", len(ss))
		}
		for _, s := range ss {
			if len(s.Invited) != 20 || s.Attended == nil || s.Cancelled {
				t.Errorf("session %q: %d invited, attended %v, cancelled %v", s.Title, len(s.Invited), s.Attended, s.Cancelled)
			}
		}
	})
	t.Run("a second Seed changes nothing", func(t *testing.T) {
		counts := func() [4]int {
			var c [4]int
			for i, table := range []string{"units", "users", "role_assignments", "audit_log"} {
				if err := st.DB().Get(&c[i], `SELECT count(*) FROM `+table); err != nil {
					t.Fatal(err)
				}
			}
			return c
		}
		before := counts()
		if err := demo.Seed(ctx, svc); err != nil {
			t.Fatalf("second Seed: %v", err)
		}
		if got := counts(); got != before {
			t.Errorf("counts (units, users, grants, audit) = %v, want %v", got, before)
		}
		if got, want := before[0], len(demo.Units()); got != want {
			t.Errorf("units = %d, want %d", got, want)
		}
	})
}

func TestSeedLeavesAPopulatedDatabaseAlone(t *testing.T) {
	ctx := context.Background()
	svc, st := newService(t)
	if _, err := svc.CreateUnit(ctx, domain.SystemPrincipal(), domain.UnitInput{Code: "HCM", Name: "Đảng bộ Thành phố Hồ Chí Minh", Kind: "city"}); err != nil {
		t.Fatal(err)
	}
	if err := demo.Seed(ctx, svc); err != nil {
		t.Fatal(err)
	}
	n, err := st.CountUnits(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Errorf("units = %d, want 1", n)
	}
	users, err := st.Accounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(users) != 0 {
		t.Errorf("users = %d, want none", len(users))
	}
}
