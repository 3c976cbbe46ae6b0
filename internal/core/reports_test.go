package core_test

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/daihoi/daihoi/internal/core"
	"github.com/daihoi/daihoi/internal/domain"
	"github.com/daihoi/daihoi/internal/mail"
	"github.com/daihoi/daihoi/internal/mail/mailtest"
	"github.com/daihoi/daihoi/internal/report"
	"github.com/daihoi/daihoi/internal/testdb"
)

// reportFixture is the progress fixture (HN.HBT: Bạch Mai's 13 cells,
// Vĩnh Tuy's 2, the school's grassroots cell; cells due 31/03/2020) on
// 25/03/2020 with, by week:
//
//	W10 (02–08/03): BM.C01 03/03, BM.C02 05/03
//	W11 (09–15/03): BM.C03 10/03, BM.C04 11/03, BM.C05 12/03
//	W12 (16–22/03): BM.C06 17/03, BM.C07 19/03, VT.C1 20/03
//
// BM.C08 planned 25/03 (week W13), VT.C2 planned 03/04 (after its
// deadline), BM.C13's deadline moved to 15/03 (late from 16/03), BM.C01 a
// pilot. BM.C09–C12 have no planned date: at risk from 17/03.
func newReportFixture(t *testing.T, opts core.ReportOptions) *progressFixture {
	t.Helper()
	clock := &movableClock{}
	clock.setDay("2020-03-01")
	f := &progressFixture{fixture: fixtureOnWith(t, clock, core.Options{Reports: opts}), clock: clock}
	f.buildProgressTree()
	f.addFixtureUsers()
	f.clock.setDay("2020-03-25")
	sys := domain.SystemPrincipal()
	for code, day := range map[string]string{
		"HN.HBT.BM.C01": "2020-03-03", "HN.HBT.BM.C02": "2020-03-05",
		"HN.HBT.BM.C03": "2020-03-10", "HN.HBT.BM.C04": "2020-03-11", "HN.HBT.BM.C05": "2020-03-12",
		"HN.HBT.BM.C06": "2020-03-17", "HN.HBT.BM.C07": "2020-03-19", "HN.HBT.VT.C1": "2020-03-20",
	} {
		f.hold(code, day)
	}
	f.plan("HN.HBT.BM.C08", "2020-03-25")
	f.plan("HN.HBT.VT.C2", "2020-04-03")
	c := f.congressNow("HN.HBT.BM.C13")
	if _, err := f.svc.SetUnitDeadline(f.ctx, sys, "HN.HBT.BM.C13", 0, core.UnitDeadlineInput{
		Deadline: "2020-03-15", Reason: "Chi bộ sáp nhập", Version: c.Version}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.SetPilot(f.ctx, sys, "HN.HBT.BM.C01", 0, true); err != nil {
		t.Fatal(err)
	}
	return f
}

// plan gives the congress of code a planned date (status preparing).
func (f *progressFixture) plan(code, day string) {
	f.t.Helper()
	sys := domain.SystemPrincipal()
	st := "preparing"
	for _, pt := range []domain.CongressPatch{{Status: &st}, {PlannedDate: &day}} {
		c := f.congressNow(code)
		pt.Version = c.Version
		if _, err := f.svc.UpdateCongress(f.ctx, sys, code, 0, pt); err != nil {
			f.t.Fatalf("plan %s: %v", code, err)
		}
	}
}

func (f *progressFixture) makeReport(code, week string, force bool) core.MadeReport {
	f.t.Helper()
	m, err := f.svc.MakeWeeklyReport(f.ctx, domain.SystemPrincipal(), code, week, force)
	if err != nil {
		f.t.Fatalf("report %s %s: %v", code, week, err)
	}
	return m
}

func TestWeeklyReportFiguresAndTheirChangeOverTheWeek(t *testing.T) {
	f := newReportFixture(t, core.ReportOptions{})
	r := f.makeReport("HN.HBT", "2020-W12", false).Report

	if r.From.String() != "2020-03-16" || r.To.String() != "2020-03-22" || r.Week != "2020-W12" {
		t.Fatalf("week = %s %s–%s, want 2020-W12 2020-03-16–2020-03-22", r.Week, r.From, r.To)
	}
	for _, tc := range []struct {
		key                       string
		value, total, prev, prevT int
	}{
		{report.FigureCells, 8, 15, 5, 15},
		{report.FigureGrassroots, 0, 3, 0, 3},
		{report.FigurePilots, 1, 1, 1, 1},
		{report.FigureLate, 1, 0, 0, 0},
	} {
		got := r.Figure(tc.key)
		if got.Value != tc.value || got.Total != tc.total || got.Prev != tc.prev || got.PrevTotal != tc.prevT {
			t.Errorf("%s = %d/%d (week before %d/%d), want %d/%d (%d/%d)", tc.key, got.Value, got.Total, got.Prev, got.PrevTotal,
				tc.value, tc.total, tc.prev, tc.prevT)
		}
	}
	if got := r.Figure(report.FigureCells).Share().In("vi"); got != "53,33%" {
		t.Errorf("cells share = %s, want 53,33%%", got)
	}

	type row struct {
		code              string
		held, total, prev int
		projectedLate     bool
		flags             string
	}
	var rows []row
	for _, u := range r.Units {
		var flags []string
		for _, fl := range u.Flags {
			flags = append(flags, fl.VI)
		}
		rows = append(rows, row{u.Code, u.Held, u.Total, u.PrevHeld, u.ProjectedLate, strings.Join(flags, "; ")})
	}
	want := []row{
		// projected against their own deadlines (30/06): on time
		{"HN.HBT.BM", 7, 13, 5, false, "1 đơn vị trực thuộc trễ hạn"},
		{"HN.HBT.VT", 1, 2, 0, false, ""},
		{"HN.HBT.DK", 0, 0, 0, false, ""},
	}
	if fmt.Sprint(rows) != fmt.Sprint(want) {
		t.Errorf("units below =\n%v\nwant\n%v", rows, want)
	}

	var held []string
	for _, c := range r.HeldInWeek {
		held = append(held, c.Code+" "+c.Date.String())
	}
	if got := strings.Join(held, ", "); got != "HN.HBT.BM.C06 2020-03-17, HN.HBT.BM.C07 2020-03-19, HN.HBT.VT.C1 2020-03-20" || r.HeldInWeekCount != 3 {
		t.Errorf("held in the week = %s (%d)", got, r.HeldInWeekCount)
	}
	if len(r.PlannedNextWeek) != 1 || r.PlannedNextWeek[0].Code != "HN.HBT.BM.C08" || r.PlannedNextWeek[0].Parent != "Đảng bộ phường Bạch Mai" {
		t.Errorf("planned next week = %+v, want BM.C08 of Bạch Mai", r.PlannedNextWeek)
	}

	var late []string
	for _, l := range r.Late {
		late = append(late, fmt.Sprintf("%s %s %d", l.Code, l.Flag, l.DaysOverdue))
	}
	wantLate := "HN.HBT.BM.C13 late 7, HN.HBT.BM.C09 at_risk -9, HN.HBT.BM.C10 at_risk -9, HN.HBT.BM.C11 at_risk -9, HN.HBT.BM.C12 at_risk -9, HN.HBT.VT.C2 at_risk -9"
	if got := strings.Join(late, ", "); got != wantLate || r.LateCount != 1 || r.AtRiskCount != 5 {
		t.Errorf("late and at risk = %s (late %d, at risk %d)\nwant %s (late 1, at risk 5)", got, r.LateCount, r.AtRiskCount, wantLate)
	}
	if r.Late[len(r.Late)-1].DetailCode != domain.AtRiskPlannedAfterDeadline {
		t.Errorf("VT.C2 at risk because %q, want planned after the deadline", r.Late[len(r.Late)-1].DetailCode)
	}
	if r.NothingNew() {
		t.Error("a week with three congresses held says nothing new")
	}
}

// setDeadline overrides the deadline of code's congress.
func (f *progressFixture) setDeadline(code, day string) {
	f.t.Helper()
	c := f.congressNow(code)
	if _, err := f.svc.SetUnitDeadline(f.ctx, domain.SystemPrincipal(), code, 0, core.UnitDeadlineInput{
		Deadline: day, Reason: "Điều chỉnh kế hoạch", Version: c.Version}); err != nil {
		f.t.Fatal(err)
	}
}

func TestWeeklyReportForecastAtThePaceOfTheLastWeeks(t *testing.T) {
	f := newReportFixture(t, core.ReportOptions{})
	// A projection is compared with the deadline of the unit it is about:
	// the district's own for the report's, each ward's for its row.
	f.setDeadline("HN.HBT", "2020-04-10")
	f.setDeadline("HN.HBT.BM", "2020-04-10")
	r := f.makeReport("HN.HBT", "2020-W12", false).Report

	// From the week a week before the first cell held (in 2020-W10), not
	// from the round's first week (2019-W28), to 2020-W12.
	var weeks []string
	for _, p := range r.Weeks {
		weeks = append(weeks, fmt.Sprintf("%s:%d/%d", p.Week, p.Held, p.Total))
	}
	if got := strings.Join(weeks, " "); got != "2020-W09:0/15 2020-W10:2/15 2020-W11:5/15 2020-W12:8/15" {
		t.Errorf("weeks = %s", got)
	}
	// 8 held in the last 4 weeks: 2 a week; 7 left: 25 days after 22/03.
	fc := r.Forecast
	if fc.Weeks != 4 || fc.PerWeek != 2 || fc.Left != 7 || fc.Done == nil || fc.Done.String() != "2020-04-16" ||
		fc.Deadline == nil || fc.Deadline.String() != "2020-04-10" || fc.OnTime {
		t.Fatalf("forecast = %+v, want 2/week, 7 left, done 2020-04-16 after the district's deadline 2020-04-10", fc)
	}
	if got := fc.Verdict().VI; !strings.Contains(got, "16/04/2020") || !strings.Contains(got, "SAU thời hạn đại hội của đơn vị (10/04/2020) 6 ngày") {
		t.Errorf("verdict = %q", got)
	}
	if late := r.Figure(report.FigureLate).Value; fc.LateBelow != late {
		t.Errorf("the forecast counts %d units below past their deadlines, the headline %d", fc.LateBelow, late)
	}
	// Bạch Mai: 7 of 13 at 1.75 a week, done 15/04, after its 10/04;
	// Vĩnh Tuy: 1 of 2 at 0.25 a week, done 19/04, before its 30/06.
	for _, u := range r.Units {
		if want := u.Code == "HN.HBT.BM"; u.ProjectedLate != want || (u.Done != nil && u.Deadline != nil && u.Done.After(*u.Deadline) != want) {
			t.Errorf("%s: projected done %v, deadline %v, projected late %v; want late %v", u.Code, u.Done, u.Deadline, u.ProjectedLate, want)
		}
	}
	var projected []string
	for _, u := range fc.ProjectedLate {
		projected = append(projected, u.Code)
	}
	if got := strings.Join(projected, " "); got != "HN.HBT.BM" {
		t.Errorf("projected late = %s, want Bạch Mai alone", got)
	}

	// Two weeks of pace: 6 in two weeks, 3 a week, 7 left: 17 days, still late.
	f2 := newReportFixture(t, core.ReportOptions{ForecastWeeks: 2})
	fc = f2.makeReport("HN.HBT", "2020-W12", false).Report.Forecast
	if fc.Weeks != 2 || fc.PerWeek != 3 || fc.Done.String() != "2020-04-08" {
		t.Errorf("two-week forecast = %v/week done %v, want 3/week done 2020-04-08", fc.PerWeek, fc.Done)
	}
}

func TestWeeklyReportStaysAsMadeUnlessForced(t *testing.T) {
	f := newReportFixture(t, core.ReportOptions{})
	first := f.makeReport("HN.HBT", "2020-W12", false)
	if !first.Written {
		t.Fatal("the first report was not stored")
	}
	audit := f.count("audit_log")
	f.hold("HN.HBT.BM.C09", "2020-03-18") // entered late, dated in the week

	again := f.makeReport("HN.HBT", "2020-W12", false)
	if again.Written || again.Report.Figure(report.FigureCells).Value != 8 || !again.Report.MadeAt.Equal(first.Report.MadeAt) {
		t.Errorf("made again without force: written %v, cells %d; want the stored report (8)", again.Written, again.Report.Figure(report.FigureCells).Value)
	}
	stored, err := f.svc.WeeklyReport(f.ctx, f.as("bantochuc"), "HN.HBT", "2020-W12")
	if err != nil || stored.Figure(report.FigureCells).Value != 8 {
		t.Fatalf("stored report: cells %d, %v; want 8", stored.Figure(report.FigureCells).Value, err)
	}

	forced := f.makeReport("HN.HBT", "2020-W12", true)
	if !forced.Replaced || forced.Report.Figure(report.FigureCells).Value != 9 {
		t.Errorf("forced: replaced %v, cells %d; want replaced with 9", forced.Replaced, forced.Report.Figure(report.FigureCells).Value)
	}
	var actions []string
	if err := f.db.Select(&actions, `SELECT action FROM audit_log WHERE action LIKE 'report.%' ORDER BY id`); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(actions, " "); got != "report.weekly report.weekly" || f.count("audit_log") <= audit {
		t.Errorf("audit = %q, want the report made and the report replaced", got)
	}
	archive, err := f.svc.WeeklyReports(f.ctx, f.as("xem"), "HN.HBT")
	if err != nil || len(archive.Reports) != 1 || archive.Reports[0].Week != "2020-W12" || archive.Reports[0].Headline[0].Value != 9 {
		t.Errorf("archive = %+v, %v", archive, err)
	}
}

func TestWeeklyReportRefusals(t *testing.T) {
	f := newReportFixture(t, core.ReportOptions{})
	sys := domain.SystemPrincipal()
	for _, tc := range []struct {
		name string
		who  domain.Principal
		unit string
		week string
		want domain.ErrorCode
	}{
		{"a week that does not exist", sys, "HN.HBT", "2020-W54", domain.EInvalid},
		{"a week not ended (25/03/2020 is in W13)", sys, "HN.HBT", "2020-W13", domain.EInvalid},
		{"a week before the round", sys, "HN.HBT", "2019-W20", domain.EInvalid},
		{"a viewer cannot make one", f.as("xem"), "HN.HBT", "2020-W12", domain.EForbidden},
		{"a unit out of scope", f.as("bithu"), "HN.DD", "2020-W12", domain.ENotFound},
		{"an unknown unit", sys, "HN.XX", "2020-W12", domain.ENotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.svc.MakeWeeklyReport(f.ctx, tc.who, tc.unit, tc.week, false)
			wantCode(t, err, tc.want)
			if n := f.count("weekly_reports"); n != 0 {
				t.Errorf("%d reports stored after a refusal", n)
			}
		})
	}
	if _, err := f.svc.WeeklyReport(f.ctx, f.as("xem"), "HN.HBT", "2020-W11"); !domain.IsCode(err, domain.ENotFound) {
		t.Errorf("a report never made: %v, want not found", err)
	}
}

