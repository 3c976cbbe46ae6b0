package core_test

import (
	"sort"
	"strings"
	"testing"

	"github.com/daihoi/daihoi/internal/core"
	"github.com/daihoi/daihoi/internal/domain"
	"github.com/daihoi/daihoi/internal/mail"
	"github.com/daihoi/daihoi/internal/mail/mailtest"
)

// remindersFixture is the working groups' fixture on 15/04/2020 with the
// secretaries bithu (Bạch Mai: its cells late, C1 planned on 18/04 with
// thanhvien1 named to attend), bithuvt (Vĩnh Tuy, late too, reminders
// off) and bithuqm (Quỳnh Mai: nothing to be told), everyone with an
// address; and two services on the database (two processes) sending to an
// SMTP server.
func remindersFixture(t *testing.T) (a, b *fixture, srv *mailtest.Server) {
	t.Helper()
	f, _, _ := groupFixture(t)
	sys := domain.SystemPrincipal()
	for user, unit := range map[string]string{"bithuvt": "HN.HBT.VT", "bithuqm": "HN.HBT.QM"} {
		f.user(user)
		if err := f.svc.Grant(f.ctx, sys, user, "secretary", unit); err != nil {
			t.Fatal(err)
		}
	}
	f.planAt("HN.HBT.BM.C1", "2020-04-18", "08:00", "Nhà văn hoá tổ 1")
	if _, err := f.svc.NameAttendee(f.ctx, f.as("totruong1"), "HN.HBT.BM.C1", "thanhvien1"); err != nil {
		t.Fatal(err)
	}
	// Cell C2 is being prepared without a day, its plans waiting for the
	// ward; the district approved the ward's congress plan.
	if _, err := f.patchCongress(sys, "HN.HBT.BM.C2", domain.CongressPatch{Status: strp("preparing")}); err != nil {
		t.Fatal(err)
	}
	f.approvePlan("HN.HBT.BM")
	if _, err := f.db.Exec(`UPDATE users SET email = username || '@example.vn'`); err != nil {
		t.Fatal(err)
	}
	if err := f.svc.SetReminders(f.ctx, f.as("bithuvt"), false); err != nil {
		t.Fatal(err)
	}
	srv = mailtest.Start(t)
	m, err := mail.New(srv.Config())
	if err != nil {
		t.Fatal(err)
	}
	opts := core.Options{Reports: core.ReportOptions{Mailer: m, MailAttempts: 3, BaseURL: "https://daihoi.example.vn"}, ReminderDays: 7}
	clock := domain.FixedClock(fixtureNow)
	return fixtureWithOptions(t, f.db, clock, opts), fixtureWithOptions(t, f.db, clock, opts), srv
}

func TestRemindersSendOneDigestToEachWithSomethingToSayOncePerDay(t *testing.T) {
	a, b, srv := remindersFixture(t)
	for i, f := range []*fixture{a, b, a} { // two processes, and the first one again
		run, err := f.svc.RunJob(f.ctx, domain.SystemPrincipal(), core.JobReminders, "", 0)
		if err != nil || run.Outcome != "ok" {
			t.Fatalf("run %d: %+v, %v", i+1, run, err)
		}
	}
	byTo := map[string]mailtest.Received{}
	var to []string
	for _, m := range srv.Messages() {
		to = append(to, m.To...)
		byTo[m.To[0]] = m
	}
	sort.Strings(to)
	if got, want := strings.Join(to, " "), "bithu@example.vn thanhvien1@example.vn"; got != want {
		t.Fatalf("reminders went to %q, want %q (once each; none to bithuqm, nothing to say; none to bithuvt, turned off)", got, want)
	}
	t.Run("the secretary's digest names her late cells, her cell's milestones due and the link", func(t *testing.T) {
		m := byTo["bithu@example.vn"]
		if m.Subject != "Nhắc việc đại hội ngày 15/04/2020" {
			t.Errorf("subject = %q", m.Subject)
		}
		for _, want := range []string{"Đơn vị trễ hạn (3)", "Chi bộ Tổ dân phố số 2 — hạn 15/03/2020 đã qua", "https://daihoi.example.vn/units/HN.HBT.BM.C2",
			"Mốc sắp đến hạn", "Chờ đồng chí phê duyệt (2)", "Đã được cấp trên phê duyệt (1)\n- Đảng bộ phường Bạch Mai: ",
			"Đại hội chưa có ngày dự kiến (1)\n- Chi bộ Tổ dân phố số 2", "https://daihoi.example.vn/profile"} {
			if !strings.Contains(m.Text, want) {
				t.Errorf("digest lacks %q:\n%s", want, m.Text)
			}
		}
	})
	t.Run("the member is told the congress to attend, with time and place", func(t *testing.T) {
		m := byTo["thanhvien1@example.vn"]
		if want := "Chi bộ Tổ dân phố số 1 — 08:00 18/04/2020, Nhà văn hoá tổ 1"; !strings.Contains(m.Text, want) {
			t.Errorf("reminder lacks %q:\n%s", want, m.Text)
		}
	})
	t.Run("each reminder is kept sent, one per person and day", func(t *testing.T) {
		if n := a.count("reminder_mails WHERE status = 'sent'"); n != 2 {
			t.Errorf("%d reminders sent, want 2", n)
		}
	})
}

// A server run on a chosen date (the demo, a trial with clock.start) times
// what it writes on that date, not on the database's: the digest's
// "approved since yesterday" reads those times.
func TestWritesAreTimedOnTheServicesClock(t *testing.T) {
	a, _, srv := remindersFixture(t)
	sys := domain.SystemPrincipal()
	a.holdCongress("HN.HBT.BM.C3", "2020-04-10")
	a.elect("HN.HBT.BM.C3", person("secretary", true, 1985, false, false))
	for _, q := range []string{
		"congresses WHERE version > 1 AND updated_at <> $1",
		"milestones WHERE done_at > $1",
		"congress_results WHERE updated_at <> $1",
		"congress_attendees WHERE named_at <> $1",
		"work_group_units WHERE assigned_at <> $1",
	} {
		var n int
		if err := a.db.Get(&n, `SELECT count(*) FROM `+q, fixtureNow); err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Errorf("%d rows of %s (the clock says %v)", n, q, fixtureNow)
		}
	}
	var held int
	if err := a.db.Get(&held, `SELECT count(*) FROM milestones WHERE done_at = $1`, fixtureNow); err != nil || held == 0 {
		t.Errorf("%d milestones done at the clock's time (%v), want some", held, err)
	}

	// Three days later the approval given on the 15th is old news.
	m, err := mail.New(srv.Config())
	if err != nil {
		t.Fatal(err)
	}
	later := fixtureWithOptions(t, a.db, domain.FixedClock(fixtureNow.AddDate(0, 0, 3)), core.Options{
		Reports: core.ReportOptions{Mailer: m, MailAttempts: 3, BaseURL: "https://daihoi.example.vn"}, ReminderDays: 7})
	if run, err := later.svc.RunJob(later.ctx, sys, core.JobReminders, "", 0); err != nil || run.Outcome != "ok" {
		t.Fatalf("reminders: %+v, %v", run, err)
	}
	sent := 0
	for _, m := range srv.Messages() {
		if m.To[0] != "bithu@example.vn" {
			continue
		}
		sent++
		if strings.Contains(m.Text, "Đã được cấp trên phê duyệt") {
			t.Errorf("the digest of 18/04 tells of an approval given on 15/04:\n%s", m.Text)
		}
	}
	if sent != 1 {
		t.Errorf("%d digests to bithu, want the one of 18/04", sent)
	}
}
