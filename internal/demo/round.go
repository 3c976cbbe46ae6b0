package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/daihoi/daihoi/internal/core"
	"github.com/daihoi/daihoi/internal/domain"
)

// Date is the default day the demo round stands at (setting demo.date):
// mid-April 2020, the cells mostly done, the pilots held, the grassroots
// congresses starting after the COVID-19 pause.
var Date = time.Date(2020, 4, 15, 0, 0, 0, 0, time.UTC)

// RoundName is the name of the demo round.
const RoundName = "Đại hội đảng bộ các cấp nhiệm kỳ 2020–2025"

// Round is the 2020–2025 round as Hà Nội planned it (Chỉ thị 35-CT/TW of
// the Politburo, Kế hoạch 155-KH/TU of the city, from 08/07/2019): cells by
// the end of the first quarter of 2020 (in Hai Bà Trưng, the residential
// cells by 31/03/2020), sub-committees by 30/04, grassroots organizations
// by 30/06, the district by 31/08 and the city by 31/10/2020. It becomes the
// current round.
func Round() domain.RoundInput {
	rule := func(scope, kind, category, deadline string) domain.DeadlineRuleInput {
		return domain.DeadlineRuleInput{ScopeCode: scope, Kind: kind, Category: category, Deadline: deadline}
	}
	return domain.RoundInput{
		Name:      RoundName,
		Documents: []string{"Chỉ thị 35-CT/TW", "Kế hoạch 155-KH/TU"},
		StartDate: "2019-07-08",
		Current:   true,
		Deadlines: []domain.DeadlineRuleInput{
			rule("", "cell", "", "2020-03-31"),
			rule("", "subcommittee", "", "2020-04-30"),
			rule("", "grassroots_committee", "", "2020-06-30"),
			rule("", "grassroots_cell", "", "2020-06-30"),
			rule("", "district", "", "2020-08-31"),
			rule("", "city", "", "2020-10-31"),
			rule(DistrictCode, "cell", "", "2020-03-31"),
			rule(DistrictCode, "cell", domain.CategoryResidential, "2020-03-31"),
		},
	}
}

// DeadlineChange is the change the district board made to its deadlines
// during the round: with the congresses paused for COVID-19 from 01/04/2020,
// the cells of Hai Bà Trưng other than the residential ones (all but done by
// then) got until 30/04/2020. The old deadline stays in the history.
func DeadlineChange() domain.DeadlineRuleInput {
	return domain.DeadlineRuleInput{ScopeCode: DistrictCode, Kind: "cell", Deadline: "2020-04-30",
		Reason: "Tạm dừng đại hội do dịch COVID-19 (Chỉ thị 16/CT-TTg, từ 01/4/2020): lùi thời hạn đại hội các chi bộ cơ quan, " +
			"trường học, bệnh viện, doanh nghiệp, lực lượng vũ trang đến 30/4/2020; chi bộ khu dân cư giữ thời hạn 31/3/2020."}
}

