package web

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
)

// routes installs the middleware and lists every route of the server.
// HEAD is routed as GET (headAsGet). Middleware runs in this order for every
// request: the instrument (metrics) when set, request id, access log, panic
// recovery, security headers, gzip (of answers of 1 KB and more but to PATCH, PUT
// and DELETE, when the client takes it), body limit, the clock header when the clock is shifted;
// then per route either the web session (pages) or API authentication
// (api), each tracking the caller's writes (lsn.go) and with the check of
// the path's and query's texts
// (checkRequestText; in the session, so that a page's refusal speaks the
// user's language).
func (s *Server) routes() {
	e := s.echo
	e.Pre(headAsGet)
	if s.opts.Instrument != nil {
		e.Use(s.opts.Instrument)
	}
	e.Use(
		headAgain,
		middleware.RequestID(),
		s.accessLog,
		s.recoverPanic,
		middleware.SecureWithConfig(s.secureConfig()),
		middleware.GzipWithConfig(middleware.GzipConfig{Skipper: compressed, MinLength: 1024}),
		middleware.BodyLimitWithConfig(middleware.BodyLimitConfig{Limit: s.opts.BodyLimit, Skipper: isUpload}),
	)
	if s.opts.ShiftedClock {
		e.Use(s.clockHeader)
	}

	// HTML pages: scs LoadAndSave. /api/v1: bearer token or web session, else 401.
	// Both track how far the caller's writes reached (lsn.go).
	page := func(next echo.HandlerFunc) echo.HandlerFunc {
		return s.withSession(s.trackPage(checkRequestText(next)))
	}
	api := func(next echo.HandlerFunc) echo.HandlerFunc {
		return checkRequestText(s.authenticate(s.trackAPI(next)))
	}

	// Probes, static files and pages. Pages run in the web session; those
	// that change something need the session's CSRF token.
	e.GET("/healthz", s.handleHealthz)
	e.GET("/readyz", s.handleReadyz)
	e.GET("/static/*", s.static)
	e.GET("/lang/:lang", s.handleLang)
	e.GET("/", s.handleHomePage, page)
	e.GET("/login", s.handleLoginPage, page)
	e.POST("/login", s.handleLoginSubmit, page, s.csrf)
	e.POST("/logout", s.handleLogoutSubmit, page, s.csrf)
	e.POST("/lang/:lang", s.handleLangSubmit, page, s.csrf)
	e.GET("/profile", s.handleProfilePage, page)
	e.POST("/profile/email", s.handleEmailSubmit, page, s.csrf)
	e.GET("/password", s.handleProfilePage, page)
	e.POST("/password", s.handlePasswordSubmit, page, s.csrf)
	e.GET("/search", s.handleSearchPage, page)
	e.GET("/units/:code", s.handleUnitPage, page)
	e.POST("/units/:code/milestones/:milestone", s.handleTickMilestonePage, page, s.csrf)
	e.POST("/units/:code/:what", s.handleUnitManage, page, s.csrf)
	e.GET("/units/:code/table.:format", s.handleUnitsTable, page)
	e.GET("/units/:code/list", s.handleUnitListPage, page)
	e.GET("/units/:code/list.:format", s.handleUnitListFile, page)
	e.POST("/units/:code/papers", s.handleAttachPaperPage, page, s.paperUploadPage, s.csrf)
	e.GET("/units/:code/papers/:id/file", s.handlePaperFilePage, page)
	e.POST("/units/:code/papers/:id/delete", s.handleDeletePaperPage, page, s.csrf)
	e.POST("/units/:code/composition-plan", s.handleCompositionPlanPage, page, s.csrf)
	e.GET("/units/:code/documents/:doc", s.handleDocumentPage, page)
	e.GET("/admin/import", s.handleImportPage, page)
	e.POST("/admin/import", s.handleImportSubmit, page, s.importUpload, s.csrf)
	e.GET("/admin/users", s.handleAdminUsers, page)
	e.POST("/admin/users", s.handleAdminAction, page, s.csrf)
	e.POST("/admin/users/:username/:action", s.handleAdminAction, page, s.csrf)
	e.GET("/round", s.handleRoundPage, page)
	e.POST("/round/rules", s.handleRoundRule, page, s.csrf)
	e.POST("/round/targets", s.handleRoundTarget, page, s.csrf)
	e.GET("/my", s.handleMyUnits, page)
	e.GET("/my/hold", s.handleHoldPage, page)
	e.POST("/my/hold", s.handleHoldSubmit, page, s.csrf)
	e.POST("/my/:code", s.handleMyUnitSubmit, page, s.csrf)
	e.GET("/units/:code/reports", s.handleReportsPage, page)
	e.POST("/units/:code/reports", s.handleMakeReportPage, page, s.csrf)
	e.POST("/units/:code/reports/subscription", s.handleSubscriptionPage, page, s.csrf)
	e.POST("/units/:code/reports/email", s.handleReportEmailPage, page, s.csrf)
	e.GET("/units/:code/reports/compare", s.handleCompareReportsPage, page)
	e.GET("/units/:code/reports/:week", s.handleReportPage, page)
	e.GET("/units/:code/reports/:week/report.:format", s.handleReportFilePage, page)
	e.GET("/units/:code/calendar", s.handleCalendarPage, page)
	e.GET("/units/:code/calendar.xlsx", s.handleCalendarXLSX, page)
	e.GET("/groups/:id/calendar", s.handleGroupCalendarPage, page)
	e.GET("/units/:code/sessions", s.handleSessionsPage, page)
	e.POST("/units/:code/sessions", s.handleSessionSubmit, page, s.csrf)
	e.POST("/sessions/:id", s.handleSessionSubmit, page, s.csrf)
	e.POST("/profile/feed", s.handleFeedSubmit, page, s.csrf)
	e.POST("/profile/reminders", s.handleRemindersSubmit, page, s.csrf)
	// The iCalendar feeds: the secret token in the path is the key; no session.
	e.GET("/calendar/:file", s.handleCalendarFeed)
	e.GET("/groups", s.handleGroupsPage, page)
	e.POST("/groups", s.handleCreateGroupPage, page, s.csrf)
	e.GET("/groups/:id", s.handleGroupPage, page)
	e.POST("/groups/:id/:action", s.handleGroupAction, page, s.csrf)
	e.POST("/units/:code/attendee", s.handleNameAttendeePage, page, s.csrf)
	e.POST("/units/:code/attendance", s.handleRecordAttendancePage, page, s.csrf)

	// JSON API. Only login and the OpenAPI document are public.
	v1 := e.Group("/api/v1")
	v1.GET("/openapi.yaml", s.handleOpenAPI)
	v1.POST("/login", s.handleLogin)
	v1.POST("/logout", s.handleLogout, api)
	v1.GET("/me", s.handleMe, api)
	v1.GET("/me/units", s.handleMyUnitsAPI, api)
	v1.GET("/unit-kinds", s.handleUnitKinds, api)
	v1.GET("/units", s.handleSearchUnits, api)
	v1.POST("/units", s.handleCreateUnit, api)
	v1.GET("/units/:code", s.handleUnit, api)
	v1.PATCH("/units/:code", s.handleUpdateUnit, api)
	v1.GET("/units/:code/children", s.handleChildren, api)
	v1.GET("/units/:code/list", s.handleUnitListAPI, api)
	v1.GET("/units/:code/subtree", s.handleSubtree, api)
	v1.GET("/units/:code/history", s.handleHistory, api)
	v1.POST("/units/:code/move", s.handleMoveUnit, api)
	v1.POST("/units/:code/merge", s.handleMergeUnits, api)

	// Congress round: rounds and deadlines, each unit's congress,
	// pilots, milestones and approvals, results, and the round's audit log.
	// ?round=ID everywhere under a unit; the current round when absent.
	v1.GET("/rounds", s.handleRounds, api)
	v1.GET("/rounds/:id", s.handleRound, api)
	v1.POST("/rounds/:id/deadlines", s.handleSetDeadlineRule, api)
	v1.GET("/rounds/:id/deadlines/history", s.handleDeadlineHistory, api)
	v1.PUT("/units/:code/deadline", s.handleSetUnitDeadline, api)
	v1.GET("/units/:code/congress", s.handleCongress, api)
	v1.GET("/units/:code/overview", s.handleUnitOverview, api)
	v1.PATCH("/units/:code/congress", s.handleUpdateCongress, api)
	v1.POST("/congresses/held", s.handleHoldCongresses, api)
	v1.PUT("/units/:code/pilot", s.handleSetPilot, api)
	v1.GET("/units/:code/pilots", s.handlePilots, api)
	v1.GET("/units/:code/milestones", s.handleMilestones, api)
	v1.POST("/units/:code/milestones/:milestone", s.handleTickMilestone, api)
	v1.DELETE("/units/:code/milestones/:milestone", s.handleUntickMilestone, api)
	v1.GET("/units/:code/results", s.handleResults, api)
	v1.PUT("/units/:code/results", s.handleSetResults, api)
	v1.GET("/units/:code/audit", s.handleRoundAudit, api)

	// Papers of a congress: listed, attached (multipart, within
	// papers.max_size_mb in place of the body limit), downloaded by
	// version, deleted with a reason; the held congresses below a unit
	// missing papers; the papers a round requires of each unit kind.
	v1.GET("/units/:code/papers", s.handlePapers, api)
	v1.POST("/units/:code/papers", s.handleAttachPaper, api, s.paperUploadAPI)
	v1.GET("/units/:code/papers/:id/file", s.handlePaperFile, api)
	v1.DELETE("/units/:code/papers/:id", s.handleDeletePaper, api)
	v1.GET("/units/:code/missing-papers", s.handleMissingPapers, api)
	v1.GET("/rounds/:id/required-papers", s.handleRequiredPapers, api)
	v1.PUT("/rounds/:id/required-papers", s.handleSetRequiredPapers, api)
	v1.GET("/units/:code/documents/:doc", s.handleDocument, api)

	// Composition of the committees elected: a subtree's figures against
	// the round's targets (set like deadline rules) and the units' plans.
	v1.GET("/units/:code/composition", s.handleComposition, api)
	v1.PUT("/units/:code/composition/plan", s.handleSetCompositionPlan, api)
	v1.GET("/rounds/:id/composition-targets", s.handleCompositionTargets, api)
	v1.POST("/rounds/:id/composition-targets", s.handleSetCompositionTarget, api)

	// Working groups: a unit's groups side by side, each group's page, its
	// members and the units it follows (a unit moves between groups by
	// assigning it), who attends each congress and their record.
	v1.GET("/units/:code/groups", s.handleUnitGroups, api)
	v1.POST("/groups", s.handleCreateGroup, api)
	v1.GET("/groups/:id", s.handleGroup, api)
	v1.PATCH("/groups/:id", s.handleRenameGroup, api)
	v1.PUT("/groups/:id/members/:username", s.handleAddGroupMember, api)
	v1.DELETE("/groups/:id/members/:username", s.handleRemoveGroupMember, api)
	v1.PUT("/groups/:id/units/:code", s.handleAssignGroupUnit, api)
	v1.DELETE("/groups/:id/units/:code", s.handleUnassignGroupUnit, api)
	v1.PUT("/units/:code/attendee", s.handleNameAttendee, api)
	v1.PUT("/units/:code/attendance", s.handleRecordAttendance, api)
	v1.GET("/me/attendances", s.handleMyAttendances, api)
	v1.GET("/me/groups", s.handleMyGroups, api)

	// Progress, flags and jobs: progress at any day from the
	// rollups and snapshots, the late/overdue/at-risk flags, and the
	// scheduled jobs (listed by the board, run by hand by a root admin).
	v1.GET("/units/:code/progress", s.handleProgress, api)
	v1.GET("/units/:code/progress/children", s.handleProgressChildren, api)
	v1.GET("/units/:code/flags", s.handleFlags, api)
	v1.GET("/jobs", s.handleJobs, api)

	// Weekly reports: a unit's archive, making one, each report as JSON or
	// a file (?format=html|xlsx|csv|pdf), two weeks compared, its e-mails,
	// and the caller's subscription to the unit's report.
	v1.GET("/units/:code/reports", s.handleReports, api)
	v1.POST("/units/:code/reports", s.handleMakeReport, api)
	v1.GET("/units/:code/reports/compare", s.handleCompareReports, api)
	v1.GET("/units/:code/reports/subscription", s.handleReportSubscription, api)
	v1.PUT("/units/:code/reports/subscription", s.handleSetReportSubscription, api)
	v1.GET("/units/:code/reports/:week", s.handleReport, api)
	v1.GET("/units/:code/reports/:week/mails", s.handleReportMails, api)
	v1.POST("/jobs/:name/run", s.handleRunJob, api)

	// The calendar of a subtree or a working group (congresses and training
	// sessions, with conflicts), and the training sessions.
	v1.GET("/units/:code/calendar", s.handleCalendar, api)
	v1.GET("/groups/:id/calendar", s.handleGroupCalendar, api)
	v1.GET("/units/:code/sessions", s.handleSessions, api)
	v1.POST("/units/:code/sessions", s.handleCreateSession, api)
	v1.GET("/sessions/:id", s.handleSession, api)
	v1.PUT("/sessions/:id", s.handleUpdateSession, api)
	v1.POST("/sessions/:id/cancel", s.handleCancelSession, api)
	v1.GET("/me/notices", s.handleNotices, api)
	v1.POST("/me/calendar-feed", s.handleCreateFeed, api)
	v1.DELETE("/me/calendar-feed", s.handleRevokeFeed, api)
	v1.PUT("/me/reminders", s.handleSetReminders, api)
}

