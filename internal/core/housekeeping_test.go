package core_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/daihoi/daihoi/internal/core"
	"github.com/daihoi/daihoi/internal/domain"
	"github.com/daihoi/daihoi/internal/store"
	"github.com/daihoi/daihoi/internal/testdb"
)

func TestHousekeepingDeletesOnlyWhatExpired(t *testing.T) {
	db := testdb.New(t)
	st := store.New(db)
	ctx := context.Background()
	now := time.Date(2020, 4, 15, 9, 0, 0, 0, domain.Location)
	u, err := st.CreateUser(ctx, domain.SystemPrincipal(), domain.User{Username: "lan", Lang: "vi"}, "x")
	if err != nil {
		t.Fatal(err)
	}
	for i, exp := range []time.Time{now.Add(-time.Hour), now.Add(time.Hour)} {
		if err := st.CreateToken(ctx, u.ID, []byte{byte(i)}, exp); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(`INSERT INTO sessions (token, data, expiry) VALUES ($1, '\x00', $2)`, string(rune('a'+i)), exp); err != nil {
			t.Fatal(err)
		}
	}
	for i, at := range []time.Time{now.Add(-time.Hour), now} { // counted an hour ago, and now
		if _, err := st.CountSignIn(ctx, fmt.Sprintf("addr:10.0.0.%d", i), at, domain.DefaultSignInPolicy); err != nil {
			t.Fatal(err)
		}
	}
	f := fixtureOn(t, db, domain.FixedClock(now))
	for range 2 { // idempotent
		if run, err := f.svc.RunJob(ctx, domain.SystemPrincipal(), core.JobHousekeeping, "", 0); err != nil || run.Outcome != domain.JobOK {
			t.Fatalf("run = %+v, %v", run, err)
		}
	}
	var sessions, tokens, signIns int
	if err := db.Get(&sessions, `SELECT count(*) FROM sessions`); err != nil {
		t.Fatal(err)
	}
	if err := db.Get(&tokens, `SELECT count(*) FROM api_tokens`); err != nil {
		t.Fatal(err)
	}
	if err := db.Get(&signIns, `SELECT count(*) FROM sign_in_attempts`); err != nil {
		t.Fatal(err)
	}
	if sessions != 1 || tokens != 1 || signIns != 1 {
		t.Errorf("left %d sessions, %d tokens and %d sign-in counts, want the 1 unexpired of each", sessions, tokens, signIns)
	}
}
