package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/daihoi/daihoi/internal/domain"
)

// SetCalendarFeed gives the actor a calendar feed whose token has hash,
// replacing any earlier one (whose URL stops working), and audits it.
func (s *Store) SetCalendarFeed(ctx context.Context, actor domain.Principal, hash []byte) error {
	return s.inTx(ctx, func(tx *txn) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO calendar_feeds (user_id, token_hash, created_at) VALUES ($1, $2, $3)
			ON CONFLICT (user_id) DO UPDATE SET token_hash = EXCLUDED.token_hash, created_at = EXCLUDED.created_at`,
			actor.User.ID, hash, tx.at); err != nil {
			return fmt.Errorf("store: calendar feed: %w", err)
		}
		return insertAudit(ctx, tx, actor, nil, "feed.create", "user", nil, nil, map[string]any{"user": actor.User.Username}, "")
	})
}

// DeleteCalendarFeed revokes the actor's calendar feed (nothing when none), audited.
func (s *Store) DeleteCalendarFeed(ctx context.Context, actor domain.Principal) error {
	return s.inTx(ctx, func(tx *txn) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM calendar_feeds WHERE user_id = $1`, actor.User.ID)
		if err != nil {
			return fmt.Errorf("store: revoke calendar feed: %w", err)
		}
		if affected(res) == 0 {
			return nil
		}
		return insertAudit(ctx, tx, actor, nil, "feed.revoke", "user", nil, map[string]any{"user": actor.User.Username}, nil, "")
	})
}

// CalendarFeedUser returns the id of the active user whose feed token has
// hash; not found when none.
func (s *Store) CalendarFeedUser(ctx context.Context, hash []byte) (int64, error) {
	var id int64
	err := s.db.GetContext(ctx, &id, `SELECT f.user_id FROM calendar_feeds f JOIN users u ON u.id = f.user_id
		WHERE f.token_hash = $1 AND u.active`, hash)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, domain.NotFound(domain.Text{VI: "Lịch", EN: "Calendar"}, "")
	}
	if err != nil {
		return 0, fmt.Errorf("store: calendar feed: %w", err)
	}
	return id, nil
}

// Notices reads the user's settings of the calendar feed and reminders.
func (s *Store) Notices(ctx context.Context, userID int64) (domain.Notices, error) {
	var out domain.Notices
	if err := s.db.GetContext(ctx, &out, `SELECT f.user_id IS NOT NULL AS feed, f.created_at AS feed_since, u.reminders
		FROM users u LEFT JOIN calendar_feeds f ON f.user_id = u.id WHERE u.id = $1`, userID); err != nil {
		return out, fmt.Errorf("store: notices of user %d: %w", userID, err)
	}
	return out, nil
}

// SetReminders turns the actor's daily reminders on or off, audited when it changes.
func (s *Store) SetReminders(ctx context.Context, actor domain.Principal, on bool) error {
	return s.inTx(ctx, func(tx *txn) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET reminders = $2, updated_at = $3 WHERE id = $1 AND reminders <> $2`,
			actor.User.ID, on, tx.at)
		if err != nil {
			return fmt.Errorf("store: reminders: %w", err)
		}
		if affected(res) == 0 {
			return nil
		}
		return insertAudit(ctx, tx, actor, nil, "user.reminders", "user", nil, map[string]any{"reminders": !on}, map[string]any{"reminders": on}, "")
	})
}
