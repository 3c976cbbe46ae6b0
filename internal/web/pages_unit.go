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
// current round, the units below with their progress, its milestones, the
// approvals of the units below that wait for the caller, its results, its
// open flags and the round's changes recorded on it. It comes whole from
// core.UnitPage with what the caller may do; this file only renders it and
// reads its forms. A refused form comes back as typed, each refusal beside
// its field.

type unitMilestone struct {
	core.MilestoneItem
	Name, Due, Done string
	// Form is the milestone's form as typed when it was refused.
	Form *formState
}

type unitElected struct{ Name, Votes, Person string }

type unitResults struct {
	Size, Women, DelegatesElected int
	WomenShare, Secretary         string
	Elected                       []unitElected
	// Composition sums up the committee entered (for every reader).
	Composition string
}

type unitAudit struct{ Summary, User, At, Reason string }

// personRow is one person of the results form, as typed or as recorded.
type personRow struct {
	Position, FullName, VotesFor, ValidBallots, Present, BirthYear string
	IsWoman, EthnicMinority, Reelected                             bool
}

type resultsForm struct {
	Version                    int
	Size, Secretary, Delegates string
	People                     []personRow
	Positions                  []choice // codes and names in the page's language
	// Women counts the women on the committee among the people entered.
	Women int
	Form  *formState
}

// formRows is how many rows of elected people the results form offers at
// least (blank ones are ignored).
const formRows = 5

type unitPage struct {
	core.UnitPage
	Round                   bool
	LateDays                int
	Deadline, Planned, Held string
	Delegates               string
	Children                []dashChild
	// Lists are the lists of the units below (Code: the address).
	Lists      []choice
	Milestones []unitMilestone
	// ApproverMissing: an approval of the unit is not given and the caller
	// may not give it; the page says who must.
	ApproverMissing bool
	Waiting         []waitingUnit
	// WaitingForm is a refused approval of the list, WaitingForm.Other its refusal.
	WaitingForm *formState
	// ResultsForm is set when the congress is held and the caller may
	// enter its results.
	ResultsForm *resultsForm
	Results     *unitResults
	Flags       []string
	Audit       []unitAudit
	// Override is the unit's own deadline (dd/mm/yyyy), DeadlineForm the
	// form changing it as typed when it was refused.
	Override     string
	DeadlineForm *formState
	// Composition of the committees elected in the subtree.
	Composition *compositionView
	// Papers of the congress, and the held congresses below missing papers.
	Papers        *papersView
	MissingPapers missingView
}

// unitForm is the refused form a unit page shows again: which one, and as
// typed.
type unitForm struct {
	// Which names the form: "milestone:<code>", "results" or "deadline".
	Which string
	State *formState
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
	code, err := codeParam(c)
	if err != nil {
		return err
	}
	return s.unitPage(c, *p, code, http.StatusOK, unitForm{})
}

