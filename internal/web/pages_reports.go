package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/daihoi/daihoi/internal/domain"
	"github.com/daihoi/daihoi/internal/report"
)

// The weekly report pages: a unit's archive of weeks (with the forms to
// make one, to subscribe, and to put two weeks side by side), one report
// (the same body as the standalone HTML file, with its downloads), and two
// weeks compared. Everything through the services, within the caller's scope.

type reportsPage struct {
	Code, Name string
	Reports    []report.SummaryView
	// Weeks lists the stored weeks for the compare form; A and B are the
	// latest two.
	Weeks                []string
	A, B                 string
	Subscribed, MaySub   bool
	Email                string
	MayMake              bool
	DefaultWeek          string
	SubscribedNoEmailMsg bool
}

// reportPrologue reads the caller and the unit of :code for a report page.
func (s *Server) reportPrologue(c echo.Context) (*domain.Principal, domain.Unit, error) {
	p, err := s.sessionUser(c)
	if err != nil || p == nil {
		return nil, domain.Unit{}, s.signInFirst(c, err)
	}
	code, err := codeParam(c)
	if err != nil {
		return p, domain.Unit{}, err
	}
	u, err := s.svc.Unit(c.Request().Context(), *p, code)
	return p, u, err
}

// handleReportsPage shows the archive of a unit's weekly reports.
func (s *Server) handleReportsPage(c echo.Context) error {
	p, u, err := s.reportPrologue(c)
	if p == nil || err != nil {
		return err
	}
	ctx := c.Request().Context()
	lang := pageLang(c, &p.User)
	a, err := s.svc.WeeklyReports(ctx, *p, u.Code)
	if err != nil {
		return err
	}
	d := reportsPage{Code: u.Code, Name: u.Name, MayMake: p.Can(domain.ActManage, u.Path), Email: p.User.Email,
		DefaultWeek: domain.LastFullWeek(s.svc.Clock()).String()}
	if d.Subscribed, d.MaySub, err = s.svc.ReportSubscribed(ctx, *p, u); err != nil {
		return err
	}
	d.SubscribedNoEmailMsg = d.Subscribed && strings.TrimSpace(p.User.Email) == ""
	for _, r := range a.Reports {
		d.Reports = append(d.Reports, report.NewSummaryView(r, lang))
		d.Weeks = append(d.Weeks, r.Week)
	}
	if len(d.Weeks) > 0 {
		d.B, d.A = d.Weeks[0], d.Weeks[0]
	}
	if len(d.Weeks) > 1 {
		d.A = d.Weeks[1]
	}
	return s.page(c, http.StatusOK, "reports.html", &p.User, d)
}

// handleMakeReportPage makes the report of a week (board users) and shows
// it; a refusal goes back to the archive with its reason.
func (s *Server) handleMakeReportPage(c echo.Context) error {
	p, u, err := s.reportPrologue(c)
	if p == nil || err != nil {
		return err
	}
	archive := "/units/" + url.PathEscape(u.Code) + "/reports"
	m, err := s.svc.MakeWeeklyReport(c.Request().Context(), *p, u.Code, c.FormValue("week"), c.FormValue("force") != "")
	if err != nil {
		return s.afterAction(c, &p.User, err, "", archive, domain.EForbidden)
	}
	msg := "reports_kept"
	switch {
	case m.Replaced:
		msg = "reports_replaced"
	case m.Written:
		msg = "reports_made"
	}
	s.flash(c, s.text(c, &p.User, msg, map[string]any{"Week": m.Report.Week}))
	return c.Redirect(http.StatusSeeOther, archive+"/"+m.Report.Week)
}

// handleSubscriptionPage subscribes the user to the unit's weekly report
// by e-mail (subscribed=1) or ends it.
func (s *Server) handleSubscriptionPage(c echo.Context) error {
	p, u, err := s.reportPrologue(c)
	if p == nil || err != nil {
		return err
	}
	on, err := formCheckbox(c, "subscribed")
	if err == nil {
		err = s.svc.SetReportSubscription(c.Request().Context(), *p, u.Code, on)
	}
	done := "reports_unsubscribe_done"
	switch {
	case on && p.User.Email == "":
		done = "reports_subscribe_done_no_email"
	case on:
		done = "reports_subscribe_done"
	}
	return s.afterAction(c, &p.User, err, s.text(c, &p.User, done, nil), "/units/"+url.PathEscape(u.Code)+"/reports")
}