// reportMailFixture is the report fixture with an SMTP server, and the
// board user bantochuc (with an address) subscribed to HN.HBT.
func reportMailFixture(t *testing.T) (*progressFixture, *mailtest.Server) {
	t.Helper()
	srv := mailtest.Start(t)
	m, err := mail.New(srv.Config())
	if err != nil {
		t.Fatal(err)
	}
	f := newReportFixture(t, core.ReportOptions{Mailer: m, BaseURL: "https://daihoi.example.vn/"})
	if _, err := f.db.Exec(`UPDATE users SET email = username || '@example.vn'`); err != nil {
		t.Fatal(err)
	}
	if err := f.svc.SetReportSubscription(f.ctx, f.as("bantochuc"), "HN.HBT", true); err != nil {
		t.Fatalf("board user subscribes: %v", err)
	}
	return f, srv
}

func TestWeeklyReportIsMailedToSubscribersWithTheXLSXAndALink(t *testing.T) {
	f, srv := reportMailFixture(t)
	if err := f.svc.SetReportSubscription(f.ctx, f.as("totacong"), "HN.HBT", true); err != nil {
		t.Fatalf("supervisor subscribes: %v", err)
	}
	wantField(t, f.svc.SetReportSubscription(f.ctx, f.as("bithu"), "HN.HBT.BM", true), "subscribe")
	wantField(t, f.svc.SetReportSubscription(f.ctx, f.as("xem"), "HN.HBT", true), "subscribe")

	run, err := f.svc.MakeWeeklyReports(f.ctx, domain.SystemPrincipal(), 0, domain.Week{Year: 2020, Number: 12}, false)
	if err != nil || run.Made != 2 || run.Mails != 2 { // HN.HBT and HN.DD are districts
		t.Fatalf("weekly run = %+v, %v; want 2 reports, 2 e-mails", run, err)
	}
	sent, err := f.svc.SendReportMails(f.ctx)
	if err != nil || sent.Sent != 2 {
		t.Fatalf("send = %+v, %v; want 2 sent", sent, err)
	}
	msgs := srv.Messages()
	if len(msgs) != 2 {
		t.Fatalf("%d messages received, want 2", len(msgs))
	}
	for _, m := range msgs {
		if !strings.HasPrefix(m.Subject, "Báo cáo tiến độ đại hội tuần 12/2020 (16/03/2020 – 22/03/2020)") || !strings.Contains(m.Subject, "Đảng bộ quận Hai Bà Trưng") {
			t.Errorf("subject = %q", m.Subject)
		}
		if !strings.Contains(m.Text, "https://daihoi.example.vn/units/HN.HBT/reports/2020-W12") || !strings.Contains(m.Text, "8 / 15 (53,33%), +3") {
			t.Errorf("text lacks the link or the cells figure:\n%s", m.Text)
		}
		if len(m.Attachments) != 1 || !strings.HasSuffix(m.Attachments[0].Name, ".xlsx") {
			t.Fatalf("attachments = %+v, want the XLSX", m.Attachments)
		}
		x, err := excelize.OpenReader(bytes.NewReader(m.Attachments[0].Data))
		if err != nil {
			t.Fatalf("attached XLSX: %v", err)
		}
		found := false
		for _, sh := range x.GetSheetList() {
			rows, _ := x.GetRows(sh)
			for _, r := range rows {
				found = found || strings.Contains(strings.Join(r, "|"), "Đảng bộ phường Bạch Mai")
			}
		}
		if !found {
			t.Error("the attached XLSX does not list Bạch Mai")
		}
	}
	var statuses []string
	if err := f.db.Select(&statuses, `SELECT status || ':' || email FROM report_mails ORDER BY email`); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(statuses, " "); got != "sent:bantochuc@example.vn sent:totacong@example.vn" {
		t.Errorf("outbox = %s", got)
	}
	if again, _ := f.svc.SendReportMails(f.ctx); again.Sent != 0 || len(srv.Messages()) != 2 {
		t.Errorf("a second send sent %d more", again.Sent)
	}
}

