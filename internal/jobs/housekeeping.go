package jobs

import (
	"context"
	"log/slog"

	"github.com/daihoi/daihoi/internal/domain"
	"github.com/daihoi/daihoi/internal/store"
)

// Housekeeping deletes expired web sessions, API tokens and sign-in counts,
// and folds the deltas of the rollups into their rows (so that reads of
// progress sum few). Both are idempotent and safe to run from several processes at once.
func Housekeeping(st *store.Store, clock domain.Clock, log *slog.Logger) Func {
	return func(ctx context.Context) error {
		now := clock.Now()
		sessions, err := st.DeleteExpiredSessions(ctx, now)
		if err != nil {
			return err
		}
		tokens, err := st.DeleteExpiredTokens(ctx, now)
		if err != nil {
			return err
		}
		signIns, err := st.DeleteExpiredSignIns(ctx, now)
		if err != nil {
			return err
		}
		if err := st.FoldRollupDeltas(ctx); err != nil {
			return err
		}
		Count(ctx, "expired_sessions", int(sessions))
		Count(ctx, "expired_tokens", int(tokens))
		Count(ctx, "expired_sign_ins", int(signIns))
		log.Info("housekeeping", "expired_sessions", sessions, "expired_tokens", tokens, "expired_sign_ins", signIns)
		return nil
	}
}