// unitPage renders the page of the unit with code with status; form, when
// set, is shown again as typed.
func (s *Server) unitPage(c echo.Context, p domain.Principal, code string, status int, form unitForm) error {
	u, err := s.svc.UnitPage(c.Request().Context(), p, code)
	if err != nil {
		return err
	}
	lang := pageLang(c, &p.User)
	d := unitPage{UnitPage: u}
	if u.Congress == nil {
		return s.page(c, status, "unit.html", &p.User, d)
	}
	cg := u.Congress
	d.Round, d.LateDays = true, cg.DaysOverdue
	d.Deadline, d.Planned, d.Held = vi(cg.Deadline), vi(cg.PlannedDate), vi(cg.HeldDate)
	d.Delegates = itoa(cg.DelegatesExpected) + " / " + itoa(cg.DelegatesPresent)
	if d.Delegates == " / " {
		d.Delegates = ""
	}
	d.Override = vi(cg.DeadlineOverride)
	if form.Which == "deadline" {
		d.DeadlineForm = form.State
	}
	d.Children = childRows(u.Children, u.Unit.Code, lang)
	if len(d.Children) > 0 {
		for _, k := range domain.UnitListKinds {
			d.Lists = append(d.Lists, choice{Code: countListURL(u.Unit.Code, k, "", ""), Name: k.Name().In(lang)})
		}
	}
	d.Waiting = waitingUnits(u.Waiting, nil)
	if form.Which == "waiting" {
		d.WaitingForm = form.State
	}
	for _, m := range u.Milestones {
		it := unitMilestone{MilestoneItem: m, Name: domain.Text{VI: m.NameVI, EN: m.NameEN}.In(lang), Due: vi(m.DueDate), Done: vi(m.DoneOn)}
		if form.Which == "milestone:"+m.Code {
			it.Form = form.State
		}
		if m.RequiresApproval && m.DoneOn == nil && !m.Moot && !m.MayTick {
			d.ApproverMissing = true
		}
		d.Milestones = append(d.Milestones, it)
	}
	if cg.Status.Held() && u.May.Update {
		d.ResultsForm = resultsFormOf(u.Results, lang)
		if form.Which == "results" {
			d.ResultsForm.fromTyped(form.State)
		}
	}
	if r := u.Results; r != nil {
		ur := &unitResults{Size: r.CommitteeSize, Women: r.CommitteeWomen, DelegatesElected: r.DelegatesElected, Secretary: r.SecretaryName}
		if r.WomenShare != nil {
			ur.WomenShare = percentIn(*r.WomenShare, lang)
		}
		for _, e := range r.Elected {
			votes := s.text(c, &p.User, "unit_votes_of", map[string]any{"For": e.VotesFor, "Valid": e.ValidBallots, "Present": e.DelegatesPresent})
			if e.Percent != nil {
				votes = percentIn(*e.Percent, lang) + " · " + votes
			}
			ur.Elected = append(ur.Elected, unitElected{Name: e.FullName, Votes: votes, Person: s.personText(c, &p.User, e, r.Personal)})
		}
		ur.Composition = s.compositionText(c, &p.User, r.Composition)
		d.Results = ur
	}
	d.Composition = s.compositionViewOf(c, *u.Composition, u.Unit.Code, u.May.Plan, lang)
	d.Papers = s.papersViewOf(c, *u.Papers, u.Unit.Code, cg.Status.Held(), cg.Status.Held() && u.May.Update, lang)
	d.MissingPapers = missingViewOf(u.MissingPapers, u.MissingPapersTotal, lang)
	for _, f := range u.Flags {
		text := f.KindName.In(lang)
		if f.Milestone != nil {
			text += ": " + f.Milestone.Name.In(lang)
		}
		if f.DaysOverdue > 0 {
			text += " · " + s.text(c, &p.User, "late_days", map[string]any{"Count": f.DaysOverdue})
		}
		d.Flags = append(d.Flags, text)
	}
	d.Audit = auditRows(u.Audit, lang)
	return s.page(c, status, "unit.html", &p.User, d)
}

// resultsFormOf is the results form, filled with the results recorded
// (nil: none yet, and no field pre-filled).
func resultsFormOf(r *domain.Results, lang string) *resultsForm {
	rf := &resultsForm{}
	for _, pos := range domain.Positions {
		rf.Positions = append(rf.Positions, choice{Code: pos.Code, Name: pos.Name.In(lang)})
	}
	if r != nil {
		rf.Version, rf.Secretary = r.Version, r.SecretaryName
		rf.Size, rf.Delegates, rf.Women = strconv.Itoa(r.CommitteeSize), strconv.Itoa(r.DelegatesElected), r.CommitteeWomen
		for _, e := range r.Elected {
			row := personRow{Position: e.Position, FullName: e.FullName, IsWoman: e.IsWoman,
				VotesFor: strconv.Itoa(e.VotesFor), ValidBallots: strconv.Itoa(e.ValidBallots), Present: strconv.Itoa(e.DelegatesPresent),
				EthnicMinority: e.EthnicMinority, Reelected: e.Reelected}
			if e.BirthYear != nil {
				row.BirthYear = strconv.Itoa(*e.BirthYear)
			}
			rf.People = append(rf.People, row)
		}
	}
	rf.pad()
	return rf
}

// pad adds blank rows of people, at least formRows in all and two blank.
func (rf *resultsForm) pad() {
	rows := max(formRows, len(rf.People)+2)
	for len(rf.People) < rows {
		rf.People = append(rf.People, personRow{})
	}
}

// fromTyped puts the values of a refused results form back in it.
func (rf *resultsForm) fromTyped(f *formState) {
	rf.Form = f
	rf.Size, rf.Secretary, rf.Delegates = f.Value("committee_size"), f.Value("secretary_name"), f.Value("delegates_elected")
	rf.Version, _ = strconv.Atoi(f.Value("version"))
	rf.People = nil
	for i := 0; f.Values.Has(personField(i, "full_name")); i++ {
		field := func(name string) string { return f.Value(personField(i, name)) }
		ticked := func(name string) bool { on, _ := checkbox(name, field(name)); return on }
		rf.People = append(rf.People, personRow{Position: field("position"), FullName: field("full_name"),
			IsWoman: ticked("is_woman"), VotesFor: field("votes_for"), ValidBallots: field("valid_ballots"),
			Present: field("delegates_present"), BirthYear: field("birth_year"),
			EthnicMinority: ticked("ethnic_minority"), Reelected: ticked("re_elected")})
	}
	in, _, _ := resultsInput(f.Values)
	rf.Women = in.CommitteeWomen
	rf.pad()
}

