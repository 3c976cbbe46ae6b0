package web

import (
	"bytes"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/daihoi/daihoi/internal/domain"
	"github.com/daihoi/daihoi/internal/download"
	"github.com/daihoi/daihoi/internal/report"
)

// Weekly reports in the API: a unit's archive, making one (board users),
// each report in JSON or as a file (html, xlsx, csv, pdf), two weeks
// compared, a report's e-mails, and the caller's subscription.

// standaloneCSP is the policy of a report served as an HTML document: no
// script, no request, its own inline stylesheet.
const standaloneCSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// sendReport answers with r as a file in format and lang: HTML shown in the
// browser (inline), the others downloaded; a CSV file separated by ?sep=
// (comma, the default, or semicolon).
func (s *Server) sendReport(c echo.Context, r report.Weekly, format, lang string) error {
	var buf bytes.Buffer
	sep, err := report.CSVSeparator(c.QueryParam("sep"))
	if err != nil {
		return err
	}
	if err := report.WriteSep(&buf, s.catalog, r, format, lang, sep); err != nil {
		return err
	}
	h := c.Response().Header()
	name := report.DownloadName(r, format)
	if format == report.FormatCSV && c.QueryParam("sep") == report.SepSemicolon {
		name = report.SemicolonName(name)
	}
	disposition := download.Attachment(name)
	if format == report.FormatHTML {
		disposition = download.Inline(report.DownloadName(r, format))
		h.Set("Content-Security-Policy", standaloneCSP)
	}
	h.Set(echo.HeaderContentDisposition, disposition)
	h.Set(echo.HeaderCacheControl, "private, no-cache")
	return c.Blob(http.StatusOK, report.ContentType(format), buf.Bytes())
}

// handleReports lists the stored weekly reports of a unit, the latest first.
func (s *Server) handleReports(c echo.Context) error {
	code, err := codeParam(c)
	if err != nil {
		return err
	}
	a, err := s.svc.WeeklyReports(c.Request().Context(), principal(c), code)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, a)
}

type makeReportRequest struct {
	Week  string `json:"week"`
	Force bool   `json:"force"`
}

// handleMakeReport makes (or, without force, returns the stored) report of
// a unit for a week ("" for the week just ended): 201 when made, 200 when
// it was already there.
func (s *Server) handleMakeReport(c echo.Context) error {
	code, err := codeParam(c)
	if err != nil {
		return err
	}
	var in makeReportRequest
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	m, err := s.svc.MakeWeeklyReport(c.Request().Context(), principal(c), code, in.Week, in.Force)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if m.Written {
		status = http.StatusCreated
	}
	return c.JSON(status, m.Report)
}

// handleReport returns one stored weekly report: JSON, or a file with
// ?format=html|xlsx|csv|pdf, in ?lang= (else the Accept-Language).
func (s *Server) handleReport(c echo.Context) error {
	code, err := codeParam(c)
	if err != nil {
		return err
	}
	format := strings.ToLower(strings.TrimSpace(c.QueryParam("format")))
	if format != "" && format != "json" && !report.ValidFormat(format) {
		return report.BadFormat(format)
	}
	r, err := s.svc.WeeklyReport(c.Request().Context(), principal(c), code, c.Param("week"))
	if err != nil {
		return err
	}
	if format == "" || format == "json" {
		return c.JSON(http.StatusOK, r)
	}
	l := lang(c)
	if q := c.QueryParam("lang"); q != "" {
		l = domain.Lang(q)
	}
	return s.sendReport(c, r, format, l)
}

// handleCompareReports puts the stored reports of two weeks (?a=, ?b=)
// side by side, the earlier as a: the headline figures, the units below,
// the congresses held in each week, the units at risk and the forecasts.
func (s *Server) handleCompareReports(c echo.Context) error {
	code, err := codeParam(c)
	if err != nil {
		return err
	}
	cmp, err := s.svc.CompareWeeklyReports(c.Request().Context(), principal(c), code, c.QueryParam("a"), c.QueryParam("b"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, cmp)
}

// handleReportMails lists the e-mails of a report and how they went
// (board users of the unit).
func (s *Server) handleReportMails(c echo.Context) error {
	code, err := codeParam(c)
	if err != nil {
		return err
	}
	w, err := domain.ParseWeek(c.Param("week"))
	if err != nil {
		return err
	}
	list, err := s.svc.ReportMails(c.Request().Context(), principal(c), code, w.String())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"mails": list})
}

type subscriptionRequest struct {
	Subscribed bool `json:"subscribed" input:"required"`
}

type subscriptionResponse struct {
	Subscribed   bool `json:"subscribed"`
	MaySubscribe bool `json:"may_subscribe"`
}

// handleReportSubscription tells whether the caller gets the unit's weekly
// report by e-mail, and whether they may.
func (s *Server) handleReportSubscription(c echo.Context) error {
	code, err := codeParam(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	u, err := s.svc.Unit(ctx, principal(c), code)
	if err != nil {
		return err
	}
	on, may, err := s.svc.ReportSubscribed(ctx, principal(c), u)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, subscriptionResponse{Subscribed: on, MaySubscribe: may})
}

// handleSetReportSubscription subscribes the caller to the unit's weekly
// report ({"subscribed": true}) or ends it (false).
func (s *Server) handleSetReportSubscription(c echo.Context) error {
	code, err := codeParam(c)
	if err != nil {
		return err
	}
	var in subscriptionRequest
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	if err := s.svc.SetReportSubscription(c.Request().Context(), principal(c), code, in.Subscribed); err != nil {
		return err
	}
	return s.handleReportSubscription(c)
}