// compressed reports whether the answer to c is compressed already, or is
// not worth compressing: the XLSX, DOCX and PDF downloads (zip files, a
// deflated PDF), the papers' files (PDF, JPEG, PNG, DOCX), and the answers
// to PATCH, PUT and DELETE (one record at most, when preparing a
// compressor alone costs more than sending them as they are); the progress
// figures are compressed by sendFigures, once for all their readers.
func compressed(c echo.Context) bool {
	if isFigures(c) {
		return true
	}
	p := c.Request().URL.Path
	switch c.Request().Method {
	case http.MethodPatch, http.MethodPut, http.MethodDelete:
		return true
	}
	switch f := c.QueryParam("format"); {
	case strings.HasSuffix(p, ".xlsx"), strings.HasSuffix(p, ".pdf"), f == "xlsx", f == "pdf", f == "docx":
		return true
	case strings.Contains(p, "/papers/") && strings.HasSuffix(p, "/file"):
		return true
	}
	return false
}

// secureConfig sets the security headers of every response.
func (s *Server) secureConfig() middleware.SecureConfig {
	c := middleware.SecureConfig{
		XSSProtection:         "0", // the legacy XSS auditor is off; the CSP protects
		ContentTypeNosniff:    "nosniff",
		XFrameOptions:         "DENY",
		ReferrerPolicy:        "strict-origin-when-cross-origin",
		ContentSecurityPolicy: "default-src 'self'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'; object-src 'none'",
	}
	if s.opts.CookieSecure {
		c.HSTSMaxAge = 365 * 24 * 3600 // sent on TLS requests only
	}
	return c
}

// Route lists the method and path of one registered route.
type Route struct {
	Method, Path string
}

// Routes lists the registered routes in Echo's path syntax (":code"),
// without Echo's internal not-found routes.
func (s *Server) Routes() []Route {
	var out []Route
	for _, r := range s.echo.Routes() {
		if r.Method == echo.RouteNotFound {
			continue
		}
		out = append(out, Route{Method: r.Method, Path: r.Path})
	}
	return out
}
