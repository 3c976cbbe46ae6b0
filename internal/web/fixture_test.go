package web

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/daihoi/daihoi/internal/auth"
	"github.com/daihoi/daihoi/internal/core"
	"github.com/daihoi/daihoi/internal/domain"
	"github.com/daihoi/daihoi/internal/store"
	"github.com/daihoi/daihoi/internal/testdb"
)

// testPassword is every fixture user's password.
const testPassword = "mat-khau-123"

// fixture is a server over a fresh database holding a small tree:
//
//	HN (city)
//	├── HN.HBT (district)
//	│   ├── HN.HBT.A (grassroots_committee): cells HN.HBT.A.1, HN.HBT.A.2
//	│   └── HN.HBT.B (grassroots_committee): cells HN.HBT.B.1, HN.HBT.B.2
//	└── HN.DD (district)
//	    └── HN.DD.K (grassroots_committee): cell HN.DD.K.1
//	HP (city, a second root)
//	└── HP.X (grassroots_committee): cell HP.X.1
//
// and one user per role: admin at HN, board at HN.HBT, supervisor and
// secretary at HN.HBT.A, viewer at HN.HBT, each logged in (tokens by role).
type fixture struct {
	t      *testing.T
	db     *sqlx.DB
	store  *store.Store
	svc    *core.Service
	srv    *Server
	logs   *syncBuffer
	tokens map[string]string
	users  map[string]int64
	seq    int
	// errorsExpected lets a test log errors; otherwise an error in the log
	// (an unexpected 500, a session failure) fails the test.
	errorsExpected bool
}

// grants gives each fixture user (named after the role) its unit.
var grants = []struct {
	role domain.Role
	unit string
}{
	{domain.RoleAdmin, "HN"},
	{domain.RoleBoard, "HN.HBT"},
	{domain.RoleSupervisor, "HN.HBT.A"},
	{domain.RoleSecretary, "HN.HBT.A"},
	{domain.RoleViewer, "HN.HBT"},
}

var system = domain.SystemPrincipal()

func newFixture(t *testing.T, opts Options) *fixture {
	t.Helper()
	return newFixtureOn(t, opts, store.New(testdb.New(t)), domain.SystemClock{})
}

// newFixtureAt is newFixture on clock: "today" within the fixture's round.
func newFixtureAt(t *testing.T, opts Options, clock domain.Clock) *fixture {
	t.Helper()
	return newFixtureOn(t, opts, store.New(testdb.New(t)), clock)
}

// newFixtureOn is newFixture over the store st (a database with the
// migrations applied and nothing else), on clock.
func newFixtureOn(t *testing.T, opts Options, st *store.Store, clock domain.Clock) *fixture {
	t.Helper()
	return newFixtureWith(t, opts, st, clock, core.Options{})
}

// newFixtureWith is newFixtureOn with the services' options copts.
func newFixtureWith(t *testing.T, opts Options, st *store.Store, clock domain.Clock, copts core.Options) *fixture {
	t.Helper()
	ctx := context.Background()
	db := st.DB()
	logs := &syncBuffer{}
	log := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelWarn}))
	// Failed sign-ins in a test slow the next ones down by real seconds;
	// the throttle's counts are under test, not its waits.
	copts.SignIn = domain.SignInPolicy{MaxDelay: time.Millisecond}
	svc, err := core.New(ctx, st, clock, copts, log)
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{t: t, db: db, store: st, svc: svc, logs: logs, tokens: map[string]string{}, users: map[string]int64{}}
	for _, u := range []domain.UnitInput{
		{Code: "HN", Name: "Đảng bộ Thành phố Hà Nội", Kind: "city"},
		{Code: "HN.HBT", Name: "Đảng bộ quận Hai Bà Trưng", Kind: "district", ParentCode: "HN"},
		{Code: "HN.HBT.A", Name: "Đảng bộ phường Bạch Mai", Kind: "grassroots_committee", ParentCode: "HN.HBT", Members: 400},
		{Code: "HN.HBT.A.1", Name: "Chi bộ tổ dân phố 1", Kind: "cell", ParentCode: "HN.HBT.A", Category: "residential", Members: 30},
		{Code: "HN.HBT.A.2", Name: "Chi bộ tổ dân phố 2", Kind: "cell", ParentCode: "HN.HBT.A", Category: "residential", Members: 25},
		{Code: "HN.HBT.B", Name: "Đảng bộ phường Bách Khoa", Kind: "grassroots_committee", ParentCode: "HN.HBT"},
		{Code: "HN.HBT.B.1", Name: "Chi bộ tổ dân phố 1", Kind: "cell", ParentCode: "HN.HBT.B", Category: "residential"},
		{Code: "HN.HBT.B.2", Name: "Chi bộ trường học", Kind: "cell", ParentCode: "HN.HBT.B", Category: "school"},
		{Code: "HN.DD", Name: "Đảng bộ quận Đống Đa", Kind: "district", ParentCode: "HN"},
		{Code: "HN.DD.K", Name: "Đảng bộ phường Khâm Thiên", Kind: "grassroots_committee", ParentCode: "HN.DD"},
		{Code: "HN.DD.K.1", Name: "Chi bộ tổ dân phố 1", Kind: "cell", ParentCode: "HN.DD.K", Category: "residential"},
		{Code: "HP", Name: "Đảng bộ Thành phố Hải Phòng", Kind: "city"},
		{Code: "HP.X", Name: "Đảng bộ phường X", Kind: "grassroots_committee", ParentCode: "HP"},
		{Code: "HP.X.1", Name: "Chi bộ 1", Kind: "cell", ParentCode: "HP.X", Category: "residential"},
	} {
		if _, err := svc.CreateUnit(ctx, system, u); err != nil {
			t.Fatalf("fixture unit %s: %v", u.Code, err)
		}
	}
	hash, err := auth.HashPassword(testPassword)
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range grants {
		name := string(g.role)
		unit, err := st.UnitByCode(ctx, g.unit)
		if err != nil {
			t.Fatal(err)
		}
		u, err := st.CreateUser(ctx, system, domain.User{Username: name, FullName: "Người dùng " + name, Lang: "vi"}, hash,
			store.RoleOn{Role: g.role, Unit: unit})
		if err != nil {
			t.Fatal(err)
		}
		f.users[name] = u.ID
	}
	f.srv, err = New(svc, opts, log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if logs := logs.String(); !f.errorsExpected && strings.Contains(logs, "level=ERROR") {
			t.Errorf("errors logged:\n%s", logs)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := f.srv.Shutdown(ctx); err != nil {
			t.Errorf("shutdown: %v", err)
		}
	})
	for _, g := range grants {
		f.tokens[string(g.role)] = f.login(string(g.role))
	}
	return f
}

