package gen

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/go-pdf/fpdf"

	"github.com/daihoi/daihoi/internal/core"
	"github.com/daihoi/daihoi/internal/domain"
)

// DefaultAsOf is the day the generated round stands at by default: the
// cells are mostly done, the grassroots congresses are starting.
var DefaultAsOf = time.Date(2020, 4, 15, 0, 0, 0, 0, time.UTC)

// AtRiskDays is the warning of the late flags gen raises: a unit without a
// planned date this close to its deadline is at risk.
const AtRiskDays = 14

// PapersAfter is how many days after its congress a unit of the generated
// round has sent the papers the round requires (as in the demo): those held
// since have not yet.
const PapersAfter = 10

// PaperFile is the file of every generated paper: one page saying so, in
// a core font, about a kilobyte (the national tree has some 400,000 papers).
func PaperFile() ([]byte, error) {
	p := fpdf.New("P", "mm", "A4", "")
	p.SetCompression(true)
	p.SetCreationDate(DefaultAsOf)
	p.AddPage()
	p.SetFont("Helvetica", "", 12)
	p.Text(20, 30, "daihoi gen: van ban mo phong (simulated paper)")
	var b bytes.Buffer
	if err := p.Output(&b); err != nil {
		return nil, fmt.Errorf("gen: paper file: %w", err)
	}
	return b.Bytes(), nil
}

// RoundName is the name of the generated round.
const RoundName = "Đại hội đảng bộ các cấp nhiệm kỳ 2020–2025 (dữ liệu tổng hợp)"

// Round is the generated round: the 2020–2025 round over the whole country,
// with the deadlines of that round by kind (residential cells by the end of
// March, other cells by the end of April, grassroots organizations by the
// end of June, districts by the end of August, provinces by the end of
// October, the national congress in early 2021). It becomes current.
func Round() domain.RoundInput {
	rule := func(kind, category, deadline string) domain.DeadlineRuleInput {
		return domain.DeadlineRuleInput{Kind: kind, Category: category, Deadline: deadline}
	}
	return domain.RoundInput{
		Name:      RoundName,
		Documents: []string{"Chỉ thị 35-CT/TW"},
		StartDate: "2019-05-30",
		Current:   true,
		Deadlines: []domain.DeadlineRuleInput{
			rule("cell", domain.CategoryResidential, "2020-03-31"),
			rule("cell", "", "2020-04-30"),
			rule("subcommittee", "", "2020-05-31"),
			rule("grassroots_committee", "", "2020-06-30"),
			rule("grassroots_cell", "", "2020-06-30"),
			rule("district", "", "2020-08-31"),
			rule("city", "", "2020-10-31"),
			rule("nation", "", "2021-01-31"),
		},
	}
}

// Step is one step of Run and how long it took.
type Step struct {
	Name string
	Took time.Duration
}

// Result is what Run built.
type Result struct {
	RoundID int64
	Units   int
	Kinds   []domain.KindState
	Steps   []Step
}

// Total is the time of every step together.
func (r Result) Total() time.Duration {
	var t time.Duration
	for _, s := range r.Steps {
		t += s.Took
	}
	return t
}

// Run builds the tree of o in the database of svc, which must have no
// units, creates the round (Round), writes its state at asOf, with three
// pilot congresses per district held in the second half of March, and
// raises the late flags of that day. Progress lines go to w as each step ends.
func Run(ctx context.Context, svc *core.Service, o Options, asOf time.Time, w io.Writer) (Result, error) {
	var res Result
	sys := domain.SystemPrincipal()
	n, err := svc.CountUnits(ctx, sys)
	if err != nil {
		return res, err
	}
	if n > 0 {
		return res, domain.Conflict(
			fmt.Sprintf("Cơ sở dữ liệu đã có %d đơn vị; chỉ sinh dữ liệu vào cơ sở dữ liệu trống", n),
			fmt.Sprintf("the database already has %d units; gen only loads into an empty database", n))
	}
	step := func(name string, fn func() (string, error)) error {
		start := time.Now()
		detail, err := fn()
		took := time.Since(start)
		res.Steps = append(res.Steps, Step{Name: name, Took: took})
		if err != nil {
			return fmt.Errorf("gen: %s: %w", name, err)
		}
		fmt.Fprintf(w, "%-8s %8s  %s\n", name, took.Round(time.Millisecond), detail)
		return nil
	}
	var rows []domain.ImportRow
	if err := step("tree", func() (string, error) {
		var err error
		rows, err = Tree(o)
		return fmt.Sprintf("%d units built in memory (seed %d)", len(rows), o.Seed), err
	}); err != nil {
		return res, err
	}
	res.Units = len(rows)
	if err := step("units", func() (string, error) {
		r, err := svc.ImportUnits(ctx, sys, rows)
		return fmt.Sprintf("%d units imported (set-based, one transaction)", r.Created), err
	}); err != nil {
		return res, err
	}
	rows = nil
	if err := step("round", func() (string, error) {
		r, err := svc.CreateRound(ctx, sys, Round())
		res.RoundID = r.ID
		return fmt.Sprintf("round %d created with its congresses, milestones and deadlines", r.ID), err
	}); err != nil {
		return res, err
	}
	file, err := PaperFile()
	if err != nil {
		return res, err
	}
	if err := step("state", func() (string, error) {
		var err error
		res.Kinds, err = svc.GenerateRoundState(ctx, sys, res.RoundID, domain.RoundStateSpec{
			AsOf: domain.DayOf(asOf), Seed: int64(o.Seed), AutoPilots: 3,
			AutoPilotFrom: domain.DayOf(time.Date(2020, 3, 16, 0, 0, 0, 0, time.UTC)),
			PapersAfter:   PapersAfter, PaperFile: file,
		})
		return fmt.Sprintf("state at %s written with its papers, rollups recomputed", asOf.Format("2006-01-02")), err
	}); err != nil {
		return res, err
	}
	if err := step("flags", func() (string, error) {
		now := time.Date(asOf.Year(), asOf.Month(), asOf.Day(), 9, 0, 0, 0, domain.Location)
		r, err := svc.RefreshFlags(ctx, sys, res.RoundID, domain.DayOf(asOf), now, AtRiskDays)
		return fmt.Sprintf("late flags at %s: %d opened (%d late, %d at risk, %d milestones overdue)",
			asOf.Format("2006-01-02"), r.Opened, r.Open[domain.FlagLate], r.Open[domain.FlagAtRisk], r.Open[domain.FlagMilestoneOverdue]), err
	}); err != nil {
		return res, err
	}
	if err := step("vacuum", func() (string, error) {
		return "tables vacuumed and analyzed", svc.Tidy(ctx, sys)
	}); err != nil {
		return res, err
	}
	return res, nil
}

// Print writes what Run built: the counts by kind, then the steps.
func (r Result) Print(w io.Writer, asOf time.Time) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "kind\tunits\theld\theld %%\tlate\tplanned ≤14 d\tpilots\t\n")
	for _, k := range r.Kinds {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%s\t%d\t%d\t%d\t\n", k.Kind, k.Total, k.Held, domain.NewShare(k.Held, k.Total).In("en"),
			k.Late, k.Soon, k.Pilots)
	}
	tw.Flush()
	fmt.Fprintf(w, "round %d at %s: %d units in %s\n", r.RoundID, asOf.Format("2006-01-02"), r.Units, r.Total().Round(time.Millisecond))
}
