package web

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/daihoi/daihoi/internal/domain"
	"github.com/daihoi/daihoi/internal/download"
	"github.com/daihoi/daihoi/internal/tablefile"
)

// The list of units behind a dashboard's count: /units/{code}/list?which=
// late|at_risk|planned|pilots|held|not_held, filtered by kind (or level:
// cells, grassroots), category, place (a unit below, and its subtree) and
// days overdue, sorted, paged; each unit with its place below the page's
// unit. It prints on A4, and downloads as CSV (comma, or semicolon for an
// Excel with Vietnamese regional settings) and XLSX with the place column:
// /units/{code}/list.csv, list.xlsx, same query (?sep=semicolon).

// listQueryOf reads a list asked for from the query string.
func listQueryOf(c echo.Context) domain.UnitListInput {
	q := c.QueryParam
	return domain.UnitListInput{Which: q("which"), Kind: q("kind"), Level: q("level"), Category: q("category"),
		Place: q("place"), MinDays: q("min_days"), Days: q("days"), Sort: q("sort"), Page: q("page"), PerPage: q("per_page")}
}

// listValues writes a list's query as a query string, its defaults left out.
func listValues(q domain.UnitListQuery) url.Values {
	v := url.Values{}
	v.Set("which", string(q.Which))
	set := func(k, val, def string) {
		if val != def {
			v.Set(k, val)
		}
	}
	set("kind", q.Kind, "")
	set("level", q.Level, "")
	set("category", q.Category, "")
	set("place", q.Place, "")
	set("min_days", strconv.Itoa(q.MinDays), "0")
	set("days", strconv.Itoa(q.Days), strconv.Itoa(domain.DefaultPlannedDays))
	set("sort", string(q.Sort), string(q.Which.DefaultSort()))
	set("per_page", strconv.Itoa(q.PerPage), strconv.Itoa(domain.UnitListPageSize))
	return v
}

// listURL is the address of the list q of the unit with code (page 1).
func listURL(code string, q domain.UnitListQuery) string {
	return "/units/" + url.PathEscape(code) + "/list?" + listValues(q).Encode()
}

// countListURL is the address of the list behind a count of the unit with
// code: which, narrowed to a level (cells, grassroots) and a place.
func countListURL(code string, which domain.UnitListKind, level, place string) string {
	q := domain.UnitListQuery{Which: which, Level: level, Place: place, Days: domain.DefaultPlannedDays,
		Sort: which.DefaultSort(), PerPage: domain.UnitListPageSize}
	return listURL(code, q)
}

// listRow is a unit of a list as shown.
type listRow struct {
	Code, Name, Kind, Category, Status, Deadline, Planned, Held string
	Place                                                       domain.Place
	DaysOverdue                                                 int
	Late, AtRisk, Pilot, IsHeld                                 bool
}

type unitListView struct {
	Unit                              domain.UnitRef
	Title, Day, PlaceName             string
	Query                             domain.UnitListQuery
	Total, Page, Pages                int
	Rows                              []listRow
	Lists, Kinds, Categories, Sorts   []choice
	Prev, Next, CSV, CSVSemicolon     string
	XLSX, PrintAll                    string
	ShowDeadline, ShowPlanned, ShowOD bool
	// Filtered: the list is narrowed or sorted otherwise than by default.
	Filtered bool
	// AsOf is the past day asked for (?as_of=), kept by every link and
	// form of the page; empty for today.
	AsOf string
}

// handleUnitListPage shows a page of a list of units.
func (s *Server) handleUnitListPage(c echo.Context) error {
	p, err := s.sessionUser(c)
	if err != nil || p == nil {
		return s.signInFirst(c, err)
	}
	code, err := codeParam(c)
	if err != nil {
		return err
	}
	l, err := s.svc.UnitList(c.Request().Context(), *p, code, listQueryOf(c), c.QueryParam("as_of"), false)
	if err != nil {
		return err
	}
	lang := pageLang(c, &p.User)
	q := l.Query
	v := unitListView{Unit: l.Unit, Title: l.Title.In(lang), Day: l.AsOf.VI(), Query: q, Total: l.Total, Page: q.Page, Pages: l.Pages,
		ShowDeadline: q.Which != domain.ListPlanned, ShowPlanned: q.Which != domain.ListLate, ShowOD: q.Which == domain.ListLate}
	if l.Place != nil {
		v.PlaceName = l.Place.Name
	}
	v.Filtered = q.Kind != "" || q.Category != "" || q.Place != "" || q.MinDays > 0 || q.Sort != q.Which.DefaultSort()
	for _, r := range l.Units {
		v.Rows = append(v.Rows, s.listRowOf(r, lang))
	}
	for _, k := range domain.UnitListKinds {
		v.Lists = append(v.Lists, choice{Code: string(k), Name: k.Name().In(lang)})
	}
	within := s.svc.Rules().Within(l.Unit.Kind)
	for _, k := range s.svc.Rules().Ordered() {
		if within[k.Code] && k.Code != l.Unit.Kind {
			v.Kinds = append(v.Kinds, choice{Code: k.Code, Name: s.kindName(k.Code, lang)})
		}
	}
	for _, cat := range domain.Categories {
		v.Categories = append(v.Categories, choice{Code: cat.Code, Name: cat.Name.In(lang)})
	}
	for _, o := range domain.UnitListSorts {
		v.Sorts = append(v.Sorts, choice{Code: string(o), Name: s.text(c, &p.User, "list_sort_"+string(o), nil)})
	}
	base := "/units/" + url.PathEscape(l.Unit.Code) + "/list"
	vals := listValues(q)
	if c.QueryParam("as_of") != "" {
		v.AsOf = l.AsOf.String()
		vals.Set("as_of", v.AsOf)
	}
	if q.Page > 1 {
		vals.Set("page", strconv.Itoa(q.Page-1))
		v.Prev = base + "?" + vals.Encode()
	}
	if q.Page < l.Pages {
		vals.Set("page", strconv.Itoa(q.Page+1))
		v.Next = base + "?" + vals.Encode()
	}
	vals.Del("page")
	vals.Del("per_page")
	v.CSV, v.XLSX = base+".csv?"+vals.Encode(), base+".xlsx?"+vals.Encode()
	vals.Set("sep", "semicolon")
	v.CSVSemicolon = base + ".csv?" + vals.Encode()
	vals.Del("sep")
	vals.Set("per_page", strconv.Itoa(domain.MaxUnitListPageSize))
	if l.Total > q.PerPage && l.Total <= domain.MaxUnitListPageSize {
		v.PrintAll = base + "?" + vals.Encode()
	}
	return s.page(c, http.StatusOK, "unitlist.html", &p.User, v)
}

