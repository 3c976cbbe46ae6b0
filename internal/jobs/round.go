package jobs

import (
	"context"
	"log/slog"

	"github.com/daihoi/daihoi/internal/domain"
	"github.com/daihoi/daihoi/internal/store"
)

// The names of daihoi's jobs.
const (
	JobProgressSnapshot = "progress-snapshot"
	JobLateFlags        = "late-flags"
	JobConsistencyCheck = "consistency-check"
	JobHousekeeping     = "housekeeping"
	// The weekly reports' jobs are registered by package core, which makes them.
	JobWeeklyReport = "weekly-report"
	JobReportMail   = "report-mail"
)

// Settings tune the jobs.
type Settings struct {
	// AtRiskDays: a unit without a planned date is at risk from this many
	// days before its deadline.
	AtRiskDays int
}

// RegisterStandard registers daihoi's jobs on r.
func RegisterStandard(r *Runner, st *store.Store, clock domain.Clock, s Settings, log *slog.Logger) {
	if s.AtRiskDays <= 0 {
		s.AtRiskDays = domain.DefaultAtRiskDays
	}
	r.Register(Definition{Name: JobProgressSnapshot, Run: ProgressSnapshot(st),
		DefaultAsOf: func(today domain.Day) domain.Day { return today.AddDays(-1) },
		Description: domain.Text{
			VI: "Ghi ảnh chụp tiến độ của một ngày (mặc định: hôm qua) cho mọi đơn vị có đơn vị cấp dưới",
			EN: "Write the progress snapshot of a day (default: yesterday) for every unit with units below"}})
	r.Register(Definition{Name: JobLateFlags, Run: LateFlags(st, s.AtRiskDays),
		Description: domain.Text{
			VI: "Mở và đóng các cảnh báo trễ hạn, quá hạn mốc và có nguy cơ (để liệt kê; số liệu không chờ tác vụ này)",
			EN: "Open and resolve the late, milestone-overdue and at-risk flags (for lists; no figure waits for it)"}})
	r.Register(Definition{Name: JobConsistencyCheck, Run: ConsistencyCheck(st),
		Description: domain.Text{
			VI: "Tính lại toàn bộ số liệu tổng hợp, báo cáo và sửa sai lệch",
			EN: "Recompute every rollup from scratch, report and fix any drift"}})
	r.Register(Definition{Name: JobHousekeeping, Run: Housekeeping(st, clock, log),
		Description: domain.Text{
			VI: "Xoá các phiên đăng nhập và mã truy cập đã hết hạn",
			EN: "Delete expired web sessions and API tokens"}})
}

// roundOf returns the round a run works on: the one it names, else the
// current one; with no current round there is nothing to do.
func roundOf(ctx context.Context, st *store.Store, p Params) (int64, error) {
	if p.RoundID != 0 {
		return p.RoundID, nil
	}
	id, err := st.CurrentRoundID(ctx)
	if domain.IsCode(err, domain.ENotFound) {
		return 0, ErrNothingToDo
	}
	return id, err
}

// ProgressSnapshot writes the snapshot of the run's day (scheduled: the day
// that just ended) for the round: set-based, replacing that day's rows.
func ProgressSnapshot(st *store.Store) Func {
	return func(ctx context.Context) error {
		p := ParamsFrom(ctx)
		round, err := roundOf(ctx, st, p)
		if err != nil {
			return err
		}
		n, err := st.WriteSnapshot(ctx, round, p.AsOf)
		Count(ctx, "round", int(round))
		Count(ctx, "rows", n)
		return err
	}
}

// LateFlags opens and resolves the flags of the round for the run's day, in
// one transaction. No figure depends on it: flags are for lists and history.
func LateFlags(st *store.Store, atRiskDays int) Func {
	return func(ctx context.Context) error {
		p := ParamsFrom(ctx)
		round, err := roundOf(ctx, st, p)
		if err != nil {
			return err
		}
		r, err := st.RefreshFlags(ctx, round, p.AsOf, p.Now, atRiskDays)
		if err != nil {
			return err
		}
		Count(ctx, "round", int(round))
		Count(ctx, "opened", r.Opened)
		Count(ctx, "resolved", r.Resolved)
		Count(ctx, "updated", r.Updated)
		for _, k := range domain.FlagKinds {
			Count(ctx, "open_"+string(k.Kind), r.Open[k.Kind])
		}
		return nil
	}
}

// CountDriftRows is the figure of a consistency check's run that counts
// the rollup rows it found wrong and fixed.
const CountDriftRows = "drift_rows"

// ConsistencyCheck recomputes every rollup of the round named (else of
// every round) from scratch and fixes the rows that drifted; the drift
// goes into the run's counts.
func ConsistencyCheck(st *store.Store) Func {
	return func(ctx context.Context) error {
		p := ParamsFrom(ctx)
		rounds := []int64{p.RoundID}
		if p.RoundID == 0 {
			var err error
			if rounds, err = st.RoundIDs(ctx); err != nil {
				return err
			}
			if len(rounds) == 0 {
				return ErrNothingToDo
			}
		}
		for _, id := range rounds {
			d, err := st.RecomputeRollups(ctx, id)
			if err != nil {
				return err
			}
			Count(ctx, "rounds", 1)
			Count(ctx, CountDriftRows, d.Rows())
			Count(ctx, "updated", d.Updated)
			Count(ctx, "inserted", d.Inserted)
			Count(ctx, "deleted", d.Deleted)
		}
		return nil
	}
}
