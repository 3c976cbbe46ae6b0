package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/daihoi/daihoi/internal/domain"
)

const userSelect = `SELECT id, username, full_name, email, lang, active, created_at, session_epoch FROM users `

// RoleOn is a role on a unit, given to an account as it is created.
type RoleOn struct {
	Role domain.Role
	Unit domain.Unit
}

// CreateUser adds an account with an already hashed password and the roles
// it starts with, in one transaction.
func (s *Store) CreateUser(ctx context.Context, actor domain.Principal, u domain.User, passwordHash string, roles ...RoleOn) (domain.User, error) {
	err := s.inTx(ctx, func(tx *txn) error {
		err := tx.GetContext(ctx, &u.ID, `INSERT INTO users (username, full_name, email, password_hash, lang, active)
			VALUES ($1, $2, $3, $4, $5, true) RETURNING id`, u.Username, u.FullName, u.Email, passwordHash, u.Lang)
		if pqCode(err) == pqUniqueViolation {
			return domain.Conflict(fmt.Sprintf("Tên đăng nhập %s đã tồn tại", u.Username), fmt.Sprintf("username %s is taken", u.Username))
		}
		if err != nil {
			return fmt.Errorf("store: create user: %w", err)
		}
		u.Active = true
		if err := audit(ctx, tx, actor, "user.create", "user", nil, nil, map[string]any{"username": u.Username, "full_name": u.FullName}, ""); err != nil {
			return err
		}
		for _, r := range roles {
			if err := grant(ctx, tx, actor, domain.Account{User: u}, r.Role, r.Unit); err != nil {
				return err
			}
		}
		return nil
	})
	return u, err
}

// UserByUsername returns the account and its password hash.
func (s *Store) UserByUsername(ctx context.Context, username string) (domain.User, string, error) {
	var row struct {
		domain.User
		Hash string `db:"password_hash"`
	}
	err := s.db.GetContext(ctx, &row, `SELECT id, username, full_name, email, lang, active, created_at, session_epoch, password_hash
		FROM users WHERE username = $1`, username)
	if errors.Is(err, sql.ErrNoRows) {
		return domain.User{}, "", domain.NotFound(domain.UserText, username)
	}
	if err != nil {
		return domain.User{}, "", fmt.Errorf("store: user %s: %w", username, err)
	}
	return row.User, row.Hash, nil
}

// grantSelect reads grants with their units, of the users with ids $1
// (bigint[]) or, with $1 NULL, everyone's, in the order accounts show them.
const grantSelect = `SELECT r.user_id, r.role, u.code AS unit_code, u.name AS unit_name, u.path::text AS unit_path, r.granted_at
	FROM role_assignments r JOIN units u ON u.id = r.unit_id
	WHERE $1::bigint[] IS NULL OR r.user_id = ANY($1)
	ORDER BY r.user_id, nlevel(u.path), u.code, r.role`

type grantRow struct {
	UserID int64 `db:"user_id"`
	domain.Grant
}

// groupTieSelect lists the memberships of working groups of the users with
// ids $1 (everyone's when NULL), of every round (domain.GroupTie).
const groupTieSelect = `SELECT m.user_id, g.name AS group_name, u.code AS unit_code, u.name AS unit_name, u.path::text AS unit_path
	FROM work_group_members m JOIN work_groups g ON g.id = m.group_id JOIN units u ON u.id = g.unit_id
	WHERE $1::bigint[] IS NULL OR m.user_id = ANY($1)
	ORDER BY m.user_id, g.round_id DESC, nlevel(u.path), u.code, g.name`

type groupTieRow struct {
	UserID int64 `db:"user_id"`
	domain.GroupTie
}