func (s *Server) listRowOf(r domain.UnitListRow, lang string) listRow {
	return listRow{Code: r.Code, Name: r.Name, Kind: s.kindName(r.Kind, lang), Category: categoryName(r.Category, lang),
		Status: r.StatusName.In(lang), Deadline: vi(r.Deadline), Planned: vi(r.Planned), Held: vi(r.HeldDate), Place: r.Place,
		DaysOverdue: r.DaysOverdue, Late: r.Late, AtRisk: r.AtRisk, Pilot: r.Pilot, IsHeld: r.HeldDate != nil}
}

// categoryName is the name of a cell category in lang ("" for none).
func categoryName(code, lang string) string {
	for _, c := range domain.Categories {
		if c.Code == code {
			return c.Name.In(lang)
		}
	}
	return code
}

// handleUnitListFile downloads a whole list of units (every page) as CSV
// or XLSX (:format), with the place column, its headings in the user's
// language; ?sep=semicolon separates the CSV's fields with semicolons.
func (s *Server) handleUnitListFile(c echo.Context) error {
	p, err := s.sessionUser(c)
	if err != nil || p == nil {
		return s.signInFirst(c, err)
	}
	code, err := codeParam(c)
	if err != nil {
		return err
	}
	format := c.Param("format")
	if format != "csv" && format != "xlsx" {
		return echo.ErrNotFound
	}
	switch sep := c.QueryParam("sep"); sep {
	case "", "comma", "semicolon":
	default:
		return domain.Invalid("sep", fmt.Sprintf("sep là comma hoặc semicolon, không phải %q", domain.ShowText(sep, 40)),
			fmt.Sprintf("sep is comma or semicolon, not %q", domain.ShowText(sep, 40)))
	}
	l, err := s.svc.UnitList(c.Request().Context(), *p, code, listQueryOf(c), c.QueryParam("as_of"), true)
	if err != nil {
		return err
	}
	u := &p.User
	lang := pageLang(c, u)
	tr := func(id string) string { return s.text(c, u, id, nil) }
	t := tablefile.Table{Sheet: tr("list_sheet"), Header: []string{tr("col_code"), tr("dash_col_unit"), tr("col_place"),
		tr("col_place_code"), tr("col_kind"), tr("col_category"), tr("dash_col_status"), tr("col_deadline"), tr("col_planned"),
		tr("col_held"), tr("col_days_late")}}
	for _, r := range l.Units {
		near := ""
		if n := r.Place.Nearest(); n != nil {
			near = n.Code
		}
		t.Rows = append(t.Rows, []any{r.Code, r.Name, r.Place.String(), near, s.kindName(r.Kind, lang), categoryName(r.Category, lang),
			r.StatusName.In(lang), dayCell(r.Deadline), dayCell(r.Planned), dayCell(r.HeldDate), r.DaysOverdue})
	}
	var buf bytes.Buffer
	ctype := "text/csv; charset=utf-8"
	switch {
	case format == "xlsx":
		ctype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
		err = tablefile.WriteXLSX(&buf, t)
	case c.QueryParam("sep") == "semicolon":
		err = tablefile.WriteCSVSep(&buf, t, ';')
	default:
		err = tablefile.WriteCSV(&buf, t)
	}
	if err != nil {
		return err
	}
	name := l.Title.In(lang) + " " + l.Unit.Name + " " + strings.ReplaceAll(l.Unit.Code, ".", "-") + "-" + l.AsOf.String() + "." + format
	c.Response().Header().Set(echo.HeaderContentDisposition, download.Attachment(name))
	c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
	return c.Blob(http.StatusOK, ctype, buf.Bytes())
}

// handleUnitListAPI returns a page of a list of units (the page's query).
func (s *Server) handleUnitListAPI(c echo.Context) error {
	code, err := codeParam(c)
	if err != nil {
		return err
	}
	l, err := s.svc.UnitList(c.Request().Context(), principal(c), code, listQueryOf(c), c.QueryParam("as_of"), false)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, l)
}
