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
	f.addTree()
	return f
}

// addTree creates the fixture's tree and users (see newFixture).
func (f *fixture) addTree() {
	t := f.t
	t.Helper()
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
	f.addFixtureUsers()
}

// addFixtureUsers creates the users of fixtureUsers with their roles:
// on HN.HBT, the secretary on HN.HBT.BM.
func (f *fixture) addFixtureUsers() {
	f.t.Helper()
	for role, username := range fixtureUsers {
		unit := "HN.HBT"
		if role == domain.RoleSecretary {
			unit = "HN.HBT.BM"
		}
		f.user(username)
		if err := f.svc.Grant(f.ctx, domain.SystemPrincipal(), username, string(role), unit); err != nil {
			f.t.Fatalf("grant %s: %v", username, err)
		}
	}
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
	return fixtureWithOptions(t, db, clock, core.Options{})
}

// fixtureWithOptions returns a service with opts on db with clock.
func fixtureWithOptions(t *testing.T, db *sqlx.DB, clock domain.Clock, opts core.Options) *fixture {
	t.Helper()
	ctx := context.Background()
	svc, err := core.New(ctx, store.New(db), clock, opts, nil)
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

// rootAdmin returns quantrihn, admin of the root unit HN, creating them
// the first time.
func (f *fixture) rootAdmin() domain.Principal {
	f.t.Helper()
	var n int
	if err := f.db.Get(&n, `SELECT count(*) FROM users WHERE username = 'quantrihn'`); err != nil {
		f.t.Fatal(err)
	}
	if n == 0 {
		f.user("quantrihn")
		if err := f.svc.Grant(f.ctx, domain.SystemPrincipal(), "quantrihn", "admin", "HN"); err != nil {
			f.t.Fatal(err)
		}
	}
	return f.as("quantrihn")
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
