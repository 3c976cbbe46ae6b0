package report

import "github.com/daihoi/daihoi/internal/domain"

// labels are the words of the report files in both languages, chosen by
// lang with Text.In. Sheet names stay within Excel's 31 characters and
// avoid the characters it refuses ([]:*?/\).
var labels = struct {
	// Sheets of the workbook, also the headings of the PDF's sections.
	SheetSummary, SheetUnits, SheetWeeks, SheetHeld, SheetPlanned, SheetLate domain.Text

	// The summary: the report's particulars.
	Unit, UnitCode, Kind, Round, Week, From, To, MadeAt domain.Text
	// The summary: headline figures.
	Headline, Figure, Value, Total, Share, Prev, PrevShare, Change domain.Text
	// The summary: the forecast.
	Forecast, PerWeek, PaceWeeks, Left, Done, Deadline, OnTime, ProjectedLate domain.Text

	// Columns of the lists.
	Code, Held, HeldThisWeek, Status, HeldOn, PlannedFor, Pilot, LateBelow, Flags, ProjectedDone, WillBeLate domain.Text
	Date, Parent, Situation, DaysOverdue, Detail, WeekEnd                                                    domain.Text

	// Words in cells and lines.
	Yes, No, None, NeverAtPace, Shown, ChartTitle, Page domain.Text

	// The first page: headline tiles, the forecast against the deadline,
	// the late units by place.
	ForecastVsDeadline, TileChange, ProjectedLateCount, AndMore, AtRiskCount                  domain.Text
	LateByPlace, Place, DaysLate, DaysAfter, LateUnits, MostDaysLate, DirectlyBelow, TilePrev domain.Text
}{
	SheetSummary: domain.Text{VI: "Tổng hợp", EN: "Summary"},
	SheetUnits:   domain.Text{VI: "Đơn vị trực thuộc", EN: "Units"},
	SheetWeeks:   domain.Text{VI: "Tiến độ theo tuần", EN: "Progress by week"},
	SheetHeld:    domain.Text{VI: "Đã đại hội trong tuần", EN: "Held during the week"},
	SheetPlanned: domain.Text{VI: "Dự kiến tuần tới", EN: "Planned next week"},
	SheetLate:    domain.Text{VI: "Trễ hạn và có nguy cơ", EN: "Late and at risk"},

	Unit:     domain.Text{VI: "Đơn vị", EN: "Unit"},
	UnitCode: domain.Text{VI: "Mã đơn vị", EN: "Unit code"},
	Kind:     domain.Text{VI: "Loại", EN: "Kind"},
	Round:    domain.Text{VI: "Đợt đại hội", EN: "Round"},
	Week:     domain.Text{VI: "Tuần", EN: "Week"},
	From:     domain.Text{VI: "Từ ngày", EN: "From"},
	To:       domain.Text{VI: "Đến ngày", EN: "To"},
	MadeAt:   domain.Text{VI: "Lập lúc", EN: "Made at"},

	Headline:  domain.Text{VI: "Số liệu chính", EN: "Headline figures"},
	Figure:    domain.Text{VI: "Chỉ tiêu", EN: "Figure"},
	Value:     domain.Text{VI: "Số lượng", EN: "Value"},
	Total:     domain.Text{VI: "Tổng số", EN: "Total"},
	Share:     domain.Text{VI: "Tỷ lệ", EN: "Share"},
	Prev:      domain.Text{VI: "Tuần trước", EN: "Week before"},
	PrevShare: domain.Text{VI: "Tỷ lệ tuần trước", EN: "Share week before"},
	Change:    domain.Text{VI: "Thay đổi", EN: "Change"},

	Forecast:      domain.Text{VI: "Dự báo", EN: "Forecast"},
	PerWeek:       domain.Text{VI: "Nhịp độ (chi bộ/tuần)", EN: "Pace (cells a week)"},
	PaceWeeks:     domain.Text{VI: "Số tuần tính nhịp độ", EN: "Weeks of the pace"},
	Left:          domain.Text{VI: "Chi bộ chưa đại hội", EN: "Cells left"},
	Done:          domain.Text{VI: "Dự kiến hoàn thành", EN: "Projected done"},
	Deadline:      domain.Text{VI: "Thời hạn", EN: "Deadline"},
	OnTime:        domain.Text{VI: "Kịp thời hạn", EN: "On time"},
	ProjectedLate: domain.Text{VI: "Đơn vị dự báo trễ hạn", EN: "Units projected late"},

	Code:          domain.Text{VI: "Mã", EN: "Code"},
	Held:          domain.Text{VI: "Đã đại hội", EN: "Held"},
	HeldThisWeek:  domain.Text{VI: "Tăng trong tuần", EN: "Held this week"},
	Status:        domain.Text{VI: "Trạng thái", EN: "Status"},
	HeldOn:        domain.Text{VI: "Ngày đại hội", EN: "Held on"},
	PlannedFor:    domain.Text{VI: "Ngày dự kiến", EN: "Planned for"},
	Pilot:         domain.Text{VI: "Đại hội điểm", EN: "Pilot"},
	LateBelow:     domain.Text{VI: "Đơn vị trễ hạn", EN: "Late units"},
	Flags:         domain.Text{VI: "Cảnh báo", EN: "Warnings"},
	ProjectedDone: domain.Text{VI: "Dự báo hoàn thành", EN: "Projected done"},
	WillBeLate:    domain.Text{VI: "Dự báo trễ hạn", EN: "Projected late"},
	Date:          domain.Text{VI: "Ngày", EN: "Date"},
	Parent:        domain.Text{VI: "Trực thuộc", EN: "Under"},
	Situation:     domain.Text{VI: "Tình trạng", EN: "Situation"},
	DaysOverdue:   domain.Text{VI: "Số ngày quá hạn", EN: "Days overdue"},
	Detail:        domain.Text{VI: "Ghi chú", EN: "Detail"},
	WeekEnd:       domain.Text{VI: "Ngày cuối tuần", EN: "Week ending"},

	Yes:  domain.Text{VI: "Có", EN: "Yes"},
	No:   domain.Text{VI: "Không", EN: "No"},
	None: domain.Text{VI: "Không có", EN: "None"},
	// NeverAtPace: no cell held in the last weeks, so no day to project.
	NeverAtPace: domain.Text{VI: "Chưa dự báo được: không có chi bộ nào đại hội gần đây", EN: "Cannot tell: no cell held lately"},
	// Shown notes a list cut at ListLimit: shown, then all.
	Shown:      domain.Text{VI: "Chỉ liệt kê %d trên tổng số %d.", EN: "Showing %d of %d."},
	ChartTitle: domain.Text{VI: "Tỷ lệ chi bộ đã đại hội theo tuần", EN: "Share of cells held, by week"},
	// Page numbers the PDF's pages: this page, then the alias of the last.
	Page: domain.Text{VI: "Trang %d/%s", EN: "Page %d of %s"},

	ForecastVsDeadline: domain.Text{VI: "Dự báo so với thời hạn", EN: "Forecast against the deadline"},
	// TileChange: the change over the week; TilePrev: the value a week before.
	TileChange: domain.Text{VI: "%s trong tuần", EN: "%s this week"},
	TilePrev:   domain.Text{VI: "Tuần trước: %s", EN: "A week before: %s"},
	// ProjectedLateCount, AndMore, AtRiskCount: a count, then the name of the table to see.
	ProjectedLateCount: domain.Text{VI: "%s đơn vị trực thuộc dự báo trễ hạn: xem bảng «%s».", EN: "%s units below projected late: see the table “%s”."},
	AndMore:            domain.Text{VI: "… và %s đơn vị trễ hạn khác: xem bảng «%s».", EN: "… and %s more late units: see the table “%s”."},
	AtRiskCount:        domain.Text{VI: "%s đơn vị có nguy cơ trễ hạn: xem bảng «%s».", EN: "%s units at risk: see the table “%s”."},
	// LateByPlace: the count of late units.
	LateByPlace:   domain.Text{VI: "Đơn vị trễ hạn theo nơi (%d)", EN: "Late units by place (%d)"},
	Place:         domain.Text{VI: "Nơi", EN: "Place"},
	DaysLate:      domain.Text{VI: "Trễ (ngày)", EN: "Days late"},
	DaysAfter:     domain.Text{VI: "Sau thời hạn (ngày)", EN: "Days after deadline"},
	LateUnits:     domain.Text{VI: "Số đơn vị", EN: "Units"},
	MostDaysLate:  domain.Text{VI: "Trễ nhiều nhất (ngày)", EN: "Most days late"},
	DirectlyBelow: domain.Text{VI: "Trực thuộc trực tiếp", EN: "Directly below"},
}

// yesNo words a flag.
func yesNo(b bool, lang string) string {
	if b {
		return labels.Yes.In(lang)
	}
	return labels.No.In(lang)
}
