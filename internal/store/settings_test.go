package store

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/daihoi/daihoi/internal/testdb"
)

// withParam adds key=value to a connection URL or key=value DSN.
func withParam(t *testing.T, base, key, value string) string {
	t.Helper()
	if !strings.HasPrefix(base, "postgres://") && !strings.HasPrefix(base, "postgresql://") {
		return base + " " + key + "='" + value + "'"
	}
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set(key, value)
	u.RawQuery = q.Encode()
	return u.String()
}

// keyValue turns a connection URL into a key=value DSN.
func keyValue(t *testing.T, base string) string {
	t.Helper()
	if !strings.HasPrefix(base, "postgres://") && !strings.HasPrefix(base, "postgresql://") {
		return base
	}
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	dsn := fmt.Sprintf("host=%s port=%s dbname=%s user=%s", u.Hostname(), u.Port(), strings.TrimPrefix(u.Path, "/"), u.User.Username())
	if p, ok := u.User.Password(); ok {
		dsn += " password='" + p + "'"
	}
	for k, v := range u.Query() {
		dsn += " " + k + "=" + v[0]
	}
	return dsn
}

func TestConnectionsCarryTheSessionSettings(t *testing.T) {
	base := testdb.URL(t)
	type settings struct{ jit, statement, lock, idle string }
	tests := []struct {
		name string
		url  string
		opts Options
		want settings
	}{
		{"the defaults", base, Options{}, settings{"off", "1min", "15s", "1min"}},
		{"the options", base, Options{StatementTimeout: 2 * time.Second, LockTimeout: 3 * time.Second, IdleInTransactionTimeout: 4 * time.Second},
			settings{"off", "2s", "3s", "4s"}},
		{"a negative option leaves the server's setting", base, Options{StatementTimeout: -1, LockTimeout: -1, IdleInTransactionTimeout: -1},
			settings{"off", "0", "0", "0"}},
		{"a URL that sets them keeps its values",
			withParam(t, withParam(t, withParam(t, base, "jit", "on"), "statement_timeout", "7s"), "lock_timeout", "8000"), Options{},
			settings{"on", "7s", "8s", "1min"}},
		{"a key=value DSN that sets one keeps it", withParam(t, keyValue(t, base), "idle_in_transaction_session_timeout", "9s"), Options{},
			settings{"off", "1min", "15s", "9s"}},
		{"settings in the URL's options count too", withParam(t, base, "options", "-c statement_timeout=11s -c lock_timeout=12s"), Options{},
			settings{"off", "11s", "12s", "1min"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, err := Open(context.Background(), tt.url, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			var got settings
			if err := st.DB().QueryRow(`SELECT current_setting('jit'), current_setting('statement_timeout'),
				current_setting('lock_timeout'), current_setting('idle_in_transaction_session_timeout')`).
				Scan(&got.jit, &got.statement, &got.lock, &got.idle); err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestBulkWorkRunsWithTheBulkTimeout(t *testing.T) {
	st, err := Open(context.Background(), testdb.URL(t), Options{BulkTimeout: 42 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	var inBulk, after [2]string
	err = st.inBulkTx(ctx, func(tx *txn) error {
		return tx.QueryRowContext(ctx, `SELECT current_setting('statement_timeout'), current_setting('lock_timeout')`).Scan(&inBulk[0], &inBulk[1])
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.DB().QueryRow(`SELECT current_setting('statement_timeout'), current_setting('lock_timeout')`).Scan(&after[0], &after[1]); err != nil {
		t.Fatal(err)
	}
	if want := [2]string{"42min", "42min"}; inBulk != want {
		t.Errorf("in a bulk transaction: %v, want %v", inBulk, want)
	}
	if want := [2]string{"1min", "15s"}; after != want {
		t.Errorf("outside it: %v, want %v", after, want)
	}
}
