package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/daihoi/daihoi/internal/core"
	"github.com/daihoi/daihoi/internal/domain"
)

// The unit page: where the unit stands in the tree, its congress in the
// current round, the units below with their progress, its milestones, its
// results, its open flags and the round's changes recorded on it. All of it
// through the services, which show nothing outside the caller's scope.

type unitMilestone struct {
	Code, Name, Due, Done, By string
	// Overdue: due and not done; Moot: it prepared a congress now held.
	Overdue, Moot bool
	// Tickable: not done, ticked by a person (not an event), and the caller
	// may: a secretary of the unit or above, or for an approval a board
	// user of an ancestor.
	Tickable bool
}

type unitElected struct{ Name, Votes, Person string }

type unitResults struct {
	Size, Women, DelegatesElected int
	WomenShare, Secretary         string
	Elected                       []unitElected
	// Composition sums up the committee entered (for every reader).
	Composition string
}

type unitAudit struct{ Action, User, At, Reason string }

type resultsForm struct {
	Version, Size, Women, Delegates int
	Secretary                       string
	People                          []domain.ElectedInput
	Positions                       []choice // codes and names in the page's language
}

// formRows is how many rows of elected people the results form offers at
// least (blank ones are ignored).
const formRows = 5

type unitPage struct {
	Code, Name                          string
	Ancestors                           []domain.Unit
	Round                               bool
	StatusID                            string
	LateDays                            int
	Deadline, Planned, Held             string
	DelegatesExpected, DelegatesPresent string
	Pilot                               bool
	Lessons                             string
	Children                            []dashChild
	TodayISO                            string
	// MayManage: a board user of a unit above, who may mark the pilot and
	// change the unit's deadline.
	MayManage   bool
	Version     int
	DeadlineISO string
	// ResultsForm is set when the congress is held and the caller may
	// enter its results.
	ResultsForm *resultsForm
	Milestones  []unitMilestone
	Results     *unitResults
	Flags       []string
	Audit       []unitAudit
	// Composition of the committees elected in the subtree.
	Composition *compositionView
	// Papers of the congress, and the held congresses below missing papers.
	Papers        *papersView
	MissingPapers []missingRow
}

func itoa(n *int) string {
	if n == nil {
		return ""
	}
	return strconv.Itoa(*n)
}

