package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/daihoi/daihoi/internal/core"
	"github.com/daihoi/daihoi/internal/domain"
)

// The calendar of congresses and training sessions, the sessions
// themselves, and the iCalendar feeds.

// calendarInput reads a calendar's range and filters from the query.
func calendarInput(c echo.Context) core.CalendarInput {
	return core.CalendarInput{From: c.QueryParam("from"), To: c.QueryParam("to"), Kind: c.QueryParam("kind"), Group: c.QueryParam("group")}
}

// handleCalendar returns the calendar of a unit's subtree: ?from, ?to
// (default: this month), ?kind (congress or session), ?group (a working
// group's units).
func (s *Server) handleCalendar(c echo.Context) error {
	code, err := codeParam(c)
	if err != nil {
		return err
	}
	cal, err := s.svc.Calendar(c.Request().Context(), principal(c), code, calendarInput(c))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, cal)
}

// handleGroupCalendar returns the calendar of the units a working group follows.
func (s *Server) handleGroupCalendar(c echo.Context) error {
	id, err := groupPathID(c)
	if err != nil {
		return err
	}
	cal, err := s.svc.GroupCalendar(c.Request().Context(), principal(c), id, calendarInput(c))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, cal)
}

// sessionPathID reads the id of a training session in the path.
func sessionPathID(c echo.Context) (int64, error) {
	raw := c.Param("id")
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id <= 0 {
		return 0, domain.NotFound(domain.Text{VI: "Buổi tập huấn", EN: "Training session"}, domain.ShowText(raw, 40))
	}
	return id, nil
}

// handleSessions lists the training sessions held by the units of a unit's subtree.
func (s *Server) handleSessions(c echo.Context) error {
	code, err := codeParam(c)
	if err != nil {
		return err
	}
	list, err := s.svc.TrainingSessions(c.Request().Context(), principal(c), code)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, list)
}

// handleCreateSession records a training session held by a unit.
func (s *Server) handleCreateSession(c echo.Context) error {
	code, err := codeParam(c)
	if err != nil {
		return err
	}
	var in domain.SessionInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	t, err := s.svc.CreateTrainingSession(c.Request().Context(), principal(c), code, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, t)
}

// handleSession returns one training session.
func (s *Server) handleSession(c echo.Context) error {
	id, err := sessionPathID(c)
	if err != nil {
		return err
	}
	t, err := s.svc.TrainingSession(c.Request().Context(), principal(c), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, t)
}

// handleUpdateSession replaces a training session's fields (version checked).
func (s *Server) handleUpdateSession(c echo.Context) error {
	id, err := sessionPathID(c)
	if err != nil {
		return err
	}
	var in domain.SessionInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	t, err := s.svc.UpdateTrainingSession(c.Request().Context(), principal(c), id, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, t)
}

// sessionCancel is the body of a session's cancellation.
type sessionCancel struct {
	Version int `json:"version" input:"required"`
}

// handleCancelSession calls a training session off (version checked).
func (s *Server) handleCancelSession(c echo.Context) error {
	id, err := sessionPathID(c)
	if err != nil {
		return err
	}
	var in sessionCancel
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	t, err := s.svc.CancelTrainingSession(c.Request().Context(), principal(c), id, in.Version)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, t)
}

// handleCalendarFeed serves a user's iCalendar feed at /calendar/{token}.ics,
// without a session: the secret token is the key. A revoked or unknown
// token is not found.
func (s *Server) handleCalendarFeed(c echo.Context) error {
	tok, ok := strings.CutSuffix(c.Param("file"), ".ics")
	if !ok {
		return echo.ErrNotFound
	}
	b, err := s.svc.CalendarFeed(c.Request().Context(), tok)
	if domain.IsCode(err, domain.ENotFound) {
		return echo.ErrNotFound
	}
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderCacheControl, "private, max-age=300")
	c.Response().Header().Set("X-Robots-Tag", "noindex")
	return c.Blob(http.StatusOK, "text/calendar; charset=utf-8", b)
}

// noticesBody is the caller's settings of the calendar feed and reminders,
// with the address of a feed just made (shown once).
type noticesBody struct {
	domain.Notices
	FeedURL string `json:"feed_url,omitempty"`
}

// handleNotices returns the caller's settings of the calendar feed and reminders.
func (s *Server) handleNotices(c echo.Context) error {
	n, err := s.svc.Notices(c.Request().Context(), principal(c))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, noticesBody{Notices: n})
}

// handleCreateFeed makes the caller a new calendar feed (the old one stops
// working) and returns its address, once.
func (s *Server) handleCreateFeed(c echo.Context) error {
	ctx := c.Request().Context()
	tok, err := s.svc.CreateCalendarFeed(ctx, principal(c))
	if err != nil {
		return err
	}
	n, err := s.svc.Notices(ctx, principal(c))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, noticesBody{Notices: n, FeedURL: s.opts.BaseURL + "/calendar/" + tok + ".ics"})
}

// handleRevokeFeed revokes the caller's calendar feed.
func (s *Server) handleRevokeFeed(c echo.Context) error {
	if err := s.svc.RevokeCalendarFeed(c.Request().Context(), principal(c)); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// remindersInput turns the daily reminders on or off.
type remindersInput struct {
	On *bool `json:"on" input:"required"`
}

// handleSetReminders turns the caller's daily reminders on or off.
func (s *Server) handleSetReminders(c echo.Context) error {
	var in remindersInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	ctx := c.Request().Context()
	if in.On == nil {
		return domain.Invalid("on", "Cần bật (true) hoặc tắt (false)", "on (true or false) is required")
	}
	if err := s.svc.SetReminders(ctx, principal(c), *in.On); err != nil {
		return err
	}
	return s.handleNotices(c)
}
