package domain

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestReminderMails(t *testing.T) {
	today := DayOf(time.Date(2020, 4, 15, 0, 0, 0, 0, time.UTC))
	d := func(s string) *Day { x, _ := ParseDay(s); return &x }
	at := func(s string) *ClockTime { c, _ := ParseClockTime(s); return &c }
	t.Run("no items, no e-mail", func(t *testing.T) {
		if got := ReminderMails(nil, today, 7, ""); len(got) != 0 {
			t.Errorf("got %d e-mails", len(got))
		}
	})
	t.Run("one e-mail per user, in their language, sections in order", func(t *testing.T) {
		items := []ReminderItem{
			{UserID: 2, Email: "lan@x.vn", Lang: "en", Section: RemindAttend, UnitName: "Chi bộ 1", Day: d("18/04/2020"), Start: at("08:00"), Place: "Nhà văn hoá"},
			{UserID: 1, Email: "hong@x.vn", Lang: "vi", Section: RemindNoDate, UnitName: "Chi bộ 3"},
			{UserID: 1, Email: "hong@x.vn", Lang: "vi", Section: RemindLate, UnitName: "Chi bộ 2", Day: d("31/03/2020")},
			{UserID: 1, Email: "hong@x.vn", Lang: "vi", Section: RemindApprove, UnitName: "Chi bộ 4", What: Text{VI: "Phương án nhân sự", EN: "Personnel plan"}},
			{UserID: 1, Email: "hong@x.vn", Lang: "vi", Section: RemindApproved, UnitName: "Chi bộ 5", What: Text{VI: "Phương án tổ chức đại hội", EN: "Congress plan"}, Day: d("14/04/2020")},
		}
		got := ReminderMails(items, today, 7, "https://daihoi.example.vn")
		if len(got) != 2 || got[0].Email != "hong@x.vn" || got[1].Email != "lan@x.vn" {
			t.Fatalf("e-mails = %+v", got)
		}
		vi := got[0].Body
		order := []string{"Đơn vị trễ hạn (1)", "- Chi bộ 2 — hạn 31/03/2020 đã qua", "Chờ đồng chí phê duyệt (1)", "- Chi bộ 4: Phương án nhân sự",
			"Đã được cấp trên phê duyệt (1)", "- Chi bộ 5: Phương án tổ chức đại hội — ngày 14/04/2020", "Đại hội chưa có ngày dự kiến (1)", "https://daihoi.example.vn/profile"}
		last := -1
		for _, want := range order {
			i := strings.Index(vi, want)
			if i <= last {
				t.Errorf("%q missing or out of order in:\n%s", want, vi)
			}
			last = i
		}
		if got[1].Subject != "Congress reminders for 15/04/2020" || !strings.Contains(got[1].Body, "- Chi bộ 1 — 08:00 18/04/2020, Nhà văn hoá") {
			t.Errorf("English e-mail: %q\n%s", got[1].Subject, got[1].Body)
		}
	})
	t.Run("a long section is cut with a count of the rest", func(t *testing.T) {
		var items []ReminderItem
		for i := 0; i < MaxReminderLines+5; i++ {
			items = append(items, ReminderItem{UserID: 1, Lang: "vi", Section: RemindLate, UnitName: fmt.Sprintf("Chi bộ %d", i)})
		}
		body := ReminderMails(items, today, 7, "")[0].Body
		if !strings.Contains(body, "… và 5 mục khác") || strings.Contains(body, fmt.Sprintf("Chi bộ %d\n", MaxReminderLines)) {
			t.Errorf("body:\n%s", body)
		}
	})
}
