package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/daihoi/daihoi/internal/core"
	"github.com/daihoi/daihoi/internal/domain"
)

// The district's three training sessions (tập huấn) for the committees of
// its grassroots organizations before their congresses, each inviting the
// 20 wards, with how many attended. Only those held by the demo day are made.
var demoSessions = []struct {
	title, day, at, place string
	attended              int
}{
	{"Tập huấn nghiệp vụ công tác chuẩn bị đại hội cho cấp ủy cơ sở", "2019-11-20", "08:00", "Hội trường Quận ủy Hai Bà Trưng", 118},
	{"Tập huấn công tác nhân sự và quy trình bầu cử", "2019-12-18", "08:00", "Hội trường Quận ủy Hai Bà Trưng", 124},
	{"Tập huấn xây dựng văn kiện và tổ chức đại hội chi bộ", "2020-01-08", "14:00", "Trung tâm Bồi dưỡng chính trị quận", 131},
}

// seedSessions records the district's training sessions held by at.
func seedSessions(ctx context.Context, svc *core.Service, at time.Time) error {
	invited := make([]string, len(wards))
	for i, w := range wards {
		invited[i] = DistrictCode + "." + w.code
	}
	for _, s := range demoSessions {
		day, err := domain.ParseDay(s.day)
		if err != nil {
			return err
		}
		if day.After(domain.DayOf(at)) {
			continue
		}
		n := s.attended
		if _, err := svc.CreateTrainingSession(ctx, domain.SystemPrincipal(), DistrictCode, domain.SessionInput{Title: s.title, Day: s.day,
			StartTime: s.at, Place: s.place, Invited: invited, Attended: &n}); err != nil {
			return fmt.Errorf("demo: session %s: %w", s.day, err)
		}
	}
	return nil
}