// accountsOf returns the accounts of users, with their roles and groups,
// in two queries (every user's when all).
func accountsOf(ctx context.Context, q sqlx.QueryerContext, users []domain.User, all bool) ([]domain.Account, error) {
	var ids any // NULL: everyone's
	if !all {
		list := make([]int64, len(users))
		for i, u := range users {
			list[i] = u.ID
		}
		ids = pq.Array(list)
	}
	var grants []grantRow
	if err := sqlx.SelectContext(ctx, q, &grants, grantSelect, ids); err != nil {
		return nil, fmt.Errorf("store: grants: %w", err)
	}
	var ties []groupTieRow
	if err := sqlx.SelectContext(ctx, q, &ties, groupTieSelect, ids); err != nil {
		return nil, fmt.Errorf("store: memberships: %w", err)
	}
	byUser := map[int64][]domain.Grant{}
	for _, g := range grants {
		byUser[g.UserID] = append(byUser[g.UserID], g.Grant)
	}
	groups := map[int64][]domain.GroupTie{}
	for _, t := range ties {
		groups[t.UserID] = append(groups[t.UserID], t.GroupTie)
	}
	out := make([]domain.Account, len(users))
	for i, u := range users {
		out[i] = domain.Account{User: u, Grants: byUser[u.ID], Groups: groups[u.ID]}
	}
	return out, nil
}

// Accounts lists every account with its roles and groups, by username.
func (s *Store) Accounts(ctx context.Context) ([]domain.Account, error) {
	users := []domain.User{}
	if err := s.db.SelectContext(ctx, &users, userSelect+`ORDER BY username`); err != nil {
		return nil, fmt.Errorf("store: users: %w", err)
	}
	var out []domain.Account
	err := s.db.with(ctx, func(q sqlx.QueryerContext) (err error) {
		out, err = accountsOf(ctx, q, users, true)
		return err
	})
	return out, err
}

// AccountFacts returns what the account rules need to know besides the
// caller and the account (domain.AccountFacts).
func (s *Store) AccountFacts(ctx context.Context) (domain.AccountFacts, error) {
	var f domain.AccountFacts
	err := s.db.with(ctx, func(q sqlx.QueryerContext) (err error) {
		f, err = accountFacts(ctx, q)
		return err
	})
	return f, err
}

func accountFacts(ctx context.Context, q sqlx.QueryerContext) (domain.AccountFacts, error) {
	var rows []struct {
		Path string `db:"path"`
		N    int    `db:"n"`
	}
	err := sqlx.SelectContext(ctx, q, &rows, `SELECT g.path::text AS path, count(*) AS n
		FROM role_assignments r JOIN units g ON g.id = r.unit_id JOIN users u ON u.id = r.user_id
		WHERE r.role = 'admin' AND u.active GROUP BY g.path`)
	if err != nil {
		return domain.AccountFacts{}, fmt.Errorf("store: admins: %w", err)
	}
	f := domain.AccountFacts{Admins: make(map[string]int, len(rows))}
	for _, r := range rows {
		f.Admins[r.Path] = r.N
	}
	return f, nil
}

// AccountCheck approves a change to an account, or returns its refusal,
// seeing the account and the facts as they are in the transaction that
// makes the change. It runs inside that transaction: it must not use the
// store (see txn).
type AccountCheck func(domain.Account, domain.AccountFacts) error

// accountsLockKey serialises the changes to accounts and to memberships
// of working groups, so that what an AccountCheck saw (the account's roles
// and groups, how many admins each unit has) still holds when its change
// commits: two admins of a root unit cannot deactivate each other at the
// same moment.
const accountsLockKey = 7_100_003

// lockAccounts takes accountsLockKey until tx ends.
func lockAccounts(ctx context.Context, tx *txn) error {
	if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, accountsLockKey); err != nil {
		return fmt.Errorf("store: lock accounts: %w", err)
	}
	return nil
}

