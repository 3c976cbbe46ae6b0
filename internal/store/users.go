package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/daihoi/daihoi/internal/domain"
)

// UserText names users in messages.
var UserText = domain.Text{VI: "người dùng", EN: "user"}

const userSelect = `SELECT id, username, full_name, email, lang, active, created_at FROM users `

// CreateUser adds an account with an already hashed password.
func (s *Store) CreateUser(ctx context.Context, actor domain.Principal, u domain.User, passwordHash string) (domain.User, error) {
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
		return audit(ctx, tx, actor, "user.create", "user", nil, nil, map[string]any{"username": u.Username, "full_name": u.FullName}, "")
	})
	return u, err
}

// UserByUsername returns the account and its password hash.
func (s *Store) UserByUsername(ctx context.Context, username string) (domain.User, string, error) {
	var row struct {
		domain.User
		Hash string `db:"password_hash"`
	}
	err := s.db.GetContext(ctx, &row, `SELECT id, username, full_name, email, lang, active, created_at, password_hash
		FROM users WHERE username = $1`, username)
	if errors.Is(err, sql.ErrNoRows) {
		return domain.User{}, "", domain.NotFound(UserText, username)
	}
	if err != nil {
		return domain.User{}, "", fmt.Errorf("store: user %s: %w", username, err)
	}
	return row.User, row.Hash, nil
}

// Users lists every account.
func (s *Store) Users(ctx context.Context) ([]domain.User, error) {
	out := []domain.User{}
	if err := s.db.SelectContext(ctx, &out, userSelect+`ORDER BY username`); err != nil {
		return nil, fmt.Errorf("store: users: %w", err)
	}
	return out, nil
}