// login signs a user in through the API and returns the token.
func (f *fixture) login(username string) string {
	f.t.Helper()
	res := f.do("POST", "/api/v1/login", "", fmt.Sprintf(`{"username":%q,"password":%q}`, username, testPassword))
	if res.Code != http.StatusOK {
		f.t.Fatalf("login %s: %d %s", username, res.Code, res.Body)
	}
	var tok tokenResponse
	res.decode(f.t, &tok)
	if tok.Token == "" {
		f.t.Fatalf("login %s: no token in %s", username, res.Body)
	}
	return tok.Token
}

// response is a recorded response.
type response struct {
	*httptest.ResponseRecorder
}

func (r response) decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body.Bytes(), v); err != nil {
		t.Fatalf("decode %q: %v", r.Body.String(), err)
	}
}

// apiError decodes an error response, failing unless it has the error shape.
func (r response) apiError(t *testing.T) errorDetail {
	t.Helper()
	var b errorBody
	r.decode(t, &b)
	if b.Error.Code == "" || b.Error.Message == "" || b.Error.MessageVI == "" || b.Error.MessageEN == "" {
		t.Fatalf("not an error body: %s", r.Body)
	}
	return b.Error
}

// do sends a request with an optional bearer token and body, and extra
// headers as "Name: value" strings.
func (f *fixture) do(method, path, token, body string, headers ...string) response {
	f.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, path, rd)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for _, h := range headers {
		k, v, _ := strings.Cut(h, ":")
		req.Header.Set(strings.TrimSpace(k), strings.TrimSpace(v))
	}
	return f.serve(req)
}

func (f *fixture) serve(req *http.Request) response {
	rec := httptest.NewRecorder()
	f.srv.Handler().ServeHTTP(rec, req)
	return response{rec}
}

// unit reads a unit as the system.
func (f *fixture) unit(code string) domain.Unit {
	f.t.Helper()
	u, err := f.svc.Unit(context.Background(), system, code)
	if err != nil {
		f.t.Fatalf("unit %s: %v", code, err)
	}
	return u
}

// newCell creates a fresh cell under parent as the system and returns its code.
func (f *fixture) newCell(parent string) string {
	f.t.Helper()
	f.seq++
	code := fmt.Sprintf("%s.T%d", parent, f.seq)
	if _, err := f.svc.CreateUnit(context.Background(), system, domain.UnitInput{
		Code: code, Name: "Chi bộ thử " + code, Kind: "cell", ParentCode: parent, Category: "other",
	}); err != nil {
		f.t.Fatalf("new cell: %v", err)
	}
	return code
}

// counts returns the number of units and of audit rows.
func (f *fixture) counts() (units, audits int) {
	f.t.Helper()
	if err := f.db.Get(&units, `SELECT count(*) FROM units`); err != nil {
		f.t.Fatal(err)
	}
	if err := f.db.Get(&audits, `SELECT count(*) FROM audit_log`); err != nil {
		f.t.Fatal(err)
	}
	return units, audits
}

// syncBuffer is a bytes.Buffer safe for concurrent writers (the logger).
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