// inAccountTx runs fn on the account of username in a transaction, once
// check approved it; a refusal writes nothing. A name no account can have
// (NUL bytes, invalid UTF-8...) is not found without asking the database.
func (s *Store) inAccountTx(ctx context.Context, username string, check AccountCheck, fn func(tx *txn, a domain.Account) error) error {
	if !domain.ValidUsername(username) {
		return domain.NotFound(domain.UserText, username)
	}
	return s.inTx(ctx, func(tx *txn) error {
		if err := lockAccounts(ctx, tx); err != nil {
			return err
		}
		var u domain.User
		err := tx.GetContext(ctx, &u, userSelect+`WHERE username = $1 FOR UPDATE`, username)
		if errors.Is(err, sql.ErrNoRows) {
			return domain.NotFound(domain.UserText, username)
		}
		if err != nil {
			return fmt.Errorf("store: user %s: %w", username, err)
		}
		accounts, err := accountsOf(ctx, tx, []domain.User{u}, false)
		if err != nil {
			return err
		}
		a := accounts[0]
		facts, err := accountFacts(ctx, tx)
		if err != nil {
			return err
		}
		if err := check(a, facts); err != nil {
			return err
		}
		return fn(tx, a)
	})
}

// SetPassword replaces a user's password hash once check approved it, ends
// their web sessions (a new session epoch, returned) and revokes their API
// tokens.
func (s *Store) SetPassword(ctx context.Context, actor domain.Principal, username, hash string, check AccountCheck) (epoch int64, err error) {
	err = s.inAccountTx(ctx, username, check, func(tx *txn, a domain.Account) error {
		if err := tx.GetContext(ctx, &epoch, `UPDATE users SET password_hash = $2, session_epoch = session_epoch + 1, updated_at = $3
			WHERE id = $1 RETURNING session_epoch`, a.ID, hash, tx.at); err != nil {
			return fmt.Errorf("store: set password: %w", err)
		}
		if err := revokeTokens(ctx, tx, a.ID); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "user.password", "user", nil, nil, map[string]any{"username": username}, "")
	})
	return epoch, err
}

// revokeTokens revokes every secret a user holds beside the password: the
// API tokens and the calendar address (which opens the user's calendar
// without signing in), so that a new password or a lock shuts out whoever
// had learned them.
func revokeTokens(ctx context.Context, tx *txn, userID int64) error {
	if _, err := tx.ExecContext(ctx, `WITH t AS (DELETE FROM api_tokens WHERE user_id = $1)
		DELETE FROM calendar_feeds WHERE user_id = $1`, userID); err != nil {
		return fmt.Errorf("store: revoke tokens: %w", err)
	}
	return nil
}

// SetUserEmail sets the e-mail address of username ("" for none) once check
// approved it.
func (s *Store) SetUserEmail(ctx context.Context, actor domain.Principal, username, email string, check AccountCheck) error {
	return s.inAccountTx(ctx, username, check, func(tx *txn, a domain.Account) error {
		if a.Email == email {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET email = $2, updated_at = $3 WHERE id = $1`, a.ID, email, tx.at); err != nil {
			return fmt.Errorf("store: e-mail of %s: %w", username, err)
		}
		return audit(ctx, tx, actor, "user.email", "user", nil, map[string]any{"username": username, "email": a.Email},
			map[string]any{"username": username, "email": email}, "")
	})
}

// SetUserLang sets the language of username's pages ("vi" or "en") once
// check approved it.
func (s *Store) SetUserLang(ctx context.Context, actor domain.Principal, username, lang string, check AccountCheck) error {
	return s.inAccountTx(ctx, username, check, func(tx *txn, a domain.Account) error {
		if a.Lang == lang {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET lang = $2, updated_at = $3 WHERE id = $1`, a.ID, lang, tx.at); err != nil {
			return fmt.Errorf("store: language of %s: %w", username, err)
		}
		return audit(ctx, tx, actor, "user.lang", "user", nil, map[string]any{"username": username, "lang": a.Lang},
			map[string]any{"username": username, "lang": lang}, "")
	})
}

