package core_test

import (
	"context"
	"encoding/json"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/daihoi/daihoi/internal/core"
	"github.com/daihoi/daihoi/internal/domain"
	"github.com/daihoi/daihoi/internal/store"
	"github.com/daihoi/daihoi/internal/testdb"
)

// fixtureNow is the date of the tests' fixed clock: during the 2020 round.
var fixtureNow = time.Date(2020, 4, 15, 9, 0, 0, 0, domain.Location)

// fixture is a service on a fresh database holding a small tree:
//
//	HN city
//	├── HN.HBT district
//	│   ├── HN.HBT.BM ward: cells C1, C2, C3
//	│   ├── HN.HBT.VT ward: cell C1, sub-committee S with cell S.C1
//	│   ├── HN.HBT.QL, HN.HBT.QM wards without cells
//	│   └── HN.HBT.DK grassroots cell (school)
//	└── HN.DD district
//	    └── HN.DD.X ward: cell C1
//
// and one user per role: quantri admin, bantochuc board, totacong supervisor
// and xem viewer of HN.HBT; bithu secretary of HN.HBT.BM.
type fixture struct {
	t   *testing.T
	ctx context.Context
	db  *sqlx.DB
	svc *core.Service
}

// fixtureUsers maps each role to the fixture user holding it.
var fixtureUsers = map[domain.Role]string{
	domain.RoleAdmin:      "quantri",
	domain.RoleBoard:      "bantochuc",
	domain.RoleSupervisor: "totacong",
	domain.RoleSecretary:  "bithu",
	domain.RoleViewer:     "xem",
}

const fixturePassword = "matkhau-2020"

func newFixture(t *testing.T) *fixture {
	t.Helper()
	f := emptyFixture(t)
	sys := domain.SystemPrincipal()
	for _, in := range []domain.UnitInput{
		{Code: "HN", Name: "Đảng bộ Thành phố Hà Nội", Kind: "city"},
		{Code: "HN.HBT", Name: "Đảng bộ quận Hai Bà Trưng", Kind: "district", ParentCode: "HN"},
		{Code: "HN.HBT.BM", Name: "Đảng bộ phường Bạch Mai", Kind: "grassroots_committee", ParentCode: "HN.HBT", Members: 400},
		{Code: "HN.HBT.BM.C1", Name: "Chi bộ Tổ dân phố số 1", Kind: "cell", ParentCode: "HN.HBT.BM", Category: "residential", Members: 30},
		{Code: "HN.HBT.BM.C2", Name: "Chi bộ Tổ dân phố số 2", Kind: "cell", ParentCode: "HN.HBT.BM", Category: "residential", Members: 25},
		{Code: "HN.HBT.BM.C3", Name: "Chi bộ Tổ dân phố số 3", Kind: "cell", ParentCode: "HN.HBT.BM", Category: "residential", Members: 20},
		{Code: "HN.HBT.VT", Name: "Đảng bộ phường Vĩnh Tuy", Kind: "grassroots_committee", ParentCode: "HN.HBT"},
		{Code: "HN.HBT.VT.C1", Name: "Chi bộ khu dân cư số 1", Kind: "cell", ParentCode: "HN.HBT.VT", Category: "residential"},
		{Code: "HN.HBT.VT.S", Name: "Đảng bộ bộ phận Tổ dân phố", Kind: "subcommittee", ParentCode: "HN.HBT.VT"},
		{Code: "HN.HBT.VT.S.C1", Name: "Chi bộ Tổ dân phố số 9", Kind: "cell", ParentCode: "HN.HBT.VT.S", Category: "residential"},
		{Code: "HN.HBT.QL", Name: "Đảng bộ phường Quỳnh Lôi", Kind: "grassroots_committee", ParentCode: "HN.HBT"},
		{Code: "HN.HBT.QM", Name: "Đảng bộ phường Quỳnh Mai", Kind: "grassroots_committee", ParentCode: "HN.HBT"},
		{Code: "HN.HBT.DK", Name: "Chi bộ Trường THPT Đoàn Kết – Hai Bà Trưng", Kind: "grassroots_cell", ParentCode: "HN.HBT", Category: "school"},
		{Code: "HN.DD", Name: "Đảng bộ quận Đống Đa", Kind: "district", ParentCode: "HN"},
		{Code: "HN.DD.X", Name: "Đảng bộ phường Văn Miếu", Kind: "grassroots_committee", ParentCode: "HN.DD"},
		{Code: "HN.DD.X.C1", Name: "Chi bộ Tổ dân phố số 1", Kind: "cell", ParentCode: "HN.DD.X", Category: "residential"},
	} {
		if _, err := f.svc.CreateUnit(f.ctx, sys, in); err != nil {
			t.Fatalf("create %s: %v", in.Code, err)
		}
	}
	for role, username := range fixtureUsers {
		unit := "HN.HBT"
		if role == domain.RoleSecretary {
			unit = "HN.HBT.BM"
		}
		f.user(username)
		if err := f.svc.Grant(f.ctx, sys, username, string(role), unit); err != nil {
			t.Fatalf("grant %s: %v", username, err)
		}
	}
	return f
}

// emptyFixture is a service on a fresh database without units or users.
func emptyFixture(t *testing.T) *fixture {
	t.Helper()
	db := testdb.New(t)
	return fixtureOn(t, db, domain.FixedClock(fixtureNow))
}