func TestRefusedReportMailIsRetriedWithBackoff(t *testing.T) {
	f, srv := reportMailFixture(t)
	srv.RefuseNext(1, 451)
	if _, err := f.svc.MakeWeeklyReports(f.ctx, domain.SystemPrincipal(), 0, domain.Week{Year: 2020, Number: 12}, false); err != nil {
		t.Fatal(err)
	}
	run, err := f.svc.SendReportMails(f.ctx)
	if err != nil || run.Sent != 0 || run.Retry != 1 {
		t.Fatalf("first send = %+v, %v; want one to retry", run, err)
	}
	var m struct {
		Status   string    `db:"status"`
		Attempts int       `db:"attempts"`
		Next     time.Time `db:"next_attempt_at"`
		Err      string    `db:"last_error"`
	}
	if err := f.db.Get(&m, `SELECT status, attempts, next_attempt_at, last_error FROM report_mails`); err != nil {
		t.Fatal(err)
	}
	if m.Status != "pending" || m.Attempts != 1 || !m.Next.Equal(f.clock.Now().Add(time.Minute)) || !strings.Contains(m.Err, "451") {
		t.Fatalf("after a refused send: %+v, want pending, 1 attempt, next in a minute, the 451 kept", m)
	}
	if run, _ := f.svc.SendReportMails(f.ctx); run.Sent != 0 || srv.Attempts() != 1 {
		t.Errorf("retried before its time: %+v, %d attempts", run, srv.Attempts())
	}
	f.clock.mu.Lock()
	f.clock.t = f.clock.t.Add(2 * time.Minute)
	f.clock.mu.Unlock()
	if run, err := f.svc.SendReportMails(f.ctx); err != nil || run.Sent != 1 || len(srv.Messages()) != 1 {
		t.Fatalf("retry = %+v, %v; %d received, want it sent", run, err, len(srv.Messages()))
	}
	if n := f.count("weekly_reports"); n != 2 {
		t.Errorf("%d reports stored, want 2 (kept whatever the mail)", n)
	}
}