// percentIn is a percent as the language writes it.
func percentIn(p domain.Percent, lang string) string { return p.In(lang) }

// handleTickMilestonePage records a milestone of the unit as done on the
// form's day (today when empty) and goes back to the page the form names
// (back: the unit's page by default; "My units" or the page of the unit
// above for an approval given in place), saying what was recorded. A
// refusal shows the unit's page again with the form as typed.
func (s *Server) handleTickMilestonePage(c echo.Context) error {
	p, err := s.sessionUser(c)
	if err != nil || p == nil {
		return s.signInFirst(c, err)
	}
	code, err := codeParam(c)
	if err != nil {
		return err
	}
	var untick bool
	switch c.FormValue("action") {
	case "":
	case "untick":
		untick = true
	default:
		return badRequest("action là untick hoặc để trống", "action is untick or left out")
	}
	var m domain.Milestone
	if untick {
		m, err = s.svc.UntickMilestone(c.Request().Context(), *p, code, 0, c.Param("milestone"))
	} else {
		m, err = s.svc.TickMilestone(c.Request().Context(), *p, code, 0, c.Param("milestone"),
			domain.MilestoneInput{DoneOn: strings.TrimSpace(c.FormValue("done_on"))})
	}
	if domain.IsCode(err, domain.EInvalid) {
		// The refusal shows where the form was: on the card of "My units",
		// on the list of approvals of the unit above, or beside the field.
		form, lang := typedForm(c), pageLang(c, &p.User)
		back := localPath(c.FormValue("back"), "")
		switch above, _ := strings.CutPrefix(back, "/units/"); {
		case strings.HasPrefix(back, "/my"):
			form.refuse(err, lang, []string{}, nil)
			return s.myPage(c, *p, http.StatusUnprocessableEntity, code, form)
		case above != back && above != code:
			form.refuse(err, lang, []string{}, nil)
			return s.unitPage(c, *p, above, http.StatusUnprocessableEntity, unitForm{Which: "waiting", State: form})
		}
		form.refuse(err, lang, []string{"done_on"}, nil)
		if untick {
			// The page may no longer offer the untick refused (it came from
			// a stale page): the reason goes at the top.
			s.flashError(c, strings.Join(append([]string{domain.AsError(err).Message.In(lang)}, form.Other...), " — "))
		}
		return s.unitPage(c, *p, code, http.StatusUnprocessableEntity, unitForm{Which: "milestone:" + c.Param("milestone"), State: form})
	}
	if err != nil {
		return err
	}
	name := domain.Text{VI: m.NameVI, EN: m.NameEN}.In(pageLang(c, &p.User))
	msg := "milestone_saved"
	if untick {
		msg = "milestone_unticked"
	}
	s.flash(c, s.text(c, &p.User, msg, map[string]any{"Name": name}))
	return c.Redirect(http.StatusSeeOther, localPath(c.FormValue("back"), "/units/"+code))
}

// handleUnitManage marks or unmarks the unit as a pilot congress
// (:what = pilot), changes its deadline with a reason (:what = deadline), as
// a board user of a unit above, or records its results (:what = results),
// and goes back to the unit page; a refused deadline or results form comes
// back as typed.
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
	lang := pageLang(c, &p.User)
	var done string
	switch what := c.Param("what"); what {
	case "pilot":
		var pilot bool
		if pilot, err = formBool(c, "pilot"); err == nil {
			_, err = s.svc.SetPilot(ctx, *p, code, 0, pilot)
		}
		done = s.text(c, &p.User, "admin_done", nil)
		return s.afterAction(c, &p.User, err, done, "/units/"+code)
	case "results":
		form, _ := c.FormParams()
		in, rowOf, boxes := resultsInput(form)
		if err = boxes.Err(); err == nil {
			_, err = s.svc.SetResults(ctx, *p, code, 0, in)
		}
		done = s.text(c, &p.User, "results_saved", nil)
		if domain.IsCode(err, domain.EInvalid) || domain.IsCode(err, domain.EConflict) {
			state := typedForm(c)
			state.refuse(err, lang, nil, func(fe domain.FieldError) string { return renamePerson(fe.Field, rowOf) })
			// The form is far down a long page: the top says it was refused.
			s.flashError(c, s.text(c, &p.User, "results_refused", nil))
			return s.unitPage(c, *p, code, http.StatusUnprocessableEntity, unitForm{Which: what, State: state})
		}
	case "deadline":
		version, _ := strconv.Atoi(c.FormValue("version"))
		_, err = s.svc.SetUnitDeadline(ctx, *p, code, 0, core.UnitDeadlineInput{Deadline: strings.TrimSpace(c.FormValue("deadline")),
			Reason: c.FormValue("reason"), Version: version})
		done = s.text(c, &p.User, "admin_done", nil)
		if domain.IsCode(err, domain.EInvalid) || domain.IsCode(err, domain.EConflict) {
			state := typedForm(c)
			state.refuse(err, lang, []string{"deadline", "reason"}, nil)
			return s.unitPage(c, *p, code, http.StatusUnprocessableEntity, unitForm{Which: what, State: state})
		}
	default:
		return echo.ErrNotFound
	}
	if err != nil {
		return err
	}
	s.flash(c, done)
	return c.Redirect(http.StatusSeeOther, "/units/"+code)
}