// handleUnitPage shows the unit with :code.
func (s *Server) handleUnitPage(c echo.Context) error {
	p, err := s.sessionUser(c)
	if err != nil || p == nil {
		return s.signInFirst(c, err)
	}
	ctx := c.Request().Context()
	code, err := codeParam(c)
	if err != nil {
		return err
	}
	u, err := s.svc.Unit(ctx, *p, code)
	if err != nil {
		return err
	}
	lang := pageLang(c, &p.User)
	d := unitPage{Code: u.Code, Name: u.Name}
	if d.Ancestors, err = s.svc.Ancestors(ctx, *p, code); err != nil {
		return err
	}
	cg, err := s.svc.Congress(ctx, *p, code, 0)
	if domain.IsCode(err, domain.ENotFound) {
		return s.page(c, http.StatusOK, "unit.html", &p.User, d) // no current round, or none for this unit
	}
	if err != nil {
		return err
	}
	today := domain.TodayDay(s.svc.Clock())
	d.Round, d.StatusID, d.LateDays = true, "status_"+string(cg.Status), cg.DaysOverdue
	d.Deadline, d.Planned, d.Held = vi(cg.Deadline), vi(cg.PlannedDate), vi(cg.HeldDate)
	d.DelegatesExpected, d.DelegatesPresent = itoa(cg.DelegatesExpected), itoa(cg.DelegatesPresent)
	d.Pilot, d.Lessons = cg.IsPilot, cg.LessonsLearned

	ch, err := s.svc.ProgressChildren(ctx, *p, code, 0, "")
	if err != nil {
		return err
	}
	d.Children = childRows(ch, lang)
	ms, err := s.svc.Milestones(ctx, *p, code, 0)
	if err != nil {
		return err
	}
	d.TodayISO = today.String()
	d.Version, d.DeadlineISO = cg.Version, iso(cg.DeadlineOverride)
	mayUpdate := p.Can(domain.ActUpdate, u.Path)
	mayApprove := p.System
	if i := strings.LastIndexByte(u.Path, '.'); i > 0 {
		mayApprove = mayApprove || p.Can(domain.ActManage, u.Path[:i])
	}
	d.MayManage = mayApprove
	for _, m := range ms {
		name := m.NameVI
		if lang == "en" {
			name = m.NameEN
		}
		tickable := m.DoneOn == nil && m.Auto == "" && ((m.RequiresApproval && mayApprove) || (!m.RequiresApproval && mayUpdate))
		d.Milestones = append(d.Milestones, unitMilestone{Code: m.Code, Name: name, Due: vi(m.DueDate), Done: vi(m.DoneOn),
			By: m.DoneBy, Overdue: m.Overdue, Moot: m.Moot, Tickable: tickable})
	}
	r, rerr := s.svc.Results(ctx, *p, code, 0)
	if cg.Status.Held() && mayUpdate {
		rf := &resultsForm{}
		if rerr == nil {
			rf.Version, rf.Size, rf.Women, rf.Delegates, rf.Secretary = r.Version, r.CommitteeSize, r.CommitteeWomen, r.DelegatesElected, r.SecretaryName
			for _, e := range r.Elected {
				rf.People = append(rf.People, e.Input())
			}
		}
		for _, pos := range domain.Positions {
			rf.Positions = append(rf.Positions, choice{Code: pos.Code, Name: pos.Name.In(lang)})
		}
		rows := max(formRows, len(rf.People)+2)
		for len(rf.People) < rows {
			rf.People = append(rf.People, domain.ElectedInput{})
		}
		d.ResultsForm = rf
	}
	if err := rerr; err == nil {
		ur := &unitResults{Size: r.CommitteeSize, Women: r.CommitteeWomen, DelegatesElected: r.DelegatesElected, Secretary: r.SecretaryName}
		if r.WomenShare != nil {
			ur.WomenShare = percentIn(*r.WomenShare, lang)
		}
		for _, e := range r.Elected {
			votes := fmt.Sprintf("%d/%d/%d", e.VotesFor, e.ValidBallots, e.DelegatesPresent)
			if e.Percent != nil {
				votes += " = " + percentIn(*e.Percent, lang)
			}
			ur.Elected = append(ur.Elected, unitElected{Name: e.FullName, Votes: votes, Person: s.personText(c, &p.User, e, r.Personal)})
		}
		ur.Composition = s.compositionText(c, &p.User, r.Composition)
		d.Results = ur
	} else if !domain.IsCode(err, domain.ENotFound) {
		return err
	}
	if d.Composition, err = s.compositionView(c, *p, u, lang); err != nil {
		return err
	}
	if d.Papers, err = s.unitPapers(c, *p, u, cg, lang); err != nil {
		return err
	}
	if d.MissingPapers, err = s.missingPapers(ctx, *p, code, lang, missingPapersShown); err != nil {
		return err
	}
	fl, err := s.svc.Flags(ctx, *p, code, 0, domain.FlagQuery{State: domain.FlagOpen})
	if err != nil {
		return err
	}
	for _, f := range fl.Flags {
		text := f.KindName.In(lang)
		if f.Milestone != nil {
			text += ": " + f.Milestone.Name.In(lang)
		}
		if f.DaysOverdue > 0 {
			text += " · " + s.text(c, &p.User, "late_days", map[string]any{"Days": f.DaysOverdue})
		}
		d.Flags = append(d.Flags, text)
	}
	audit, err := s.svc.RoundAudit(ctx, *p, code, 0, false, 20)
	if err != nil {
		return err
	}
	d.Audit = auditRows(audit)
	return s.page(c, http.StatusOK, "unit.html", &p.User, d)
}

// percentIn is a percent as the language writes it.
func percentIn(p domain.Percent, lang string) string { return p.In(lang) }