func TestPermanentlyRefusedReportMailIsGivenUpAndTheReportKept(t *testing.T) {
	f, srv := reportMailFixture(t)
	srv.RefuseNext(1, 550)
	if _, err := f.svc.MakeWeeklyReports(f.ctx, domain.SystemPrincipal(), 0, domain.Week{Year: 2020, Number: 12}, false); err != nil {
		t.Fatal(err)
	}
	if run, err := f.svc.SendReportMails(f.ctx); err != nil || run.Failed != 1 {
		t.Fatalf("send = %+v, %v; want given up", run, err)
	}
	var status string
	if err := f.db.Get(&status, `SELECT status FROM report_mails`); err != nil || status != "failed" {
		t.Errorf("outbox status = %q, %v; want failed", status, err)
	}
	if _, err := f.svc.WeeklyReport(f.ctx, f.as("bantochuc"), "HN.HBT", "2020-W12"); err != nil {
		t.Errorf("the report is gone: %v", err)
	}
}

func TestAWeekWithNothingNewSendsNothing(t *testing.T) {
	f, srv := reportMailFixture(t)
	// 2020-W08 (17–23/02): nothing held, nothing late, as the week before.
	run, err := f.svc.MakeWeeklyReports(f.ctx, domain.SystemPrincipal(), 0, domain.Week{Year: 2020, Number: 8}, false)
	if err != nil || run.Made != 2 || run.Mails != 0 {
		t.Fatalf("weekly run = %+v, %v; want 2 reports, no e-mail", run, err)
	}
	r, err := f.svc.WeeklyReport(f.ctx, f.as("bantochuc"), "HN.HBT", "2020-W08")
	if err != nil || !r.NothingNew() {
		t.Fatalf("W08 report: nothing new %v, %v", r.NothingNew(), err)
	}
	if sent, _ := f.svc.SendReportMails(f.ctx); sent.Sent != 0 || srv.Attempts() != 0 {
		t.Errorf("sent %d for a week with nothing new", srv.Attempts())
	}
}