// handleReportEmailPage sets the user's own e-mail address, where the
// reports they subscribe to go, from a unit's archive page.
func (s *Server) handleReportEmailPage(c echo.Context) error {
	p, u, err := s.reportPrologue(c)
	if p == nil || err != nil {
		return err
	}
	err = s.svc.SetEmail(c.Request().Context(), *p, p.User.Username, c.FormValue("email"))
	return s.afterAction(c, &p.User, err, s.text(c, &p.User, "reports_email_saved", nil), "/units/"+url.PathEscape(u.Code)+"/reports")
}

type reportPage struct {
	Code, Name, Week string
	// WeekLabel is the week as the page shows it ("15/2020").
	WeekLabel string
	Report    report.View
	Formats   []string
	MayManage bool
	Mails     []mailRow
}

type mailRow struct{ User, Email, Status, At, Error string }

// handleReportPage shows one stored weekly report with its downloads.
func (s *Server) handleReportPage(c echo.Context) error {
	p, u, err := s.reportPrologue(c)
	if p == nil || err != nil {
		return err
	}
	ctx := c.Request().Context()
	r, err := s.svc.WeeklyReport(ctx, *p, u.Code, c.Param("week"))
	if err != nil {
		return err
	}
	lang := pageLang(c, &p.User)
	d := reportPage{Code: u.Code, Name: u.Name, Week: r.Week, WeekLabel: domain.WeekLabel(r.Week), Report: report.NewView(r, lang), Formats: report.Formats,
		MayManage: p.Can(domain.ActManage, u.Path)}
	if d.MayManage {
		mails, err := s.svc.ReportMails(ctx, *p, u.Code, r.Week)
		if err != nil {
			return err
		}
		for _, m := range mails {
			row := mailRow{User: m.Username, Email: m.Email, Status: s.text(c, &p.User, "report_mail_"+m.Status, nil), Error: m.LastError}
			if m.SentAt != nil {
				row.At = m.SentAt.In(domain.Location).Format("02/01/2006 15:04")
			} else if m.Status == "pending" {
				row.At = m.NextAttemptAt.In(domain.Location).Format("02/01/2006 15:04")
			}
			d.Mails = append(d.Mails, row)
		}
	}
	return s.page(c, http.StatusOK, "report.html", &p.User, d)
}

// handleReportFilePage downloads a stored report as html, xlsx, csv or pdf
// in the user's language.
func (s *Server) handleReportFilePage(c echo.Context) error {
	p, u, err := s.reportPrologue(c)
	if p == nil || err != nil {
		return err
	}
	format := c.Param("format")
	if !report.ValidFormat(format) {
		return echo.ErrNotFound
	}
	r, err := s.svc.WeeklyReport(c.Request().Context(), *p, u.Code, c.Param("week"))
	if err != nil {
		return err
	}
	return s.sendReport(c, r, format, pageLang(c, &p.User))
}

type comparePage struct {
	report.CompareView
	Code, Name string
	Weeks      []string
}

// handleCompareReportsPage puts the stored reports of two weeks (?a=, ?b=)
// side by side: the headline figures, the units below, the week's
// congresses and the late units, with the differences.
func (s *Server) handleCompareReportsPage(c echo.Context) error {
	p, u, err := s.reportPrologue(c)
	if p == nil || err != nil {
		return err
	}
	ctx := c.Request().Context()
	cmp, err := s.svc.CompareWeeklyReports(ctx, *p, u.Code, c.QueryParam("a"), c.QueryParam("b"))
	if err != nil {
		return err
	}
	a, err := s.svc.WeeklyReports(ctx, *p, u.Code)
	if err != nil {
		return err
	}
	d := comparePage{CompareView: report.NewCompareView(cmp, pageLang(c, &p.User)), Code: u.Code, Name: u.Name}
	for _, r := range a.Reports {
		d.Weeks = append(d.Weeks, r.Week)
	}
	return s.page(c, http.StatusOK, "report_compare.html", &p.User, d)
}
