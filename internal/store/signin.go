package store

import (
	"context"
	"fmt"
	"time"

	"github.com/daihoi/daihoi/internal/domain"
)

// countSignIn adds an attempt to a key and decides on it in one statement
// (the row's lock orders concurrent attempts, in every process): a locked
// key stays as it is; a key whose time is over starts again at one; else
// the count grows, and the attempt after pol.LockAfter locks the key for
// pol.LockFor. In a SET every column reads the row as it was.
const countSignIn = `INSERT INTO sign_in_attempts AS a (key, failures, locked_until, expires_at)
	VALUES ($1, 1, NULL, $2::timestamptz + make_interval(secs => $3::float8))
	ON CONFLICT (key) DO UPDATE SET
		failures = CASE WHEN a.locked_until > $2::timestamptz THEN a.failures
			WHEN a.expires_at <= $2::timestamptz THEN 1
			ELSE a.failures + 1 END,
		locked_until = CASE WHEN a.locked_until > $2::timestamptz THEN a.locked_until
			WHEN a.expires_at > $2::timestamptz AND a.failures + 1 > $4::int THEN $2::timestamptz + make_interval(secs => $5::float8) END,
		expires_at = CASE WHEN a.locked_until > $2::timestamptz THEN a.expires_at
			WHEN a.expires_at <= $2::timestamptz THEN $2::timestamptz + make_interval(secs => $3::float8)
			WHEN a.failures + 1 > $4::int THEN greatest(a.expires_at, $2::timestamptz + make_interval(secs => $5::float8))
			ELSE a.expires_at END
	RETURNING failures, locked_until`

// CountSignIn counts a sign-in attempt for key at now under pol, before its
// password is checked, and returns the key's count with this attempt.
func (s *Store) CountSignIn(ctx context.Context, key string, now time.Time, pol domain.SignInPolicy) (domain.SignInCount, error) {
	var c domain.SignInCount
	err := s.db.GetContext(ctx, &c, countSignIn, key, now, pol.Window.Seconds(), pol.LockAfter, pol.LockFor.Seconds())
	if err != nil {
		return c, fmt.Errorf("store: count sign-in: %w", err)
	}
	return c, nil
}

// ClearSignIns forgets the attempts of key (a username that signed in).
func (s *Store) ClearSignIns(ctx context.Context, key string) error {
	if _, err := s.db.ExecContext(ctx, `DELETE FROM sign_in_attempts WHERE key = $1`, key); err != nil {
		return fmt.Errorf("store: clear sign-ins: %w", err)
	}
	return nil
}

// UncountSignIn takes back one attempt of key (an address a user signed in
// from) unless the key is locked at now.
func (s *Store) UncountSignIn(ctx context.Context, key string, now time.Time) error {
	_, err := s.db.ExecContext(ctx, `UPDATE sign_in_attempts SET failures = failures - 1
		WHERE key = $1 AND failures > 0 AND (locked_until IS NULL OR locked_until <= $2)`, key, now)
	if err != nil {
		return fmt.Errorf("store: uncount sign-in: %w", err)
	}
	return nil
}

// DeleteExpiredSignIns removes the sign-in counts whose time was over at now.
func (s *Store) DeleteExpiredSignIns(ctx context.Context, now time.Time) (int64, error) {
	res, err := s.db.ExecContext(ctx, `DELETE FROM sign_in_attempts WHERE expires_at <= $1`, now)
	if err != nil {
		return 0, fmt.Errorf("store: expired sign-ins: %w", err)
	}
	return res.RowsAffected()
}