// personField names a field of the person on row i of the results form, as
// the rules name it ("elected[2].votes_for").
func personField(i int, name string) string { return fmt.Sprintf("elected[%d].%s", i, name) }

// renamePerson turns the field of a person entered (elected[k].x, k among
// the rows not blank) into the field of its row on the form.
func renamePerson(field string, rowOf []int) string {
	var k int
	var rest string
	if n, err := fmt.Sscanf(field, "elected[%d]", &k); n != 1 || err != nil || k < 0 || k >= len(rowOf) {
		return ""
	}
	if i := strings.IndexByte(field, '.'); i >= 0 {
		rest = field[i+1:]
	}
	return personField(rowOf[k], rest)
}

// resultsInput reads the results form: the rows of people that are not
// blank, and for each the row of the form it came from (a number that is
// not one becomes -1, which the rules refuse with their message), and the
// checkboxes of those rows that sent a value a checkbox does not send,
// named as the rules name a person's fields.
func resultsInput(form map[string][]string) (domain.ResultsInput, []int, domain.Validation) {
	get := func(key string) string {
		if vs := form[key]; len(vs) > 0 {
			return strings.TrimSpace(vs[0])
		}
		return ""
	}
	num := func(v string) int {
		n, err := strconv.Atoi(v)
		if err != nil {
			return -1
		}
		return n
	}
	in := domain.ResultsInput{CommitteeSize: num(get("committee_size")), SecretaryName: get("secretary_name"), Version: num(get("version"))}
	if v := get("delegates_elected"); v != "" {
		in.DelegatesElected = num(v)
	}
	var rowOf []int
	var boxes domain.Validation
	for i := 0; ; i++ {
		if _, ok := form[personField(i, "full_name")]; !ok {
			break
		}
		name, votes, valid, present, born := get(personField(i, "full_name")), get(personField(i, "votes_for")),
			get(personField(i, "valid_ballots")), get(personField(i, "delegates_present")), get(personField(i, "birth_year"))
		if name == "" && votes == "" && valid == "" && present == "" && born == "" {
			continue
		}
		k := len(rowOf)
		rowOf = append(rowOf, i)
		box := func(name string) bool {
			on, err := checkbox(name, get(personField(i, name)))
			if de := domain.AsError(err); de != nil {
				for _, f := range de.Fields {
					boxes.Fields = append(boxes.Fields, domain.FieldError{Field: personField(k, f.Field), Message: f.Message})
				}
			}
			return on
		}
		e := domain.ElectedInput{Position: get(personField(i, "position")), FullName: name,
			IsWoman: box("is_woman"), VotesFor: num(votes), ValidBallots: num(valid), DelegatesPresent: num(present),
			EthnicMinority: box("ethnic_minority"), Reelected: box("re_elected")}
		if born != "" { // not known: left blank
			e.BirthYear = num(born)
		}
		in.Elected = append(in.Elected, e)
	}
	in.CountWomen()
	return in, rowOf, boxes
}

// auditRows are audit entries as the pages show them: each a sentence in
// lang, times in Asia/Ho_Chi_Minh.
func auditRows(entries []domain.AuditEntry, lang string) []unitAudit {
	out := make([]unitAudit, 0, len(entries))
	for _, a := range entries {
		user := domain.ActorName(a.Username, lang)
		if a.FullName != "" && a.FullName != a.Username {
			user = a.FullName + " (" + a.Username + ")"
		}
		out = append(out, unitAudit{Summary: a.Summary.In(lang), User: user,
			At: a.At.In(domain.Location).Format("02/01/2006 15:04"), Reason: a.Reason})
	}
	return out
}
