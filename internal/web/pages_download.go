package web

import (
	"bytes"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/daihoi/daihoi/internal/domain"
	"github.com/daihoi/daihoi/internal/download"
	"github.com/daihoi/daihoi/internal/tablefile"
)

// handleUnitsTable downloads the table of the units directly below a unit
// in the current round (the dashboard's), as CSV or XLSX (:format), with
// its headings in the user's language. Only units the user may read.
func (s *Server) handleUnitsTable(c echo.Context) error {
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
	filter, err := filterOf(c)
	if err != nil {
		return err
	}
	// as_of: the table of a past day, as the API's breakdown gives it.
	ch, err := s.svc.ProgressChildren(c.Request().Context(), *p, code, 0, c.QueryParam("as_of"))
	if err != nil {
		return err
	}
	u := &p.User
	lang := pageLang(c, u)
	tr := func(id string) string { return s.text(c, u, id, nil) }
	t := tablefile.Table{Sheet: tr("sheet_progress"), Header: []string{tr("col_code"), tr("dash_col_unit"), tr("col_kind"),
		tr("dash_col_status"), tr("col_deadline"), tr("col_planned"), tr("col_held"), tr("col_days_late"),
		tr("col_cells_held"), tr("col_cells_total"), tr("col_share"), tr("col_late_below")}}
	// The rows the dashboard's table shows with the same filter, in its order.
	byCode := map[string]domain.ChildProgress{}
	kindOf, categoryOf := map[string]string{}, map[string]string{}
	for _, k := range ch.Children {
		byCode[k.Code], kindOf[k.Code], categoryOf[k.Code] = k, k.Kind, k.Category
	}
	for _, row := range filter.apply(childRows(ch, code, lang), kindOf, categoryOf) {
		k := byCode[row.Code]
		var share any // none for a unit without cells, as the table's "–"
		if k.Cells.Total > 0 {
			share = k.Cells.Percent
		}
		t.Rows = append(t.Rows, []any{k.Code, k.Name, s.kindName(k.Kind, lang), k.Own.Status.Name().In(lang),
			dayCell(k.Own.Deadline), dayCell(k.Own.PlannedDate), dayCell(k.Own.HeldDate), k.Own.DaysOverdue,
			k.Cells.Held, k.Cells.Total, share, k.Late})
	}
	var buf bytes.Buffer
	ctype := "text/csv; charset=utf-8"
	if format == "csv" {
		err = tablefile.WriteCSV(&buf, t)
	} else {
		ctype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
		err = tablefile.WriteXLSX(&buf, t)
	}
	if err != nil {
		return err
	}
	name := ch.Unit.Name + " " + strings.ReplaceAll(code, ".", "-") + "-" + ch.AsOf.String() + "." + format
	c.Response().Header().Set(echo.HeaderContentDisposition, download.Attachment(name))
	c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
	return c.Blob(http.StatusOK, ctype, buf.Bytes())
}

// kindName is the name of a unit kind in lang (its code when unknown).
func (s *Server) kindName(kind, lang string) string {
	k, ok := s.svc.Rules().Kinds[kind]
	switch {
	case !ok:
		return kind
	case lang == "en":
		return k.NameEN
	}
	return k.NameVI
}