// handleTickMilestonePage records a milestone of the unit as done on the form's
// day, and goes back to the unit page with what happened (the service's
// refusal, in the user's language, or what was recorded).
func (s *Server) handleTickMilestonePage(c echo.Context) error {
	p, err := s.sessionUser(c)
	if err != nil || p == nil {
		return s.signInFirst(c, err)
	}
	code, err := codeParam(c)
	if err != nil {
		return err
	}
	m, err := s.svc.TickMilestone(c.Request().Context(), *p, code, 0, c.Param("milestone"),
		domain.MilestoneInput{DoneOn: strings.TrimSpace(c.FormValue("done_on"))})
	name := m.NameVI
	if pageLang(c, &p.User) == "en" {
		name = m.NameEN
	}
	return s.afterAction(c, &p.User, err, s.text(c, &p.User, "milestone_saved", map[string]any{"Name": name}), "/units/"+code)
}

// handleUnitManage marks or unmarks the unit as a pilot congress
// (:what = pilot) or changes its deadline with a reason (:what = deadline),
// as a board user of a unit above, and goes back to the unit page.
func (s *Server) handleUnitManage(c echo.Context) error {
	p, err := s.sessionUser(c)
	if err != nil || p == nil {
		return s.signInFirst(c, err)
	}
	ctx := c.Request().Context()
	code, err := codeParam(c)
	if err != nil {
		return err
	}
	switch c.Param("what") {
	case "pilot":
		_, err = s.svc.SetPilot(ctx, *p, code, 0, c.FormValue("pilot") == "true")
	case "results":
		_, err = s.svc.SetResults(ctx, *p, code, 0, resultsInput(c))
		if err == nil {
			return s.afterAction(c, &p.User, nil, s.text(c, &p.User, "results_saved", nil), "/units/"+code)
		}
	case "deadline":
		version, _ := strconv.Atoi(c.FormValue("version"))
		_, err = s.svc.SetUnitDeadline(ctx, *p, code, 0, core.UnitDeadlineInput{Deadline: strings.TrimSpace(c.FormValue("deadline")),
			Reason: c.FormValue("reason"), Version: version})
	default:
		return echo.ErrNotFound
	}
	return s.afterAction(c, &p.User, err, s.text(c, &p.User, "admin_done", nil), "/units/"+code)
}

// resultsInput reads the results form: the rows of elected people with a
// name (a number that is not one becomes -1, which the rules refuse with
// their message).
func resultsInput(c echo.Context) domain.ResultsInput {
	num := func(v string) int {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil {
			return -1
		}
		return n
	}
	form, _ := c.FormParams()
	in := domain.ResultsInput{CommitteeSize: num(c.FormValue("committee_size")), CommitteeWomen: num(c.FormValue("committee_women")),
		SecretaryName: c.FormValue("secretary_name"), Version: num(c.FormValue("version"))}
	if v := strings.TrimSpace(c.FormValue("delegates_elected")); v != "" {
		in.DelegatesElected = num(v)
	}
	names, at := form["full_name"], func(key string, i int) string {
		if vs := form[key]; i < len(vs) {
			return vs[i]
		}
		return ""
	}
	for i, name := range names {
		if strings.TrimSpace(name) == "" {
			continue
		}
		born := 0
		if v := strings.TrimSpace(at("birth_year", i)); v != "" {
			born = num(v)
		}
		in.Elected = append(in.Elected, domain.ElectedInput{Position: at("position", i), FullName: name,
			IsWoman: c.FormValue("is_woman_"+strconv.Itoa(i)) == "1", VotesFor: num(at("votes_for", i)),
			ValidBallots: num(at("valid_ballots", i)), DelegatesPresent: num(at("delegates_present", i)), BirthYear: born,
			EthnicMinority: c.FormValue("ethnic_minority_"+strconv.Itoa(i)) == "1", Reelected: c.FormValue("re_elected_"+strconv.Itoa(i)) == "1"})
	}
	return in
}

// auditRows are audit entries as the pages show them, times in Asia/Ho_Chi_Minh.
func auditRows(entries []domain.AuditEntry) []unitAudit {
	out := make([]unitAudit, 0, len(entries))
	for _, a := range entries {
		out = append(out, unitAudit{Action: a.Action, User: a.Username,
			At: a.At.In(domain.Location).Format("02/01/2006 15:04"), Reason: a.Reason})
	}
	return out
}
