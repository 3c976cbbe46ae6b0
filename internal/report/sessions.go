package report

import (
	"strings"

	"github.com/daihoi/daihoi/internal/domain"
)

// The report's section on the training sessions held by the units of the
// subtree during the week (not cancelled).

var sessionLabels = struct {
	Sheet, Day, Title, Held, Place, Invited, Attended domain.Text
}{
	Sheet:    domain.Text{VI: "Tập huấn trong tuần", EN: "Training sessions of the week"},
	Day:      domain.Text{VI: "Ngày", EN: "Day"},
	Title:    domain.Text{VI: "Buổi tập huấn", EN: "Session"},
	Held:     domain.Text{VI: "Đơn vị tổ chức", EN: "Held by"},
	Place:    domain.Text{VI: "Địa điểm", EN: "Place"},
	Invited:  domain.Text{VI: "Đơn vị được mời", EN: "Units invited"},
	Attended: domain.Text{VI: "Số người dự", EN: "Attended"},
}

// sessionsTable lists the week's training sessions.
func sessionsTable(r Weekly) table {
	t := table{name: sessionLabels.Sheet, cols: []column{
		{sessionLabels.Day, 13, 20},
		{sessionLabels.Title, 34, 50},
		{sessionLabels.Held, 28, 40},
		{sessionLabels.Place, 24, 30},
		{sessionLabels.Invited, 30, 40},
		{sessionLabels.Attended, 12, 16},
	}}
	for _, s := range r.Sessions {
		when := s.Day.VI()
		if s.Start != nil {
			when += " " + s.Start.String()
		}
		names := make([]string, len(s.Invited))
		for i, u := range s.Invited {
			names[i] = u.Name
		}
		var attended any = ""
		if s.Attended != nil {
			attended = *s.Attended
		}
		t.rows = append(t.rows, []any{when, s.Title, s.UnitName, s.Place, strings.Join(names, ", "), attended})
	}
	return t
}