// Pilot is one of the three pilot congresses of Hai Bà Trưng: the day it was
// held, its delegates, the lessons the board drew from it and its results.
type Pilot struct {
	Code                                string
	Held                                time.Time
	DelegatesExpected, DelegatesPresent int
	Lessons                             string
	Results                             domain.ResultsInput
}

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// Pilots returns the three pilots: Bạch Mai (held 19/03/2020, its 13 cells
// in February), the Hà Nội Lung Hospital and the Đoàn Kết high school (both
// in March). The people are made up; the Lung Hospital's secretary has the
// figure the district reported, 35/35/39 = 89,74%.
func Pilots() []Pilot {
	elected := func(pos, name string, woman bool, votes, valid, present, born int, again bool) domain.ElectedInput {
		return domain.ElectedInput{Position: pos, FullName: name, IsWoman: woman, VotesFor: votes, ValidBallots: valid, DelegatesPresent: present,
			BirthYear: born, Reelected: again}
	}
	return []Pilot{
		{Code: BachMaiCode, Held: day(2020, 3, 19), DelegatesExpected: 120, DelegatesPresent: 118,
			Lessons: "Đại hội điểm cấp phường: lấy ý kiến nhân dân vào dự thảo báo cáo chính trị từ sớm; rút ngắn phần trình bày " +
				"báo cáo, dành thời gian cho tham luận; thực hiện quy trình bầu cử theo mẫu thống nhất của Ban Tổ chức Quận ủy.",
			Results: domain.ResultsInput{CommitteeSize: 15, CommitteeWomen: 7, SecretaryName: "Lê Thị Thu Hà", DelegatesElected: 12,
				Elected: []domain.ElectedInput{
					elected("secretary", "Lê Thị Thu Hà", true, 112, 117, 118, 1972, true),
					elected("deputy_secretary", "Nguyễn Văn Hải", false, 109, 117, 118, 1978, true),
					elected("committee", "Trần Thị Minh Phương", true, 104, 117, 118, 1984, false),
					elected("committee", "Phạm Đức Long", false, 101, 117, 118, 1969, true),
				}}},
		{Code: LungHospitalCode, Held: day(2020, 3, 26), DelegatesExpected: 40, DelegatesPresent: 39,
			Lessons: "Đại hội điểm khối bệnh viện: bố trí đại hội ngoài giờ khám chữa bệnh, không ảnh hưởng ca trực; thực hiện nghiêm " +
				"các biện pháp phòng, chống dịch COVID-19 (khẩu trang, giãn cách, khai báo y tế) trong suốt đại hội.",
			Results: domain.ResultsInput{CommitteeSize: 9, CommitteeWomen: 5, SecretaryName: "Đỗ Quang Vinh", DelegatesElected: 8,
				Elected: []domain.ElectedInput{
					elected("secretary", "Đỗ Quang Vinh", false, 35, 35, 39, 1970, true),
					elected("deputy_secretary", "Hoàng Thị Lan", true, 34, 35, 39, 1981, false),
					elected("committee", "Vũ Thị Hương", true, 33, 35, 39, 1986, false),
				}}},
		{Code: DoanKetCode, Held: day(2020, 3, 12), DelegatesExpected: 23, DelegatesPresent: 22,
			Lessons: "Đại hội điểm chi bộ cơ sở trường học: tổ chức vào cuối tuần để đủ đảng viên dự; chuẩn bị phương án nhân sự chi ủy " +
				"sớm, kịch bản điều hành ngắn gọn theo mẫu của quận.",
			Results: domain.ResultsInput{CommitteeSize: 3, CommitteeWomen: 2, SecretaryName: "Ngô Thị Thanh Mai", DelegatesElected: 2,
				Elected: []domain.ElectedInput{
					elected("secretary", "Ngô Thị Thanh Mai", true, 21, 22, 22, 1979, true),
					elected("deputy_secretary", "Bùi Minh Tuấn", false, 20, 22, 22, 1988, false),
				}}},
	}
}

// stateSeed varies the demo state; it is fixed so the demo is the same everywhere.
const stateSeed = 2020

// seedRound creates the demo round and its state at day: the round and its
// deadlines, the board's COVID-19 change, the three pilots (through the
// services, as the board would), then the state of every congress in one
// set-based store call, then the pilots' delegates, lessons and results
// through the services (a pilot not held yet at day gets only its mark),
// then the late flags of day and the daily snapshots before it, and the
// district's weekly reports of the weeks before it.
func seedRound(ctx context.Context, svc *core.Service, at time.Time) error {
	sys := domain.SystemPrincipal()
	r, err := svc.CreateRound(ctx, sys, Round())
	if err != nil {
		return fmt.Errorf("demo: round: %w", err)
	}
	if _, err := svc.SetDeadlineRule(ctx, sys, r.ID, DeadlineChange()); err != nil {
		return fmt.Errorf("demo: deadline change: %w", err)
	}
	spec := domain.RoundStateSpec{AsOf: domain.DayOf(at), Seed: stateSeed, Share: 0.86}
	for _, p := range Pilots() {
		if _, err := svc.SetPilot(ctx, sys, p.Code, r.ID, true); err != nil {
			return fmt.Errorf("demo: pilot %s: %w", p.Code, err)
		}
		spec.Pilots = append(spec.Pilots, domain.PilotDay{Code: p.Code, Held: domain.DayOf(p.Held)})
	}
	if _, err := svc.GenerateRoundState(ctx, sys, r.ID, spec); err != nil {
		return fmt.Errorf("demo: state: %w", err)
	}
	for _, p := range Pilots() {
		if p.Held.After(at) {
			continue
		}
		if err := seedPilot(ctx, svc, r.ID, p); err != nil {
			return fmt.Errorf("demo: pilot %s: %w", p.Code, err)
		}
	}
	if err := seedComposition(ctx, svc, r.ID); err != nil {
		return err
	}
	if err := seedGroups(ctx, svc); err != nil {
		return err
	}
	if err := seedSessions(ctx, svc, at); err != nil {
		return err
	}
	if err := seedPapers(ctx, svc, r.ID); err != nil {
		return err
	}
	if err := seedHistory(ctx, svc, r.ID, at); err != nil {
		return err
	}
	return seedReports(ctx, svc, at)
}