// fixtureOn returns a service on db with clock.
func fixtureOn(t *testing.T, db *sqlx.DB, clock domain.Clock) *fixture {
	t.Helper()
	ctx := context.Background()
	svc, err := core.New(ctx, store.New(db), clock, core.Options{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{t: t, ctx: ctx, db: db, svc: svc}
}

// user creates an account with fixturePassword.
func (f *fixture) user(username string) domain.User {
	f.t.Helper()
	u, err := f.svc.CreateUser(f.ctx, domain.SystemPrincipal(), core.UserInput{
		Username: username, FullName: "Nguyễn Văn " + username, Password: fixturePassword,
	})
	if err != nil {
		f.t.Fatalf("create user %s: %v", username, err)
	}
	return u
}

// as logs the user in and returns their principal.
func (f *fixture) as(username string) domain.Principal {
	f.t.Helper()
	p, err := f.svc.Login(f.ctx, username, fixturePassword)
	if err != nil {
		f.t.Fatalf("login %s: %v", username, err)
	}
	return p
}

// unit reads a unit as the system.
func (f *fixture) unit(code string) domain.Unit {
	f.t.Helper()
	u, err := f.svc.Unit(f.ctx, domain.SystemPrincipal(), code)
	if err != nil {
		f.t.Fatalf("unit %s: %v", code, err)
	}
	return u
}

// count returns the number of rows of a table.
func (f *fixture) count(table string) int {
	f.t.Helper()
	var n int
	if err := f.db.Get(&n, `SELECT count(*) FROM `+table); err != nil {
		f.t.Fatal(err)
	}
	return n
}

// rows is the number of units and of audit rows, to check that nothing was written.
type rows struct{ units, audit, grants int }

func (f *fixture) rows() rows {
	return rows{f.count("units"), f.count("audit_log"), f.count("role_assignments")}
}

// wantCode fails the test unless err carries code ("" meaning no error).
func wantCode(t *testing.T, err error, code domain.ErrorCode) {
	t.Helper()
	switch {
	case code == "" && err != nil:
		t.Fatalf("error = %v, want none", err)
	case code != "" && err == nil:
		t.Fatalf("no error, want %s", code)
	case code != "" && domain.ErrorCodeOf(err) != code:
		t.Fatalf("error = %v (%s), want %s", err, domain.ErrorCodeOf(err), code)
	}
}

// wantField fails the test unless err is invalid and names field.
func wantField(t *testing.T, err error, field string) {
	t.Helper()
	wantCode(t, err, domain.EInvalid)
	var fields []string
	for _, fe := range domain.AsError(err).Fields {
		if fe.Field == field {
			return
		}
		fields = append(fields, fe.Field)
	}
	t.Fatalf("refused fields = %v, want %s among them", fields, field)
}

func TestCreateUnit(t *testing.T) {
	f := newFixture(t)
	sys := domain.SystemPrincipal()

	t.Run("a cell is created under its ward with the ward's path", func(t *testing.T) {
		ward := f.unit("HN.HBT.BM")
		u, err := f.svc.CreateUnit(f.ctx, sys, domain.UnitInput{
			Code: " hn.hbt.bm.c4 ", Name: " Chi bộ  Tổ dân phố số 4 ", Kind: "cell", ParentCode: "hn.hbt.bm", Category: "residential", Members: 41,
		})
		wantCode(t, err, "")
		if got, want := u.Code, "HN.HBT.BM.C4"; got != want {
			t.Errorf("code = %q, want %q", got, want)
		}
		if got, want := u.Name, "Chi bộ Tổ dân phố số 4"; got != want {
			t.Errorf("name = %q, want %q", got, want)
		}
		if got, want := u.ParentCode, "HN.HBT.BM"; got != want {
			t.Errorf("parent = %q, want %q", got, want)
		}
		if got, want := u.Path, ward.Path+"."+itoa(u.ID); got != want {
			t.Errorf("path = %q, want %q", got, want)
		}
		if got, want := u.Depth, ward.Depth+1; got != want {
			t.Errorf("depth = %d, want %d", got, want)
		}
		if u.Version != 1 || !u.Active || u.Members != 41 || u.Category != "residential" {
			t.Errorf("unit = %+v, want version 1, active, 41 members, residential", u)
		}
		if got, want := f.unit("HN.HBT.BM").Children, ward.Children+1; got != want {
			t.Errorf("ward children = %d, want %d", got, want)
		}
		h, err := f.svc.UnitHistory(f.ctx, sys, u.Code)
		wantCode(t, err, "")
		if len(h) != 1 || h[0].Action != "unit.create" || h[0].Before != nil || len(h[0].After) == 0 {
			t.Errorf("history = %+v, want one unit.create with only an after", h)
		}
	})

	tests := []struct {
		name  string
		in    domain.UnitInput
		code  domain.ErrorCode
		field string
	}{
		{"a duplicate code is a conflict",
			domain.UnitInput{Code: "HN.HBT.BM.C1", Name: "Chi bộ", Kind: "cell", ParentCode: "HN.HBT.BM"}, domain.EConflict, ""},
		{"a duplicate code differing in case is a conflict",
			domain.UnitInput{Code: "hn.hbt.bm.c1", Name: "Chi bộ", Kind: "cell", ParentCode: "HN.HBT.BM"}, domain.EConflict, ""},
		{"an unknown parent is invalid",
			domain.UnitInput{Code: "HN.HBT.ZZ.C1", Name: "Chi bộ", Kind: "cell", ParentCode: "HN.HBT.ZZ"}, domain.EInvalid, "parent_code"},
		{"a cell directly under a district is invalid",
			domain.UnitInput{Code: "HN.HBT.C1", Name: "Chi bộ", Kind: "cell", ParentCode: "HN.HBT"}, domain.EInvalid, "kind"},
		{"a cell under a grassroots cell is invalid",
			domain.UnitInput{Code: "HN.HBT.DK.C1", Name: "Chi bộ", Kind: "cell", ParentCode: "HN.HBT.DK"}, domain.EInvalid, "kind"},
		{"a ward under a ward is invalid",
			domain.UnitInput{Code: "HN.HBT.BM.W", Name: "Đảng bộ", Kind: "grassroots_committee", ParentCode: "HN.HBT.BM"}, domain.EInvalid, "kind"},
		{"a district under a district is invalid",
			domain.UnitInput{Code: "HN.HBT.D", Name: "Đảng bộ", Kind: "district", ParentCode: "HN.HBT"}, domain.EInvalid, "kind"},
		{"a ward without a parent is invalid",
			domain.UnitInput{Code: "W", Name: "Đảng bộ", Kind: "grassroots_committee"}, domain.EInvalid, "parent_code"},
		{"an unknown kind is invalid",
			domain.UnitInput{Code: "HN.HBT.BM.X", Name: "Chi bộ", Kind: "ward", ParentCode: "HN.HBT.BM"}, domain.EInvalid, "kind"},
		{"a category on a ward is invalid",
			domain.UnitInput{Code: "HN.HBT.W", Name: "Đảng bộ", Kind: "grassroots_committee", ParentCode: "HN.HBT", Category: "residential"}, domain.EInvalid, "category"},
		{"a missing name is invalid",
			domain.UnitInput{Code: "HN.HBT.BM.C9", Name: "  ", Kind: "cell", ParentCode: "HN.HBT.BM"}, domain.EInvalid, "name"},
		{"a code with diacritics is invalid",
			domain.UnitInput{Code: "HN.HBT.BẠCHMAI", Name: "Đảng bộ", Kind: "grassroots_committee", ParentCode: "HN.HBT"}, domain.EInvalid, "code"},
		{"negative members are invalid",
			domain.UnitInput{Code: "HN.HBT.BM.C9", Name: "Chi bộ", Kind: "cell", ParentCode: "HN.HBT.BM", Members: -3}, domain.EInvalid, "members"},
	}
	for _, tt := range tests {
		t.Run(tt.name+" and writes nothing", func(t *testing.T) {
			before := f.rows()
			_, err := f.svc.CreateUnit(f.ctx, sys, tt.in)
			if tt.field != "" {
				wantField(t, err, tt.field)
			} else {
				wantCode(t, err, tt.code)
			}
			if got, want := f.rows(), before; got != want {
				t.Errorf("rows after = %+v, want %+v", got, want)
			}
		})
	}

	t.Run("a unit under an inactive parent is invalid", func(t *testing.T) {
		_, err := f.svc.MergeUnits(f.ctx, sys, "HN.HBT.QL", []string{"HN.HBT.QM"}, "sáp nhập")
		wantCode(t, err, "")
		before := f.rows()
		_, err = f.svc.CreateUnit(f.ctx, sys, domain.UnitInput{Code: "HN.HBT.QM.C1", Name: "Chi bộ", Kind: "cell", ParentCode: "HN.HBT.QM"})
		wantField(t, err, "parent_code")
		if got, want := f.rows(), before; got != want {
			t.Errorf("rows after = %+v, want %+v", got, want)
		}
	})
}

// snap decodes a recorded before or after of a unit.
func snap(t *testing.T, raw domain.RawJSON) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("recorded unit %s: %v", raw, err)
	}
	return m
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// sameUnit reports whether a and b hold the same values.
func sameUnit(a, b domain.Unit) bool {
	if (a.ParentID == nil) != (b.ParentID == nil) || a.ParentID != nil && *a.ParentID != *b.ParentID {
		return false
	}
	if !a.CreatedAt.Equal(b.CreatedAt) || !a.UpdatedAt.Equal(b.UpdatedAt) {
		return false
	}
	a.ParentID, b.ParentID = nil, nil
	a.CreatedAt, b.CreatedAt, a.UpdatedAt, b.UpdatedAt = time.Time{}, time.Time{}, time.Time{}, time.Time{}
	return a == b
}

func TestUpdateUnit(t *testing.T) {
	f := newFixture(t)
	board := f.as("bantochuc")
	name := func(s string) *string { return &s }
	num := func(n int) *int { return &n }

	t.Run("an update with the current version is written and recorded", func(t *testing.T) {
		cell := f.unit("HN.HBT.BM.C1")
		u, err := f.svc.UpdateUnit(f.ctx, board, cell.Code, domain.UnitPatch{Name: name("Chi bộ Tổ dân phố số 1 mới"), Members: num(33), Version: cell.Version})
		wantCode(t, err, "")
		if u.Name != "Chi bộ Tổ dân phố số 1 mới" || u.Members != 33 || u.Category != "residential" {
			t.Errorf("unit = %+v, want new name, 33 members, residential kept", u)
		}
		if got, want := u.Version, cell.Version+1; got != want {
			t.Errorf("version = %d, want %d", got, want)
		}
		h, err := f.svc.UnitHistory(f.ctx, board, cell.Code)
		wantCode(t, err, "")
		if len(h) == 0 || h[0].Action != "unit.update" || h[0].Username != "bantochuc" {
			t.Fatalf("latest change = %+v, want unit.update by bantochuc", h)
		}
		var before, after struct {
			Name    string `json:"name"`
			Members int    `json:"members"`
		}
		if err := json.Unmarshal(h[0].Before, &before); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(h[0].After, &after); err != nil {
			t.Fatal(err)
		}
		if before.Name != cell.Name || before.Members != 30 || after.Name != u.Name || after.Members != 33 {
			t.Errorf("before = %+v, after = %+v", before, after)
		}
	})

	t.Run("an update changing nothing writes nothing", func(t *testing.T) {
		cell := f.unit("HN.HBT.BM.C2")
		before := f.rows()
		u, err := f.svc.UpdateUnit(f.ctx, board, cell.Code, domain.UnitPatch{Members: num(cell.Members), Version: cell.Version})
		wantCode(t, err, "")
		if u.Version != cell.Version {
			t.Errorf("version = %d, want %d", u.Version, cell.Version)
		}
		if got := f.rows(); got != before {
			t.Errorf("rows after = %+v, want %+v", got, before)
		}
	})

	tests := []struct {
		name  string
		code  string
		patch func(u domain.Unit) domain.UnitPatch
		want  domain.ErrorCode
		field string
	}{
		{"a stale version is a conflict", "HN.HBT.BM.C1",
			func(u domain.Unit) domain.UnitPatch {
				return domain.UnitPatch{Name: name("Tên khác"), Version: u.Version - 1}
			}, domain.EConflict, ""},
		{"a version from the future is a conflict", "HN.HBT.BM.C1",
			func(u domain.Unit) domain.UnitPatch { return domain.UnitPatch{Members: num(1), Version: u.Version + 1} }, domain.EConflict, ""},
		{"a missing version is invalid", "HN.HBT.BM.C1",
			func(domain.Unit) domain.UnitPatch { return domain.UnitPatch{Members: num(1)} }, domain.EInvalid, "version"},
		{"an empty name is invalid", "HN.HBT.BM.C1",
			func(u domain.Unit) domain.UnitPatch { return domain.UnitPatch{Name: name(" "), Version: u.Version} }, domain.EInvalid, "name"},
		{"negative members are invalid", "HN.HBT.BM.C1",
			func(u domain.Unit) domain.UnitPatch { return domain.UnitPatch{Members: num(-1), Version: u.Version} }, domain.EInvalid, "members"},
		{"a category on a ward is invalid", "HN.HBT.BM",
			func(u domain.Unit) domain.UnitPatch {
				return domain.UnitPatch{Category: name("school"), Version: u.Version}
			}, domain.EInvalid, "category"},
		{"an unknown category is invalid", "HN.HBT.BM.C1",
			func(u domain.Unit) domain.UnitPatch {
				return domain.UnitPatch{Category: name("church"), Version: u.Version}
			}, domain.EInvalid, "category"},
		{"an unknown unit is not found", "HN.HBT.ZZ",
			func(domain.Unit) domain.UnitPatch { return domain.UnitPatch{Members: num(1), Version: 1} }, domain.ENotFound, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name+" and writes nothing", func(t *testing.T) {
			var u domain.Unit
			if tt.want != domain.ENotFound {
				u = f.unit(tt.code)
			}
			before := f.rows()
			_, err := f.svc.UpdateUnit(f.ctx, board, tt.code, tt.patch(u))
			if tt.field != "" {
				wantField(t, err, tt.field)
			} else {
				wantCode(t, err, tt.want)
			}
			if got := f.rows(); got != before {
				t.Errorf("rows after = %+v, want %+v", got, before)
			}
			if tt.want != domain.ENotFound {
				if after := f.unit(tt.code); !sameUnit(after, u) {
					t.Errorf("unit changed:\n got %+v\nwant %+v", after, u)
				}
			}
		})
	}
}

func TestMoveUnitRefusesCycles(t *testing.T) {
	f := newFixture(t)
	board := f.as("bantochuc")
	tests := []struct {
		name, code, parent string
	}{
		{"a ward under itself", "HN.HBT.VT", "HN.HBT.VT"},
		{"a ward under its own cell", "HN.HBT.VT", "HN.HBT.VT.C1"},
		{"a ward under its own sub-committee", "HN.HBT.VT", "HN.HBT.VT.S"},
		{"a ward under its sub-committee's cell", "HN.HBT.VT", "HN.HBT.VT.S.C1"},
		{"a district under its own ward", "HN.HBT", "HN.HBT.BM"},
	}
	for _, tt := range tests {
		t.Run(tt.name+" is refused", func(t *testing.T) {
			u := f.unit(tt.code)
			before := f.rows()
			_, err := f.svc.MoveUnit(f.ctx, board, tt.code, tt.parent, "")
			wantField(t, err, "parent_code")
			if got := f.rows(); got != before {
				t.Errorf("rows after = %+v, want %+v", got, before)
			}
			if after := f.unit(tt.code); !sameUnit(after, u) {
				t.Errorf("unit changed:\n got %+v\nwant %+v", after, u)
			}
		})
	}
}

func TestMoveUnit(t *testing.T) {
	f := newFixture(t)
	sys := domain.SystemPrincipal()
	board := f.as("bantochuc")

	t.Run("a ward moves to another district with its whole subtree", func(t *testing.T) {
		dd := f.unit("HN.DD")
		vt := f.unit("HN.HBT.VT")
		sub := f.unit("HN.HBT.VT.S")
		grandchild := f.unit("HN.HBT.VT.S.C1")
		u, err := f.svc.MoveUnit(f.ctx, sys, "hn.hbt.vt", "hn.dd", "chuyển địa giới")
		wantCode(t, err, "")
		if got, want := u.ParentCode, "HN.DD"; got != want {
			t.Errorf("parent = %q, want %q", got, want)
		}
		if got, want := u.Path, dd.Path+"."+itoa(vt.ID); got != want {
			t.Errorf("path = %q, want %q", got, want)
		}
		if got, want := u.Version, vt.Version+1; got != want {
			t.Errorf("version = %d, want %d", got, want)
		}
		gc := f.unit(grandchild.Code)
		if got, want := gc.Path, u.Path+"."+itoa(sub.ID)+"."+itoa(gc.ID); got != want {
			t.Errorf("grandchild path = %q, want %q", got, want)
		}
		if !strings.HasPrefix(gc.Path, dd.Path+".") {
			t.Errorf("grandchild path %q is not under HN.DD %q", gc.Path, dd.Path)
		}
		if got, want := gc.ParentCode, "HN.HBT.VT.S"; got != want {
			t.Errorf("grandchild parent = %q, want %q", got, want)
		}
		if gc.Version != grandchild.Version {
			t.Errorf("grandchild version = %d, want %d (only the moved unit changes)", gc.Version, grandchild.Version)
		}
		anc, err := f.svc.Ancestors(f.ctx, sys, gc.Code)
		wantCode(t, err, "")
		if got, want := codes(anc), "HN HN.DD HN.HBT.VT HN.HBT.VT.S"; got != want {
			t.Errorf("grandchild ancestors = %s, want %s", got, want)
		}
		if got, want := f.unit("HN.HBT").Children, 4; got != want {
			t.Errorf("HN.HBT children = %d, want %d", got, want)
		}
		page, err := f.svc.Subtree(f.ctx, sys, "HN.DD", "", 100)
		wantCode(t, err, "")
		if got, want := page.Total, 7; got != want {
			t.Errorf("HN.DD subtree = %d units, want %d", got, want)
		}
		h, err := f.svc.UnitHistory(f.ctx, sys, "HN.HBT.VT")
		wantCode(t, err, "")
		if len(h) == 0 || h[0].Action != "unit.move" || h[0].Reason != "chuyển địa giới" {
			t.Fatalf("latest change = %+v, want the move with its reason", h)
		}
		if snap(t, h[0].Before)["parent_code"] != "HN.HBT" || snap(t, h[0].After)["parent_code"] != "HN.DD" {
			t.Errorf("move recorded before %s after %s", h[0].Before, h[0].After)
		}
	})

	t.Run("a cell moves between wards within the board's district", func(t *testing.T) {
		bm := f.unit("HN.HBT.BM")
		u, err := f.svc.MoveUnit(f.ctx, board, "HN.HBT.BM.C3", "HN.HBT.QL", "")
		wantCode(t, err, "")
		if got, want := u.ParentCode, "HN.HBT.QL"; got != want {
			t.Errorf("parent = %q, want %q", got, want)
		}
		if got, want := f.unit("HN.HBT.BM").Children, bm.Children-1; got != want {
			t.Errorf("Bạch Mai children = %d, want %d", got, want)
		}
	})

	t.Run("a move to the current parent writes nothing", func(t *testing.T) {
		before := f.rows()
		u0 := f.unit("HN.HBT.BM.C1")
		u, err := f.svc.MoveUnit(f.ctx, board, "HN.HBT.BM.C1", "HN.HBT.BM", "")
		wantCode(t, err, "")
		if !sameUnit(u, u0) {
			t.Errorf("unit = %+v, want %+v", u, u0)
		}
		if got := f.rows(); got != before {
			t.Errorf("rows after = %+v, want %+v", got, before)
		}
	})

	refused := []struct {
		name, code, parent string
		field              string
		want               domain.ErrorCode
	}{
		{"a cell may not move under a district", "HN.HBT.BM.C1", "HN.HBT", "kind", domain.EInvalid},
		{"a ward may not move under a ward", "HN.HBT.BM", "HN.HBT.QL", "kind", domain.EInvalid},
		{"a unit may not move under an unknown parent", "HN.HBT.BM.C1", "HN.HBT.ZZ", "parent_code", domain.EInvalid},
		{"a unit may not move without a parent", "HN.HBT.BM.C1", " ", "parent_code", domain.EInvalid},
		{"an unknown unit is not found", "HN.HBT.ZZ", "HN.HBT.BM", "", domain.ENotFound},
	}
	for _, tt := range refused {
		t.Run(tt.name, func(t *testing.T) {
			before := f.rows()
			_, err := f.svc.MoveUnit(f.ctx, board, tt.code, tt.parent, "")
			if tt.field != "" {
				wantField(t, err, tt.field)
			} else {
				wantCode(t, err, tt.want)
			}
			if got := f.rows(); got != before {
				t.Errorf("rows after = %+v, want %+v", got, before)
			}
		})
	}

	t.Run("an inactive unit may not move", func(t *testing.T) {
		_, err := f.svc.MergeUnits(f.ctx, board, "HN.HBT.BM.C1", []string{"HN.HBT.BM.C2"}, "")
		wantCode(t, err, "")
		_, err = f.svc.MoveUnit(f.ctx, board, "HN.HBT.BM.C2", "HN.HBT.QL", "")
		wantField(t, err, "code")
	})

	t.Run("nothing moves under an inactive unit", func(t *testing.T) {
		_, err := f.svc.MoveUnit(f.ctx, board, "HN.HBT.BM.C1", "HN.HBT.BM.C2", "")
		wantCode(t, err, domain.EInvalid)
	})
}

// codes lists the codes of units, separated by spaces.
func codes(us []domain.Unit) string {
	out := make([]string, len(us))
	for i, u := range us {
		out[i] = u.Code
	}
	return strings.Join(out, " ")
}

// sortedCodes lists the codes of units in alphabetical order: the order of
// names depends on the database's collation.
func sortedCodes(us []domain.Unit) string {
	out := strings.Fields(codes(us))
	sort.Strings(out)
	return strings.Join(out, " ")
}

func TestMergeUnits(t *testing.T) {
	f := newFixture(t)
	board := f.as("bantochuc")
	sys := domain.SystemPrincipal()

	auditBefore := f.count("audit_log")
	bm := f.unit("HN.HBT.BM")
	vt := f.unit("HN.HBT.VT")
	sub := f.unit("HN.HBT.VT.S")
	u, err := f.svc.MergeUnits(f.ctx, board, "HN.HBT.BM", []string{"hn.hbt.vt", "HN.HBT.QL"}, "Nghị quyết sáp nhập phường")
	wantCode(t, err, "")

	t.Run("the survivor gets the merged units' children", func(t *testing.T) {
		if got, want := u.Code, "HN.HBT.BM"; got != want {
			t.Errorf("survivor = %s, want %s", got, want)
		}
		// 3 cells of its own, the cell and the sub-committee of Vĩnh Tuy; Quỳnh Lôi had none.
		if got, want := u.Children, 5; got != want {
			t.Errorf("survivor children = %d, want %d", got, want)
		}
		kids, err := f.svc.Children(f.ctx, board, "HN.HBT.BM")
		wantCode(t, err, "")
		if got, want := sortedCodes(kids), "HN.HBT.BM.C1 HN.HBT.BM.C2 HN.HBT.BM.C3 HN.HBT.VT.C1 HN.HBT.VT.S"; got != want {
			t.Errorf("survivor children = %s, want %s", got, want)
		}
		s := f.unit(sub.Code)
		if got, want := s.Path, bm.Path+"."+itoa(sub.ID); got != want {
			t.Errorf("sub-committee path = %s, want %s", got, want)
		}
		anc, err := f.svc.Ancestors(f.ctx, sys, "HN.HBT.VT.S.C1")
		wantCode(t, err, "")
		if got, want := codes(anc), "HN HN.HBT HN.HBT.BM HN.HBT.VT.S"; got != want {
			t.Errorf("ancestors of the sub-committee's cell = %s, want %s", got, want)
		}
	})

	t.Run("the merged units are inactive and point to the survivor", func(t *testing.T) {
		for _, code := range []string{"HN.HBT.VT", "HN.HBT.QL"} {
			m := f.unit(code)
			if m.Active || m.MergedInto != "HN.HBT.BM" || m.Children != 0 {
				t.Errorf("%s = active %v, merged into %q, %d children; want inactive, HN.HBT.BM, 0",
					code, m.Active, m.MergedInto, m.Children)
			}
		}
		kids, err := f.svc.Children(f.ctx, board, "HN.HBT")
		wantCode(t, err, "")
		if got, want := sortedCodes(kids), "HN.HBT.BM HN.HBT.DK HN.HBT.QM"; got != want {
			t.Errorf("district children = %s, want %s", got, want)
		}
	})

	t.Run("the history of a merged unit stays readable", func(t *testing.T) {
		h, err := f.svc.UnitHistory(f.ctx, board, "HN.HBT.VT")
		wantCode(t, err, "")
		if len(h) < 2 || h[0].Action != "unit.merge" || h[len(h)-1].Action != "unit.create" {
			t.Fatalf("history = %+v, want the merge first and the creation last", h)
		}
		var before, after struct {
			Active     bool   `json:"active"`
			MergedInto string `json:"merged_into"`
		}
		if err := json.Unmarshal(h[0].Before, &before); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(h[0].After, &after); err != nil {
			t.Fatal(err)
		}
		if !before.Active || before.MergedInto != "" || after.Active || after.MergedInto != "HN.HBT.BM" {
			t.Errorf("before = %+v, after = %+v", before, after)
		}
		if got, want := h[0].Reason, "Nghị quyết sáp nhập phường"; got != want {
			t.Errorf("reason = %q, want %q", got, want)
		}
		if h[0].Username != "bantochuc" {
			t.Errorf("by %q, want bantochuc", h[0].Username)
		}
		if _, err := f.svc.Unit(f.ctx, board, "HN.HBT.VT"); err != nil {
			t.Errorf("the merged unit cannot be read: %v", err)
		}
	})

	t.Run("the moves of the children are recorded", func(t *testing.T) {
		h, err := f.svc.UnitHistory(f.ctx, board, "HN.HBT.VT.C1")
		wantCode(t, err, "")
		if len(h) == 0 || h[0].Action != "unit.move" || snap(t, h[0].After)["parent_code"] != "HN.HBT.BM" {
			t.Errorf("latest change of the moved cell = %+v, want a move to HN.HBT.BM", h)
		}
		sh, err := f.svc.UnitHistory(f.ctx, board, "HN.HBT.BM")
		wantCode(t, err, "")
		if len(sh) == 0 || sh[0].Action != "unit.absorb" || !strings.Contains(string(sh[0].After), "HN.HBT.VT") {
			t.Errorf("latest change of the survivor = %+v, want unit.absorb of HN.HBT.VT", sh)
		}
		// 2 child moves, 2 merges, 1 absorb.
		if got, want := f.count("audit_log")-auditBefore, 5; got != want {
			t.Errorf("audit rows written = %d, want %d", got, want)
		}
		if vt.Version >= f.unit("HN.HBT.VT").Version {
			t.Error("the merged unit's version did not change")
		}
	})

	refused := []struct {
		name     string
		survivor string
		merged   []string
		want     domain.ErrorCode
	}{
		{"a merged unit may not merge again", "HN.HBT.QM", []string{"HN.HBT.VT"}, domain.EInvalid},
		{"nothing merges into a merged unit", "HN.HBT.VT", []string{"HN.HBT.QM"}, domain.EInvalid},
		{"units of different kinds may not merge", "HN.HBT.QM", []string{"HN.HBT.DK"}, domain.EInvalid},
		{"a unit may not merge into itself", "HN.HBT.QM", []string{"HN.HBT.QM"}, domain.EInvalid},
		{"a cell may not merge into its ward", "HN.HBT.BM", []string{"HN.HBT.BM.C1"}, domain.EInvalid},
		{"an unknown unit may not merge", "HN.HBT.QM", []string{"HN.HBT.ZZ"}, domain.EInvalid},
		{"nothing to merge is invalid", "HN.HBT.QM", nil, domain.EInvalid},
		{"an unknown survivor is not found", "HN.HBT.ZZ", []string{"HN.HBT.QM"}, domain.ENotFound},
	}
	for _, tt := range refused {
		t.Run(tt.name+" and writes nothing", func(t *testing.T) {
			before := f.rows()
			_, err := f.svc.MergeUnits(f.ctx, board, tt.survivor, tt.merged, "")
			wantCode(t, err, tt.want)
			if got := f.rows(); got != before {
				t.Errorf("rows after = %+v, want %+v", got, before)
			}
		})
	}
}

func TestSubtreePaging(t *testing.T) {
	f := newFixture(t)
	sys := domain.SystemPrincipal()
	all, err := f.svc.Subtree(f.ctx, sys, "HN", "", core.MaxPageSize)
	wantCode(t, err, "")
	if got, want := all.Total, 16; got != want {
		t.Fatalf("total = %d, want %d", got, want)
	}
	for _, limit := range []int{1, 3, 5, 16, 17} {
		t.Run("pages of "+itoa(int64(limit))+" cover every unit once", func(t *testing.T) {
			seen := map[string]int{}
			cursor, pages := "", 0
			for {
				page, err := f.svc.Subtree(f.ctx, sys, "HN", cursor, limit)
				wantCode(t, err, "")
				if page.Total != all.Total {
					t.Errorf("page total = %d, want %d", page.Total, all.Total)
				}
				if len(page.Units) > limit {
					t.Fatalf("page of %d units, limit %d", len(page.Units), limit)
				}
				for _, u := range page.Units {
					seen[u.Code]++
					if parent := u.ParentCode; parent != "" && seen[parent] == 0 {
						t.Errorf("%s listed before its parent %s", u.Code, parent)
					}
				}
				pages++
				if page.Next == "" {
					break
				}
				cursor = page.Next
				if pages > 20 {
					t.Fatal("paging does not end")
				}
			}
			if len(seen) != all.Total {
				t.Errorf("saw %d units, want %d", len(seen), all.Total)
			}
			for code, n := range seen {
				if n != 1 {
					t.Errorf("%s listed %d times", code, n)
				}
			}
		})
	}
	t.Run("inactive units are left out", func(t *testing.T) {
		_, err := f.svc.MergeUnits(f.ctx, sys, "HN.HBT.QL", []string{"HN.HBT.QM"}, "")
		wantCode(t, err, "")
		page, err := f.svc.Subtree(f.ctx, sys, "HN.HBT", "", 100)
		wantCode(t, err, "")
		if got, want := page.Total, 11; got != want {
			t.Errorf("total = %d, want %d", got, want)
		}
		if strings.Contains(codes(page.Units), "HN.HBT.QM") {
			t.Error("the merged unit is listed")
		}
	})
	t.Run("a limit out of range is invalid", func(t *testing.T) {
		for _, limit := range []int{0, -1, core.MaxPageSize + 1} {
			_, err := f.svc.Subtree(f.ctx, sys, "HN", "", limit)
			wantField(t, err, "limit")
		}
	})
	t.Run("a cursor outside the subtree is invalid", func(t *testing.T) {
		dd := f.unit("HN.DD")
		_, err := f.svc.Subtree(f.ctx, sys, "HN.HBT", dd.Path, 10)
		wantField(t, err, "cursor")
	})
}

// TestScopeOfRoles checks every role on every unit method: inside its
// subtree, outside it, and with actions its role does not allow.
func TestScopeOfRoles(t *testing.T) {
	const (
		ok        = domain.ErrorCode("")
		notFound  = domain.ENotFound
		forbidden = domain.EForbidden
		invalid   = domain.EInvalid
	)
	type call struct {
		name string
		do   func(f *fixture, p domain.Principal) error
		// want per role
		want map[domain.Role]domain.ErrorCode
	}
	all := func(c domain.ErrorCode) map[domain.Role]domain.ErrorCode {
		return map[domain.Role]domain.ErrorCode{
			domain.RoleAdmin: c, domain.RoleBoard: c, domain.RoleSupervisor: c, domain.RoleSecretary: c, domain.RoleViewer: c,
		}
	}
	managers := func(yes, no domain.ErrorCode) map[domain.Role]domain.ErrorCode {
		return map[domain.Role]domain.ErrorCode{
			domain.RoleAdmin: yes, domain.RoleBoard: yes, domain.RoleSupervisor: no, domain.RoleSecretary: no, domain.RoleViewer: no,
		}
	}
	admins := func(yes, no domain.ErrorCode) map[domain.Role]domain.ErrorCode {
		return map[domain.Role]domain.ErrorCode{
			domain.RoleAdmin: yes, domain.RoleBoard: no, domain.RoleSupervisor: no, domain.RoleSecretary: no, domain.RoleViewer: no,
		}
	}
	version := func(f *fixture, code string) int { return f.unit(code).Version }
	members := 12
	calls := []call{
		// Inside: HN.HBT.BM and its cells are in every role's subtree.
		{"read a unit inside", func(f *fixture, p domain.Principal) error {
			_, err := f.svc.Unit(f.ctx, p, "HN.HBT.BM.C1")
			return err
		}, all(ok)},
		{"list children inside", func(f *fixture, p domain.Principal) error {
			_, err := f.svc.Children(f.ctx, p, "HN.HBT.BM")
			return err
		}, all(ok)},
		{"list a subtree inside", func(f *fixture, p domain.Principal) error {
			_, err := f.svc.Subtree(f.ctx, p, "HN.HBT.BM", "", 10)
			return err
		}, all(ok)},
		{"read ancestors inside", func(f *fixture, p domain.Principal) error {
			_, err := f.svc.Ancestors(f.ctx, p, "HN.HBT.BM.C1")
			return err
		}, all(ok)},
		{"read history inside", func(f *fixture, p domain.Principal) error {
			_, err := f.svc.UnitHistory(f.ctx, p, "HN.HBT.BM.C1")
			return err
		}, all(ok)},
		{"create a cell inside", func(f *fixture, p domain.Principal) error {
			_, err := f.svc.CreateUnit(f.ctx, p, domain.UnitInput{Code: "HN.HBT.BM.C9", Name: "Chi bộ 9", Kind: "cell", ParentCode: "HN.HBT.BM"})
			return err
		}, managers(ok, forbidden)},
		{"create a root", func(f *fixture, p domain.Principal) error {
			_, err := f.svc.CreateUnit(f.ctx, p, domain.UnitInput{Code: "HCM", Name: "Đảng bộ TP Hồ Chí Minh", Kind: "city"})
			return err
		}, all(forbidden)},
		{"update a cell inside", func(f *fixture, p domain.Principal) error {
			_, err := f.svc.UpdateUnit(f.ctx, p, "HN.HBT.BM.C1", domain.UnitPatch{Members: &members, Version: version(f, "HN.HBT.BM.C1")})
			return err
		}, managers(ok, forbidden)},
		{"move a cell inside", func(f *fixture, p domain.Principal) error {
			_, err := f.svc.MoveUnit(f.ctx, p, "HN.HBT.BM.C2", "HN.HBT.VT", "")
			return err
		}, managers(ok, forbidden)},
		{"merge cells inside", func(f *fixture, p domain.Principal) error {
			_, err := f.svc.MergeUnits(f.ctx, p, "HN.HBT.BM.C1", []string{"HN.HBT.BM.C3"}, "")
			return err
		}, managers(ok, forbidden)},
		{"grant a role inside", func(f *fixture, p domain.Principal) error {
			return f.svc.Grant(f.ctx, p, "xem", "viewer", "HN.HBT.BM")
		}, admins(ok, forbidden)},
		{"revoke a role inside", func(f *fixture, p domain.Principal) error {
			return f.svc.Revoke(f.ctx, p, "xem", "viewer", "HN.HBT.BM")
		}, admins(ok, forbidden)},

		// Outside: HN.DD is in nobody's subtree; it must not even be seen.
		{"read a unit outside", func(f *fixture, p domain.Principal) error {
			_, err := f.svc.Unit(f.ctx, p, "HN.DD.X.C1")
			return err
		}, all(notFound)},
		{"read the unit above", func(f *fixture, p domain.Principal) error {
			_, err := f.svc.Unit(f.ctx, p, "HN")
			return err
		}, all(notFound)},
		{"list children outside", func(f *fixture, p domain.Principal) error {
			_, err := f.svc.Children(f.ctx, p, "HN.DD.X")
			return err
		}, all(notFound)},
		{"list a subtree outside", func(f *fixture, p domain.Principal) error {
			_, err := f.svc.Subtree(f.ctx, p, "HN", "", 10)
			return err
		}, all(notFound)},
		{"read ancestors outside", func(f *fixture, p domain.Principal) error {
			_, err := f.svc.Ancestors(f.ctx, p, "HN.DD.X.C1")
			return err
		}, all(notFound)},
		{"read history outside", func(f *fixture, p domain.Principal) error {
			_, err := f.svc.UnitHistory(f.ctx, p, "HN.DD.X.C1")
			return err
		}, all(notFound)},
		{"create a cell outside", func(f *fixture, p domain.Principal) error {
			_, err := f.svc.CreateUnit(f.ctx, p, domain.UnitInput{Code: "HN.DD.X.C9", Name: "Chi bộ 9", Kind: "cell", ParentCode: "HN.DD.X"})
			return err
		}, all(invalid)},
		{"update a cell outside", func(f *fixture, p domain.Principal) error {
			_, err := f.svc.UpdateUnit(f.ctx, p, "HN.DD.X.C1", domain.UnitPatch{Members: &members, Version: 1})
			return err
		}, all(notFound)},
		{"move a cell outside", func(f *fixture, p domain.Principal) error {
			_, err := f.svc.MoveUnit(f.ctx, p, "HN.DD.X.C1", "HN.HBT.BM", "")
			return err
		}, all(notFound)},
		{"move a cell inside to a parent outside", func(f *fixture, p domain.Principal) error {
			_, err := f.svc.MoveUnit(f.ctx, p, "HN.HBT.BM.C1", "HN.DD.X", "")
			return err
		}, managers(invalid, forbidden)},
		{"merge into a unit outside", func(f *fixture, p domain.Principal) error {
			_, err := f.svc.MergeUnits(f.ctx, p, "HN.DD.X", []string{"HN.HBT.QM"}, "")
			return err
		}, all(notFound)},
		{"merge a unit outside into one inside", func(f *fixture, p domain.Principal) error {
			_, err := f.svc.MergeUnits(f.ctx, p, "HN.HBT.BM.C1", []string{"HN.DD.X.C1"}, "")
			return err
		}, managers(invalid, forbidden)},
		{"grant a role outside", func(f *fixture, p domain.Principal) error {
			return f.svc.Grant(f.ctx, p, "xem", "viewer", "HN.DD")
		}, all(notFound)},
		{"revoke a role outside", func(f *fixture, p domain.Principal) error {
			return f.svc.Revoke(f.ctx, p, "xem", "viewer", "HN.DD")
		}, all(notFound)},
	}
	for _, role := range domain.Roles {
		t.Run(string(role), func(t *testing.T) {
			f := newFixture(t)
			p := f.as(fixtureUsers[role])
			for _, c := range calls {
				t.Run(c.name, func(t *testing.T) {
					want := c.want[role]
					before := f.rows()
					err := c.do(f, p)
					wantCode(t, err, want)
					if want != ok && f.rows() != before {
						t.Errorf("a refused call wrote: rows %+v, want %+v", f.rows(), before)
					}
				})
			}
		})
	}
}

func TestSecretaryScope(t *testing.T) {
	f := newFixture(t)
	p := f.as("bithu")

	t.Run("a sibling ward of the secretary's ward is not found", func(t *testing.T) {
		for _, code := range []string{"HN.HBT", "HN.HBT.VT", "HN.HBT.VT.C1"} {
			_, err := f.svc.Unit(f.ctx, p, code)
			wantCode(t, err, domain.ENotFound)
		}
	})
	t.Run("the ancestors shown stop at the secretary's ward", func(t *testing.T) {
		anc, err := f.svc.Ancestors(f.ctx, p, "HN.HBT.BM.C1")
		wantCode(t, err, "")
		if got, want := codes(anc), "HN.HBT.BM"; got != want {
			t.Errorf("ancestors = %q, want %q", got, want)
		}
	})
	t.Run("the secretary's own ward may not be changed", func(t *testing.T) {
		name := "Đảng bộ phường Bạch Mai mới"
		_, err := f.svc.UpdateUnit(f.ctx, p, "HN.HBT.BM", domain.UnitPatch{Name: &name, Version: f.unit("HN.HBT.BM").Version})
		wantCode(t, err, domain.EForbidden)
		_, err = f.svc.MoveUnit(f.ctx, p, "HN.HBT.BM.C1", "HN.HBT.BM", "")
		wantCode(t, err, domain.EForbidden)
	})
	t.Run("an anonymous caller sees nothing", func(t *testing.T) {
		_, err := f.svc.Unit(f.ctx, domain.Principal{}, "HN.HBT.BM")
		wantCode(t, err, domain.ENotFound)
		_, err = f.svc.CreateUnit(f.ctx, domain.Principal{}, domain.UnitInput{Code: "HN.HBT.BM.C9", Name: "Chi bộ", Kind: "cell", ParentCode: "HN.HBT.BM"})
		wantField(t, err, "parent_code")
	})
	t.Run("the admin of the district sees the whole district but not the city", func(t *testing.T) {
		admin := f.as("quantri")
		page, err := f.svc.Subtree(f.ctx, admin, "HN.HBT", "", 100)
		wantCode(t, err, "")
		if got, want := page.Total, 12; got != want {
			t.Errorf("subtree = %d units, want %d", got, want)
		}
		anc, err := f.svc.Ancestors(f.ctx, admin, "HN.HBT.BM")
		wantCode(t, err, "")
		if got, want := codes(anc), "HN.HBT"; got != want {
			t.Errorf("ancestors = %q, want %q", got, want)
		}
	})
}
