package report

import (
	"fmt"
	"time"

	"github.com/daihoi/daihoi/internal/domain"
)

// fixDay reads "2020-04-05" (the fixture's days exist).
func fixDay(s string) domain.Day {
	t, err := domain.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return domain.DayOf(t)
}

func fixDayPtr(s string) *domain.Day { d := fixDay(s); return &d }

var (
	kindDistrict = domain.Text{VI: "Đảng bộ quận", EN: "District party committee"}
	kindWard     = domain.Text{VI: "Đảng bộ phường", EN: "Ward party committee"}
	kindCell     = domain.Text{VI: "Chi bộ khu dân cư", EN: "Residential cell"}
	bachDang     = domain.UnitRef{Code: "HN.HBT.BD", Name: "Phường Bạch Đằng", Kind: "ward"}
	dongNhan     = domain.UnitRef{Code: "HN.HBT.DN", Name: "Phường Đồng Nhân", Kind: "ward"}
	khuDanCu1    = domain.UnitRef{Code: "HN.HBT.BD.KDC1", Name: "Chi bộ Khu dân cư số 1", Kind: "cell"}
	khuDanCu7    = domain.UnitRef{Code: "HN.HBT.DN.KDC7", Name: "Chi bộ Khu dân cư số 7", Kind: "cell"}
)

// fixture is the report of Quận Hai Bà Trưng for 2020-W14 (30/03–05/04):
// 9 of 13 cells held (6 a week before), two wards below, one of them late
// by 5 days and projected late, two congresses held in the week, none
// planned for the next, four weeks of progress.
func fixture() Weekly {
	figure := func(key string, value, total, prev int) Figure {
		return Figure{Key: key, Name: FigureName(key), Value: value, Total: total, Prev: prev, PrevTotal: total}
	}
	return Weekly{
		Version:   Version,
		Unit:      domain.UnitRef{Code: "HN.HBT", Name: "Quận Hai Bà Trưng", Kind: "district"},
		KindName:  kindDistrict,
		RoundID:   1,
		RoundName: "Đại hội đảng bộ các cấp nhiệm kỳ 2020–2025",
		Week:      "2020-W14",
		From:      fixDay("2020-03-30"),
		To:        fixDay("2020-04-05"),
		MadeAt:    time.Date(2020, 4, 6, 1, 0, 0, 0, time.UTC), // 08:00 in Hà Nội
		Headline: []Figure{
			figure(FigureCells, 9, 13, 6),
			figure(FigureGrassroots, 1, 2, 0),
			figure(FigurePilots, 1, 1, 1),
			figure(FigureLate, 1, 0, 0),
		},
		Units: []Unit{
			{
				UnitRef: bachDang, KindName: kindWard, Held: 6, Total: 7, PrevHeld: 4,
				Status: domain.StatusHeld, StatusName: domain.Text{VI: "Đã đại hội", EN: "Held"},
				HeldDate: fixDayPtr("2020-04-02"), Deadline: fixDayPtr("2020-04-30"), IsPilot: true,
				Flags: []domain.Text{}, Done: fixDayPtr("2020-04-12"),
			},
			{
				UnitRef: dongNhan, KindName: kindWard, Held: 3, Total: 6, PrevHeld: 2,
				Status: domain.StatusPreparing, StatusName: domain.Text{VI: "Đang chuẩn bị", EN: "Preparing"},
				PlannedDate: fixDayPtr("2020-04-20"), Deadline: fixDayPtr("2020-03-31"), LateBelow: 1,
				Flags: FlagTexts(true, 5, false, 1), Late: true,
				ProjectedLate: true, Done: fixDayPtr("2020-04-26"),
			},
		},
		HeldInWeek: []domain.ReportCongress{
			{UnitRef: khuDanCu1, KindName: kindCell, Parent: bachDang.Name, Place: domain.Place{bachDang}, Date: fixDay("2020-04-01"), Deadline: fixDayPtr("2020-04-15")},
			{UnitRef: bachDang, KindName: kindWard, Parent: "Quận Hai Bà Trưng", Place: domain.Place{}, Date: fixDay("2020-04-02"), Deadline: fixDayPtr("2020-04-30"), IsPilot: true},
		},
		HeldInWeekCount:      2,
		PlannedNextWeek:      []domain.ReportCongress{},
		PlannedNextWeekCount: 0,
		Late: []domain.ReportLate{
			{UnitRef: dongNhan, KindName: kindWard, Parent: "Quận Hai Bà Trưng", Place: domain.Place{}, Flag: domain.FlagLate,
				FlagName: domain.Text{VI: "Trễ hạn đại hội", EN: "Congress late"}, Deadline: fixDay("2020-03-31"),
				PlannedDate: fixDayPtr("2020-04-20"), DaysOverdue: 5,
				Detail: domain.Text{VI: "Dự kiến đại hội sau thời hạn", EN: "Planned after the deadline"}},
			{UnitRef: khuDanCu7, KindName: kindCell, Parent: dongNhan.Name, Place: domain.Place{dongNhan}, Flag: domain.FlagAtRisk,
				FlagName: domain.Text{VI: "Có nguy cơ trễ hạn", EN: "At risk"}, Deadline: fixDay("2020-04-10"),
				DaysOverdue: -5, Detail: domain.Text{VI: "Chưa có ngày dự kiến", EN: "No planned date"}},
		},
		LateCount:   1,
		AtRiskCount: 1,
		Weeks: []WeekPoint{
			{Week: "2020-W11", To: fixDay("2020-03-15"), Held: 2, Total: 13},
			{Week: "2020-W12", To: fixDay("2020-03-22"), Held: 4, Total: 13},
			{Week: "2020-W13", To: fixDay("2020-03-29"), Held: 6, Total: 13},
			{Week: "2020-W14", To: fixDay("2020-04-05"), Held: 9, Total: 13},
		},
		Forecast: Forecast{
			Weeks: 4, PerWeek: 2.3, Left: 4, Done: fixDayPtr("2020-04-18"), Deadline: fixDayPtr("2020-04-30"), OnTime: true,
			ProjectedLate: []Ref{{UnitRef: dongNhan, KindName: kindWard}},
		},
	}
}

// manyUnits is the fixture with n wards below, to spread the units table
// over pages.
func manyUnits(n int) Weekly {
	r := fixture()
	r.Units = nil
	for i := range n {
		r.Units = append(r.Units, Unit{
			UnitRef:  domain.UnitRef{Code: fmt.Sprintf("HN.HBT.P%03d", i), Name: fmt.Sprintf("Phường số %03d", i), Kind: "ward"},
			KindName: kindWard, Held: i % 7, Total: 7, PrevHeld: i % 5,
			StatusName: domain.Text{VI: "Đang chuẩn bị", EN: "Preparing"}, Deadline: fixDayPtr("2020-04-30"),
		})
	}
	return r
}