// reportsFrom is the first week of the demo's weekly reports.
var reportsFrom = domain.Week{Year: 2020, Number: 1}

// seedReports makes the weekly reports of the district from reportsFrom to
// the week before the demo date, dated as the weekly job would have made
// them (Mondays at 07:00), so that the archive has its past weeks.
func seedReports(ctx context.Context, svc *core.Service, at time.Time) error {
	last := domain.WeekOf(domain.DayOf(at)).Prev()
	if last.Monday().Before(reportsFrom.Monday()) {
		return nil
	}
	if _, err := svc.BackfillWeeklyReports(ctx, domain.SystemPrincipal(), reportsFrom, last); err != nil {
		return fmt.Errorf("demo: weekly reports: %w", err)
	}
	return nil
}

// AtRiskDays is the warning of the demo's late flags: a unit without a
// planned date this close to its deadline is at risk.
const AtRiskDays = 14

// snapshotsFrom is the first day of the demo's daily progress snapshots:
// the cells' window opened with the year.
var snapshotsFrom = day(2020, 1, 1)

// seedHistory raises the late flags of the demo date (at 09:00) and writes
// the daily snapshots of the days before it, as the jobs would have.
func seedHistory(ctx context.Context, svc *core.Service, roundID int64, at time.Time) error {
	sys := domain.SystemPrincipal()
	now := time.Date(at.Year(), at.Month(), at.Day(), 9, 0, 0, 0, domain.Location)
	if _, err := svc.RefreshFlags(ctx, sys, roundID, domain.DayOf(at), now, AtRiskDays); err != nil {
		return fmt.Errorf("demo: late flags: %w", err)
	}
	for d := snapshotsFrom; d.Before(at); d = d.AddDate(0, 0, 1) {
		if _, err := svc.WriteSnapshot(ctx, sys, roundID, domain.DayOf(d)); err != nil {
			return fmt.Errorf("demo: snapshot of %s: %w", d.Format("2006-01-02"), err)
		}
	}
	return svc.Tidy(ctx, sys)
}

// seedPilot records a held pilot's delegates, lessons and results, and
// reports its results.
func seedPilot(ctx context.Context, svc *core.Service, roundID int64, p Pilot) error {
	sys := domain.SystemPrincipal()
	c, err := svc.Congress(ctx, sys, p.Code, roundID)
	if err != nil {
		return err
	}
	c, err = svc.UpdateCongress(ctx, sys, p.Code, roundID, domain.CongressPatch{
		DelegatesExpected: &p.DelegatesExpected, DelegatesPresent: &p.DelegatesPresent,
		LessonsLearned: &p.Lessons, Version: c.Version})
	if err != nil {
		return err
	}
	in := p.Results
	if old, err := svc.Results(ctx, sys, p.Code, roundID); err == nil {
		in.Version = old.Version
	} else if !domain.IsCode(err, domain.ENotFound) {
		return err
	}
	if _, err := svc.SetResults(ctx, sys, p.Code, roundID, in); err != nil {
		return err
	}
	if err := attachPapers(ctx, svc, roundID, p.Code); err != nil {
		return err
	}
	if c.Status == domain.StatusResultsReported {
		return nil
	}
	status := string(domain.StatusResultsReported)
	_, err = svc.UpdateCongress(ctx, sys, p.Code, roundID, domain.CongressPatch{Status: &status, Version: c.Version})
	return err
}

// Present reports whether the database holds the demo: the demo district
// and the demo round as the current round.
func Present(ctx context.Context, svc *core.Service) (bool, error) {
	if _, err := svc.Unit(ctx, domain.SystemPrincipal(), DistrictCode); domain.IsCode(err, domain.ENotFound) {
		return false, nil
	} else if err != nil {
		return false, err
	}
	r, err := svc.Round(ctx, domain.SystemPrincipal(), 0)
	if domain.IsCode(err, domain.ENotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return r.Name == RoundName, nil
}

// Clock is the clock of a server showing the demo: it reads 09:00
// (Asia/Ho_Chi_Minh) on day when the server starts, and runs on.
func Clock(day time.Time) domain.OffsetClock {
	return domain.NewOffsetClock(time.Date(day.Year(), day.Month(), day.Day(), 9, 0, 0, 0, domain.Location))
}