func TestWeeklyReportJobCoversTheWeekJustEndedForDistrictsAndSubscribedUnits(t *testing.T) {
	f := newReportFixture(t, core.ReportOptions{})
	// A supervisor of the district follows Bạch Mai: the ward is reported on too.
	if err := f.svc.SetReportSubscription(f.ctx, f.as("totacong"), "HN.HBT.BM", true); err != nil {
		t.Fatal(err)
	}
	run := f.runJob("weekly-report", "2020-03-23") // a Monday: W12 just ended
	if run.Outcome != "ok" || run.Counts["made"] != 3 {
		t.Fatalf("run = %+v, want ok with 3 made (two districts, one subscribed ward)", run)
	}
	for _, code := range []string{"HN.HBT", "HN.DD", "HN.HBT.BM"} {
		if _, err := f.svc.WeeklyReport(f.ctx, domain.SystemPrincipal(), code, "2020-W12"); err != nil {
			t.Errorf("%s's W12 report: %v", code, err)
		}
	}
	if _, err := f.svc.WeeklyReport(f.ctx, domain.SystemPrincipal(), "HN.HBT.VT", "2020-W12"); !domain.IsCode(err, domain.ENotFound) {
		t.Errorf("a ward nobody follows was reported on: %v", err)
	}
	if again := f.runJob("weekly-report", "2020-03-23"); again.Counts["made"] != 0 || again.Counts["kept"] != 3 {
		t.Errorf("second run = %+v, want all kept", again.Counts)
	}
	if before := f.runJob("weekly-report", "2019-07-01"); before.Outcome != "skipped" {
		t.Errorf("a run for the week before the round = %s, want skipped", before.Outcome)
	}
}

