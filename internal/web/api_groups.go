package web

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/daihoi/daihoi/internal/domain"
)

// Working groups through the API: a unit's groups side by side, a group's
// page, forming and renaming a group, its members and the units it
// follows, and who attends each congress with their record.

// groupPathID reads the :id of a working group.
func groupPathID(c echo.Context) (int64, error) {
	raw := c.Param("id")
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id <= 0 {
		return 0, domain.NotFound(domain.WorkGroupText, domain.ShowText(raw, 40))
	}
	return id, nil
}

// handleUnitGroups lists the working groups a unit's board runs, with their figures.
func (s *Server) handleUnitGroups(c echo.Context) error {
	code, err := codeParam(c)
	if err != nil {
		return err
	}
	b, err := s.svc.WorkGroups(c.Request().Context(), principal(c), code)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, b)
}

// handleCreateGroup forms a working group.
func (s *Server) handleCreateGroup(c echo.Context) error {
	var in domain.GroupInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	g, err := s.svc.CreateWorkGroup(c.Request().Context(), principal(c), in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, g)
}

// handleGroup returns a working group's page.
func (s *Server) handleGroup(c echo.Context) error {
	id, err := groupPathID(c)
	if err != nil {
		return err
	}
	p, err := s.svc.WorkGroupPage(c.Request().Context(), principal(c), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, p)
}

// groupRename is the body of PATCH /groups/{id}.
type groupRename struct {
	Name string `json:"name"`
}

// handleRenameGroup renames a working group.
func (s *Server) handleRenameGroup(c echo.Context) error {
	id, err := groupPathID(c)
	if err != nil {
		return err
	}
	var in groupRename
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	g, err := s.svc.RenameWorkGroup(c.Request().Context(), principal(c), id, in.Name)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, g)
}

// groupMemberInput is the body of PUT /groups/{id}/members/{username}.
type groupMemberInput struct {
	// Leader: true makes the leader, false a member only; absent keeps the
	// place of a member already there.
	Leader *bool `json:"leader"`
}

// handleAddGroupMember makes a user a member (or the leader) of a group.
func (s *Server) handleAddGroupMember(c echo.Context) error {
	id, err := groupPathID(c)
	if err != nil {
		return err
	}
	var in groupMemberInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	g, err := s.svc.AddWorkGroupMember(c.Request().Context(), principal(c), id, c.Param("username"), in.Leader)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, g)
}

// handleRemoveGroupMember takes a user out of a group.
func (s *Server) handleRemoveGroupMember(c echo.Context) error {
	id, err := groupPathID(c)
	if err != nil {
		return err
	}
	g, err := s.svc.RemoveWorkGroupMember(c.Request().Context(), principal(c), id, c.Param("username"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, g)
}

// handleAssignGroupUnit makes a group follow a unit (moving it from another group).
func (s *Server) handleAssignGroupUnit(c echo.Context) error {
	id, err := groupPathID(c)
	if err != nil {
		return err
	}
	code, err := codeParam(c)
	if err != nil {
		return err
	}
	g, err := s.svc.AssignWorkGroupUnit(c.Request().Context(), principal(c), id, code)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, g)
}

// handleUnassignGroupUnit stops a group following a unit.
func (s *Server) handleUnassignGroupUnit(c echo.Context) error {
	id, err := groupPathID(c)
	if err != nil {
		return err
	}
	code, err := codeParam(c)
	if err != nil {
		return err
	}
	g, err := s.svc.UnassignWorkGroupUnit(c.Request().Context(), principal(c), id, code)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, g)
}

// attendeeInput is the body of PUT /units/{code}/attendee.
type attendeeInput struct {
	Username string `json:"username"`
}

// handleNameAttendee names who from the following group attends a unit's congress.
func (s *Server) handleNameAttendee(c echo.Context) error {
	code, err := codeParam(c)
	if err != nil {
		return err
	}
	var in attendeeInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	a, err := s.svc.NameAttendee(c.Request().Context(), principal(c), code, in.Username)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, a)
}

// handleRecordAttendance records the attendee's attendance and note.
func (s *Server) handleRecordAttendance(c echo.Context) error {
	code, err := codeParam(c)
	if err != nil {
		return err
	}
	var in domain.AttendanceInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	a, err := s.svc.RecordAttendance(c.Request().Context(), principal(c), code, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, a)
}

// handleMyAttendances lists the congresses the caller is named to attend.
func (s *Server) handleMyAttendances(c echo.Context) error {
	list, err := s.svc.MyAttendances(c.Request().Context(), principal(c))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, list)
}

// handleMyGroups lists the working groups the caller is a member of.
func (s *Server) handleMyGroups(c echo.Context) error {
	list, err := s.svc.MyWorkGroups(c.Request().Context(), principal(c))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, list)
}