// SetUserActive activates or deactivates an account once check approved it;
// deactivation ends its web sessions (for good: a new session epoch) and
// revokes its API tokens. Setting what is already so writes nothing.
func (s *Store) SetUserActive(ctx context.Context, actor domain.Principal, username string, active bool, check AccountCheck) error {
	return s.inAccountTx(ctx, username, check, func(tx *txn, a domain.Account) error {
		if a.Active == active {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET active = $2, updated_at = $3,
				session_epoch = session_epoch + CASE WHEN $2 THEN 0 ELSE 1 END
			WHERE id = $1`, a.ID, active, tx.at); err != nil {
			return fmt.Errorf("store: set active: %w", err)
		}
		if !active {
			if err := revokeTokens(ctx, tx, a.ID); err != nil {
				return err
			}
		}
		return audit(ctx, tx, actor, "user.active", "user", nil, nil, map[string]any{"username": username, "active": active}, "")
	})
}

// Grant gives user the role on the unit once check approved it; granting it
// twice changes nothing.
func (s *Store) Grant(ctx context.Context, actor domain.Principal, username string, role domain.Role, unit domain.Unit, check AccountCheck) error {
	return s.inAccountTx(ctx, username, check, func(tx *txn, a domain.Account) error {
		return grant(ctx, tx, actor, a, role, unit)
	})
}

// grant gives a the role on the unit, and audits it unless a had it already.
func grant(ctx context.Context, tx *txn, actor domain.Principal, a domain.Account, role domain.Role, unit domain.Unit) error {
	var by *int64
	if actor.User.ID != 0 {
		by = &actor.User.ID
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO role_assignments (user_id, unit_id, role, granted_by) VALUES ($1, $2, $3, $4)
		ON CONFLICT (user_id, unit_id, role) DO NOTHING`, a.ID, unit.ID, string(role), by)
	if err != nil {
		return fmt.Errorf("store: grant: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil
	}
	return audit(ctx, tx, actor, "role.grant", "role", &unit.ID, nil, map[string]any{"username": a.Username, "role": role, "unit": unit.Code}, "")
}

// Revoke takes the role on the unit away from user once check approved it.
func (s *Store) Revoke(ctx context.Context, actor domain.Principal, username string, role domain.Role, unit domain.Unit, check AccountCheck) error {
	return s.inAccountTx(ctx, username, check, func(tx *txn, a domain.Account) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM role_assignments WHERE user_id = $1 AND unit_id = $2 AND role = $3`, a.ID, unit.ID, string(role))
		if err != nil {
			return fmt.Errorf("store: revoke: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return domain.NotFound(domain.RoleText, fmt.Sprintf("%s %s %s", username, role, unit.Code))
		}
		return audit(ctx, tx, actor, "role.revoke", "role", &unit.ID, map[string]any{"username": username, "role": role, "unit": unit.Code}, nil, "")
	})
}

// principalSelect reads a user ("u") with one row per grant (none: one row
// of NULLs), the granted units' paths included, and the last use of the
// token ("t", or NULL). The grants are those of user_grants: the user's
// roles and the read of the units their working groups follow.
const principalSelect = `SELECT u.id, u.username, u.full_name, u.email, u.lang, u.active, u.created_at, u.session_epoch, %s AS last_used_at,
	r.role, g.code AS unit_code, g.name AS unit_name, g.path::text AS unit_path, r.granted_at, wg.name AS group_name
FROM %s
LEFT JOIN user_grants r ON r.user_id = u.id LEFT JOIN units g ON g.id = r.unit_id
LEFT JOIN work_groups wg ON wg.id = r.group_id
WHERE %s
ORDER BY nlevel(g.path), g.code, r.role, wg.name`

var (
	principalByID    = prepare(fmt.Sprintf(principalSelect, "NULL::timestamptz", "users u", "u.id = $1"))
	principalByToken = prepare(fmt.Sprintf(principalSelect, "t.last_used_at", "api_tokens t JOIN users u ON u.id = t.user_id",
		"t.token_hash = $1 AND t.expires_at > $2 AND u.active"))
)

type principalRow struct {
	domain.User
	LastUsed  *time.Time     `db:"last_used_at"`
	Role      *domain.Role   `db:"role"`
	UnitCode  sql.NullString `db:"unit_code"`
	UnitName  sql.NullString `db:"unit_name"`
	UnitPath  sql.NullString `db:"unit_path"`
	GrantedAt *time.Time     `db:"granted_at"`
	Group     sql.NullString `db:"group_name"`
}

// principalOf runs a principal query (one prepared statement: this runs on
// every request) and gathers its rows; no row is unauthorized.
func (s *Store) principalOf(ctx context.Context, q *query, args ...any) (domain.Principal, *time.Time, error) {
	var p domain.Principal
	var rows []principalRow
	if err := s.selectRows(ctx, &rows, q, args...); err != nil {
		return p, nil, fmt.Errorf("store: principal: %w", err)
	}
	if len(rows) == 0 {
		return p, nil, domain.Unauthorized()
	}
	p.User = rows[0].User
	for _, r := range rows {
		if r.Role != nil {
			p.Grants = append(p.Grants, domain.Grant{Role: *r.Role, UnitCode: r.UnitCode.String, UnitName: r.UnitName.String,
				UnitPath: r.UnitPath.String, GrantedAt: *r.GrantedAt, Group: r.Group.String})
		}
	}
	return p, rows[0].LastUsed, nil
}

// Principal loads a user and their grants, with the paths of the granted units.
func (s *Store) Principal(ctx context.Context, userID int64) (domain.Principal, error) {
	p, _, err := s.principalOf(ctx, principalByID, userID)
	return p, err
}

// CreateToken stores the hash of a new API token of user, valid until expires.
func (s *Store) CreateToken(ctx context.Context, userID int64, hash []byte, expires time.Time) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO api_tokens (user_id, token_hash, expires_at) VALUES ($1, $2, $3)`, userID, hash, expires)
	if err != nil {
		return fmt.Errorf("store: create token: %w", err)
	}
	return nil
}

// PrincipalByToken returns the active user of an unexpired token with hash
// and their grants, or an unauthorized error. The last use is written at
// most once a minute, by one request: the others sent with the token at the
// same time (a client's workers share one) skip the row another holds
// locked instead of queueing behind its commit.
func (s *Store) PrincipalByToken(ctx context.Context, hash []byte, now time.Time) (domain.Principal, error) {
	p, lastUsed, err := s.principalOf(ctx, principalByToken, hash, now)
	if err != nil {
		return p, err
	}
	if lastUsed == nil || now.Sub(*lastUsed) > time.Minute {
		if _, err := s.db.ExecContext(ctx, `UPDATE api_tokens t SET last_used_at = $2
			FROM (SELECT id FROM api_tokens WHERE token_hash = $1 FOR UPDATE SKIP LOCKED) x WHERE t.id = x.id`, hash, now); err != nil {
			return p, fmt.Errorf("store: token use: %w", err)
		}
	}
	return p, nil
}

// DeleteToken revokes the token with hash.
func (s *Store) DeleteToken(ctx context.Context, hash []byte) error {
	if _, err := s.db.ExecContext(ctx, `DELETE FROM api_tokens WHERE token_hash = $1`, hash); err != nil {
		return fmt.Errorf("store: delete token: %w", err)
	}
	return nil
}

// DeleteExpiredTokens removes tokens that expired before now.
func (s *Store) DeleteExpiredTokens(ctx context.Context, now time.Time) (int64, error) {
	res, err := s.db.ExecContext(ctx, `DELETE FROM api_tokens WHERE expires_at <= $1`, now)
	if err != nil {
		return 0, fmt.Errorf("store: expired tokens: %w", err)
	}
	return res.RowsAffected()
}

// DeleteExpiredSessions removes web sessions that expired before now.
func (s *Store) DeleteExpiredSessions(ctx context.Context, now time.Time) (int64, error) {
	res, err := s.db.ExecContext(ctx, `DELETE FROM sessions WHERE expiry < $1`, now)
	if err != nil {
		return 0, fmt.Errorf("store: expired sessions: %w", err)
	}
	return res.RowsAffected()
}