// SetPassword replaces a user's password hash and revokes their API tokens.
func (s *Store) SetPassword(ctx context.Context, actor domain.Principal, username, hash string) error {
	return s.inTx(ctx, func(tx *txn) error {
		var id int64
		err := tx.GetContext(ctx, &id, `UPDATE users SET password_hash = $2, updated_at = now() WHERE username = $1 RETURNING id`, username, hash)
		if errors.Is(err, sql.ErrNoRows) {
			return domain.NotFound(UserText, username)
		}
		if err != nil {
			return fmt.Errorf("store: set password: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM api_tokens WHERE user_id = $1`, id); err != nil {
			return fmt.Errorf("store: revoke tokens: %w", err)
		}
		return audit(ctx, tx, actor, "user.password", "user", nil, nil, map[string]any{"username": username}, "")
	})
}

// SetUserEmail sets the e-mail address of username ("" for none).
func (s *Store) SetUserEmail(ctx context.Context, actor domain.Principal, username, email string) error {
	return s.inTx(ctx, func(tx *txn) error {
		var before string
		err := tx.GetContext(ctx, &before, `SELECT email FROM users WHERE username = $1 FOR UPDATE`, username)
		if errors.Is(err, sql.ErrNoRows) {
			return domain.NotFound(UserText, username)
		}
		if err != nil {
			return fmt.Errorf("store: e-mail of %s: %w", username, err)
		}
		if before == email {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET email = $2, updated_at = now() WHERE username = $1`, username, email); err != nil {
			return fmt.Errorf("store: e-mail of %s: %w", username, err)
		}
		return audit(ctx, tx, actor, "user.email", "user", nil, map[string]any{"username": username, "email": before},
			map[string]any{"username": username, "email": email}, "")
	})
}

// SetUserActive activates or deactivates an account; deactivation revokes
// its tokens. Setting what is already so writes nothing.
func (s *Store) SetUserActive(ctx context.Context, actor domain.Principal, username string, active bool) error {
	return s.inTx(ctx, func(tx *txn) error {
		var cur struct {
			ID     int64 `db:"id"`
			Active bool  `db:"active"`
		}
		err := tx.GetContext(ctx, &cur, `SELECT id, active FROM users WHERE username = $1 FOR UPDATE`, username)
		if errors.Is(err, sql.ErrNoRows) {
			return domain.NotFound(UserText, username)
		}
		if err != nil {
			return fmt.Errorf("store: set active: %w", err)
		}
		if cur.Active == active {
			return nil
		}
		id := cur.ID
		if _, err := tx.ExecContext(ctx, `UPDATE users SET active = $2, updated_at = now() WHERE id = $1`, id, active); err != nil {
			return fmt.Errorf("store: set active: %w", err)
		}
		if !active {
			if _, err := tx.ExecContext(ctx, `DELETE FROM api_tokens WHERE user_id = $1`, id); err != nil {
				return fmt.Errorf("store: revoke tokens: %w", err)
			}
		}
		return audit(ctx, tx, actor, "user.active", "user", nil, nil, map[string]any{"username": username, "active": active}, "")
	})
}

// Grant gives user the role on the unit; granting it twice changes nothing.
func (s *Store) Grant(ctx context.Context, actor domain.Principal, username string, role domain.Role, unit domain.Unit) error {
	return s.inTx(ctx, func(tx *txn) error {
		var by *int64
		if actor.User.ID != 0 {
			by = &actor.User.ID
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO role_assignments (user_id, unit_id, role, granted_by)
			SELECT id, $2, $3, $4 FROM users WHERE username = $1
			ON CONFLICT (user_id, unit_id, role) DO NOTHING`, username, unit.ID, string(role), by)
		if err != nil {
			return fmt.Errorf("store: grant: %w", err)
		}
		n, _ := res.RowsAffected()
		if n == 0 {
			var exists bool
			if err := tx.GetContext(ctx, &exists, `SELECT EXISTS (SELECT 1 FROM users WHERE username = $1)`, username); err != nil {
				return err
			}
			if !exists {
				return domain.NotFound(UserText, username)
			}
			return nil
		}
		return audit(ctx, tx, actor, "role.grant", "role", &unit.ID, nil, map[string]any{"username": username, "role": role, "unit": unit.Code}, "")
	})
}

// Revoke takes the role on the unit away from user.
func (s *Store) Revoke(ctx context.Context, actor domain.Principal, username string, role domain.Role, unit domain.Unit) error {
	return s.inTx(ctx, func(tx *txn) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM role_assignments r USING users u
			WHERE r.user_id = u.id AND u.username = $1 AND r.unit_id = $2 AND r.role = $3`, username, unit.ID, string(role))
		if err != nil {
			return fmt.Errorf("store: revoke: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return domain.NotFound(domain.Text{VI: "quyền", EN: "role"}, fmt.Sprintf("%s %s %s", username, role, unit.Code))
		}
		return audit(ctx, tx, actor, "role.revoke", "role", &unit.ID, map[string]any{"username": username, "role": role, "unit": unit.Code}, nil, "")
	})
}

// principalSelect reads a user ("u") with one row per grant (none: one row
// of NULLs), the granted units' paths included, and the last use of the
// token ("t", or NULL).
const principalSelect = `SELECT u.id, u.username, u.full_name, u.email, u.lang, u.active, u.created_at, %s AS last_used_at,
	r.role, g.code AS unit_code, g.name AS unit_name, g.path::text AS unit_path, r.granted_at
FROM %s
LEFT JOIN role_assignments r ON r.user_id = u.id LEFT JOIN units g ON g.id = r.unit_id
WHERE %s
ORDER BY nlevel(g.path), g.code, r.role`

var (
	principalByID    = fmt.Sprintf(principalSelect, "NULL::timestamptz", "users u", "u.id = $1")
	principalByToken = fmt.Sprintf(principalSelect, "t.last_used_at", "api_tokens t JOIN users u ON u.id = t.user_id",
		"t.token_hash = $1 AND t.expires_at > $2 AND u.active")
)

type principalRow struct {
	domain.User
	LastUsed  *time.Time     `db:"last_used_at"`
	Role      *domain.Role   `db:"role"`
	UnitCode  sql.NullString `db:"unit_code"`
	UnitName  sql.NullString `db:"unit_name"`
	UnitPath  sql.NullString `db:"unit_path"`
	GrantedAt *time.Time     `db:"granted_at"`
}

// principalOf runs a principal query (one prepared statement: this runs on
// every request) and gathers its rows; no row is unauthorized.
func (s *Store) principalOf(ctx context.Context, query string, args ...any) (domain.Principal, *time.Time, error) {
	var p domain.Principal
	st, err := s.prepared(ctx, query)
	if err != nil {
		return p, nil, err
	}
	var rows []principalRow
	if err := st.SelectContext(ctx, &rows, args...); err != nil {
		return p, nil, fmt.Errorf("store: principal: %w", err)
	}
	if len(rows) == 0 {
		return p, nil, domain.Unauthorized()
	}
	p.User = rows[0].User
	for _, r := range rows {
		if r.Role != nil {
			p.Grants = append(p.Grants, domain.Grant{Role: *r.Role, UnitCode: r.UnitCode.String, UnitName: r.UnitName.String,
				UnitPath: r.UnitPath.String, GrantedAt: *r.GrantedAt})
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
// most once a minute.
func (s *Store) PrincipalByToken(ctx context.Context, hash []byte, now time.Time) (domain.Principal, error) {
	p, lastUsed, err := s.principalOf(ctx, principalByToken, hash, now)
	if err != nil {
		return p, err
	}
	if lastUsed == nil || now.Sub(*lastUsed) > time.Minute {
		if _, err := s.db.ExecContext(ctx, `UPDATE api_tokens SET last_used_at = $2 WHERE token_hash = $1`, hash, now); err != nil {
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

// GrantsByUser returns every user's grants, keyed by user id, in one query.
func (s *Store) GrantsByUser(ctx context.Context) (map[int64][]domain.Grant, error) {
	var rows []struct {
		UserID int64 `db:"user_id"`
		domain.Grant
	}
	err := s.db.SelectContext(ctx, &rows, `SELECT r.user_id, r.role, u.code AS unit_code, u.name AS unit_name,
			u.path::text AS unit_path, r.granted_at
		FROM role_assignments r JOIN units u ON u.id = r.unit_id ORDER BY r.user_id, nlevel(u.path), u.code, r.role`)
	if err != nil {
		return nil, fmt.Errorf("store: grants: %w", err)
	}
	out := map[int64][]domain.Grant{}
	for _, r := range rows {
		out[r.UserID] = append(out[r.UserID], r.Grant)
	}
	return out, nil
}

// DeleteExpiredSessions removes web sessions that expired before now.
func (s *Store) DeleteExpiredSessions(ctx context.Context, now time.Time) (int64, error) {
	res, err := s.db.ExecContext(ctx, `DELETE FROM sessions WHERE expiry < $1`, now)
	if err != nil {
		return 0, fmt.Errorf("store: expired sessions: %w", err)
	}
	return res.RowsAffected()
}