// fixtureOnWith is fixtureOn with options, on a fresh database.
func fixtureOnWith(t *testing.T, clock domain.Clock, opts core.Options) *fixture {
	t.Helper()
	return fixtureWithOptions(t, testdb.New(t), clock, opts)
}

func TestWeeklyRunMakesTheSameReportsWhateverHowManyAtATime(t *testing.T) {
	kinds := []string{"city", "district", "grassroots_committee", "grassroots_cell"}
	f := newReportFixture(t, core.ReportOptions{Kinds: kinds, Workers: 1})
	sys, w := domain.SystemPrincipal(), domain.Week{Year: 2020, Number: 12}
	contents := func() map[string]string {
		var rows []struct {
			Code    string `db:"code"`
			Content string `db:"content"`
		}
		if err := f.db.Select(&rows, `SELECT u.code, (r.content - 'made_at')::text AS content
			FROM weekly_reports r JOIN units u ON u.id = r.unit_id WHERE r.week = '2020-W12'`); err != nil {
			t.Fatal(err)
		}
		out := map[string]string{}
		for _, r := range rows {
			out[r.Code] = r.Content
		}
		return out
	}
	one, err := f.svc.MakeWeeklyReports(f.ctx, sys, 0, w, false)
	if err != nil || one.Made < 4 {
		t.Fatalf("one at a time: %+v, %v; want a report per unit of %v", one, err, kinds)
	}
	alone := contents()
	many := fixtureWithOptions(t, f.db, f.clock, core.Options{Reports: core.ReportOptions{Kinds: kinds, Workers: 3}})
	run, err := many.svc.MakeWeeklyReports(f.ctx, sys, 0, w, true)
	if err != nil || run.Replaced != one.Made || len(run.Failed) != 0 {
		t.Fatalf("three at a time: %+v, %v; want the %d reports made again", run, err, one.Made)
	}
	together := contents()
	if len(together) != len(alone) {
		t.Fatalf("%d reports, want %d", len(together), len(alone))
	}
	for code, c := range alone {
		if together[code] != c {
			t.Errorf("the report of %s made three at a time differs from the one made alone", code)
		}
	}
}

// People making the same week's report at once, forced or not, more of
// them than connections: each is answered, and the week has one report.
func TestReportsMadeAtOnceAreStoredOnce(t *testing.T) {
	for _, force := range []bool{false, true} {
		t.Run(fmt.Sprintf("force %v", force), func(t *testing.T) {
			f := newReportFixture(t, core.ReportOptions{})
			f.db.SetMaxOpenConns(3)
			board := f.as("bantochuc")
			var wg sync.WaitGroup
			errs := make(chan error, 12)
			for range 12 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					_, err := f.svc.MakeWeeklyReport(f.ctx, board, "HN.HBT", "2020-W12", force)
					errs <- err
				}()
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				if err != nil {
					t.Errorf("made at once: %v", err)
				}
			}
			if n := f.count("weekly_reports WHERE week = '2020-W12'"); n != 1 {
				t.Errorf("%d reports of the week, want 1", n)
			}
		})
	}
}
