package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/daihoi/daihoi/internal/domain"
)

// Results returns the results of the congress of the unit with unitID in
// round, with the percentages; not found when none are recorded.
func (s *Store) Results(ctx context.Context, roundID, unitID int64) (domain.Results, error) {
	var out domain.Results
	err := s.db.with(ctx, func(q sqlx.QueryerContext) (err error) {
		out, err = resultsOf(ctx, q, roundID, unitID)
		return err
	})
	return out, err
}

func resultsOf(ctx context.Context, q sqlx.QueryerContext, roundID, unitID int64) (domain.Results, error) {
	var r domain.Results
	err := sqlx.GetContext(ctx, q, &r, `SELECT cr.round_id, u.code AS unit_code, cr.committee_size, cr.committee_women,
			cr.secretary_name, cr.delegates_elected, cr.version, cr.updated_at
		FROM congress_results cr JOIN units u ON u.id = cr.unit_id WHERE cr.round_id = $1 AND cr.unit_id = $2`, roundID, unitID)
	if errors.Is(err, sql.ErrNoRows) {
		var code string
		_ = sqlx.GetContext(ctx, q, &code, `SELECT code FROM units WHERE id = $1`, unitID)
		return r, domain.NotFound(domain.ResultsText, code)
	}
	if err != nil {
		return r, fmt.Errorf("store: results: %w", err)
	}
	r.Elected = []domain.Elected{}
	if err := sqlx.SelectContext(ctx, q, &r.Elected, `SELECT position, full_name, is_woman, votes_for, valid_ballots, delegates_present,
			birth_year, ethnic_minority, re_elected
		FROM elected_people WHERE round_id = $1 AND unit_id = $2 ORDER BY id`, roundID, unitID); err != nil {
		return r, fmt.Errorf("store: elected people: %w", err)
	}
	if err := sqlx.GetContext(ctx, q, &r.Composition, compositionCols+compositionFrom+`WHERE e.round_id = $1 AND e.unit_id = $2 AND committee_member(e.position)`,
		roundID, unitID); err != nil {
		return r, fmt.Errorf("store: composition: %w", err)
	}
	r.Composition.Fill()
	r.Fill()
	return r, nil
}

// ResultsCheck lets the caller refuse results on the locked, current
// congress. It runs inside the transaction: it must not use the store (see
// txn).
type ResultsCheck func(c domain.Congress) error

// SetResults records (or replaces) the results of the congress of the unit
// with code in round, if in.Version is the version of the results recorded
// (0 when there are none yet), after check, and audits the change; the
// results as they stand again write nothing (nor a new version).
func (s *Store) SetResults(ctx context.Context, actor domain.Principal, roundID int64, code string, in domain.ResultsInput, today domain.Day, check ResultsCheck) (domain.Results, error) {
	var out domain.Results
	err := s.inTx(ctx, func(tx *txn) error {
		c, err := lockedCongress(ctx, tx, roundID, code, today)
		if err != nil {
			return err
		}
		if err := check(c); err != nil {
			return err
		}
		var before any
		old, err := resultsOf(ctx, tx, roundID, c.UnitID)
		switch {
		case err == nil:
			if in.Version != old.Version {
				return domain.StaleVersion()
			}
			if in.Same(old) {
				out = old // the same results again write nothing
				return nil
			}
			before = old
		case domain.IsCode(err, domain.ENotFound):
			if in.Version != 0 {
				return domain.StaleVersion()
			}
		default:
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO congress_results (round_id, unit_id, committee_size, committee_women,
				secretary_name, delegates_elected, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
			ON CONFLICT (round_id, unit_id) DO UPDATE SET committee_size = EXCLUDED.committee_size,
				committee_women = EXCLUDED.committee_women, secretary_name = EXCLUDED.secretary_name,
				delegates_elected = EXCLUDED.delegates_elected, version = congress_results.version + 1, updated_at = EXCLUDED.updated_at`,
			roundID, c.UnitID, in.CommitteeSize, in.CommitteeWomen, in.SecretaryName, in.DelegatesElected, tx.at); err != nil {
			return fmt.Errorf("store: results: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM elected_people WHERE round_id = $1 AND unit_id = $2`, roundID, c.UnitID); err != nil {
			return fmt.Errorf("store: elected people: %w", err)
		}
		if err := insertElected(ctx, tx, roundID, c.UnitID, in.Elected); err != nil {
			return err
		}
		if out, err = resultsOf(ctx, tx, roundID, c.UnitID); err != nil {
			return err
		}
		return auditRound(ctx, tx, actor, roundID, "results.set", domain.ResultsEntity, &c.UnitID, before, out, "")
	})
	return out, err
}

// insertElected inserts the people elected in one statement.
func insertElected(ctx context.Context, tx *txn, roundID, unitID int64, people []domain.ElectedInput) error {
	if len(people) == 0 {
		return nil
	}
	n := len(people)
	pos, names := make([]string, n), make([]string, n)
	women, minority, again := make([]bool, n), make([]bool, n), make([]bool, n)
	votes, ballots, present, born := make([]int64, n), make([]int64, n), make([]int64, n), make([]int64, n)
	for i, p := range people {
		pos[i], names[i], women[i], minority[i], again[i] = p.Position, p.FullName, p.IsWoman, p.EthnicMinority, p.Reelected
		votes[i], ballots[i], present[i], born[i] = int64(p.VotesFor), int64(p.ValidBallots), int64(p.DelegatesPresent), int64(p.BirthYear)
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO elected_people (round_id, unit_id, position, full_name, is_woman, votes_for, valid_ballots,
			delegates_present, birth_year, ethnic_minority, re_elected)
		SELECT $1, $2, x.position, x.full_name, x.is_woman, x.votes_for, x.valid_ballots, x.delegates_present,
			nullif(x.birth_year, 0), x.ethnic_minority, x.re_elected
		FROM unnest($3::text[], $4::text[], $5::boolean[], $6::int[], $7::int[], $8::int[], $9::int[], $10::boolean[], $11::boolean[])
			WITH ORDINALITY AS x(position, full_name, is_woman, votes_for, valid_ballots, delegates_present, birth_year, ethnic_minority, re_elected, n)
		ORDER BY x.n`, roundID, unitID, pq.Array(pos), pq.Array(names), pq.Array(women), pq.Array(votes), pq.Array(ballots), pq.Array(present),
		pq.Array(born), pq.Array(minority), pq.Array(again))
	if err != nil {
		return fmt.Errorf("store: elected people: %w", err)
	}
	return nil
}
