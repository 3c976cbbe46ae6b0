package web

import (
	"github.com/labstack/echo/v4"

	"github.com/daihoi/daihoi/internal/domain"
)

// The first screen of the dashboard: the headline figures as tiles, each
// a link to the list it counts, with its status in colour and in a word;
// then short lists of the late, at-risk and soon-planned units, each with
// its place and a link to the whole list.

// dashListed is how many units a short list of the dashboard shows.
const dashListed = 10

// Status classes of the visual system (static/daihoi.css: .status-*).
const (
	statusOK   = "ok"
	statusRisk = "risk"
	statusLate = "late"
	statusInfo = "info"
)

// tilesOf builds the headline tiles of progress pr: the share of cells
// held (with the change since a week before), the grassroots organizations
// held, the pilots held (red when latePilots of them are past their
// deadline: a pilot goes first), the late units and those at risk.
func (s *Server) tilesOf(c echo.Context, p domain.Principal, pr domain.Progress, latePilots int) ([]tile, error) {
	u := &p.User
	lang := pageLang(c, u)
	tr := func(id string, kv map[string]any) string { return s.text(c, u, id, kv) }
	week, err := s.svc.Progress(c.Request().Context(), p, pr.Unit.Code, pr.RoundID, pr.AsOf.AddDays(-7).String())
	if err != nil {
		return nil, err
	}
	var cellsLate, cellsRisk, grLate, grRisk int
	for _, k := range pr.Kinds {
		switch {
		case k.IsGrassroots:
			grLate, grRisk = grLate+k.Late, grRisk+k.AtRisk
		case k.IsCell:
			cellsLate, cellsRisk = cellsLate+k.Late, cellsRisk+k.AtRisk
		}
	}
	code := pr.Unit.Code
	level := func(late, risk int) (string, string) {
		switch {
		case late > 0:
			return statusLate, tr("status_word_late", nil)
		case risk > 0:
			return statusRisk, tr("status_word_risk", nil)
		}
		return statusOK, tr("status_word_ok", nil)
	}
	count := func(n int, st, word string) (string, string) {
		if n == 0 {
			return statusOK, tr("tile_none", nil)
		}
		return st, word
	}
	cells := tile{Figure: pr.Cells.In(lang), Headline: tr("tile_cells_rest", map[string]any{"Held": pr.Cells.Held, "Total": pr.Cells.Total}),
		URL: countListURL(code, domain.ListHeld, domain.LevelCells, "")}
	if n := pr.Cells.Held - week.Cells.Held; n > 0 {
		cells.Change = tr("tile_change_up", map[string]any{"Count": n})
	} else {
		cells.Change = tr("tile_change_none", nil)
	}
	cells.Status, cells.Word = level(cellsLate, cellsRisk)
	gr := tile{Label: tr("tile_grassroots", nil), Figure: domain.Number(pr.Grassroots.Held, lang) + "/" + domain.Number(pr.Grassroots.Total, lang),
		Detail: pr.Grassroots.In(lang), URL: countListURL(code, domain.ListHeld, domain.LevelGrassroots, "")}
	gr.Status, gr.Word = level(grLate, grRisk)
	pilots := tile{Label: tr("tile_pilots", nil), Figure: domain.Number(pr.Pilots.Held, lang) + "/" + domain.Number(pr.Pilots.Total, lang),
		URL: countListURL(code, domain.ListPilots, "", ""), Status: statusInfo, Word: tr("status_word_pilot", nil)}
	switch {
	case latePilots > 0:
		pilots.Status, pilots.Word = statusLate, tr("tile_pilots_late", map[string]any{"Count": latePilots})
	case pr.Pilots.Total > 0 && pr.Pilots.Held == pr.Pilots.Total:
		pilots.Status, pilots.Word = statusOK, tr("status_word_ok", nil)
	}
	late := tile{Label: tr("tile_late", nil), Figure: domain.Number(pr.Late.Count, lang), URL: countListURL(code, domain.ListLate, "", "")}
	late.Status, late.Word = count(pr.Late.Count, statusLate, tr("status_word_late", nil))
	risk := tile{Label: tr("tile_at_risk", nil), Figure: domain.Number(pr.AtRisk, lang), URL: countListURL(code, domain.ListAtRisk, "", "")}
	risk.Status, risk.Word = count(pr.AtRisk, statusRisk, tr("status_word_risk", nil))
	cells.Key, gr.Key, pilots.Key, late.Key, risk.Key = "cells", "grassroots", "pilots", "late", "at-risk"
	return []tile{cells, gr, pilots, late, risk}, nil
}

// shortListOf reads the first n units of list which below the unit with
// code, with the address of the whole list; total is how many it holds
// (its count in the progress), -1 when unknown.
func (s *Server) shortListOf(c echo.Context, p domain.Principal, code string, which domain.UnitListKind, n, total int) (shortList, error) {
	l, err := s.svc.FirstUnits(c.Request().Context(), p, code, which, n)
	if err != nil {
		return shortList{}, err
	}
	out := shortList{Total: total, URL: countListURL(code, which, "", "")}
	for _, r := range l.Units {
		it := listItem{Code: r.Code, Name: r.Name, Place: r.Place}
		switch which {
		case domain.ListLate:
			it.Note, it.Status = s.text(c, &p.User, "risk_late", map[string]any{"Count": r.DaysOverdue}), statusLate
		case domain.ListAtRisk:
			it.Note, it.Status = s.text(c, &p.User, "risk_at_risk", map[string]any{"Day": vi(r.Deadline)}), statusRisk
		case domain.ListPlanned:
			it.Note = vi(r.Planned)
		}
		out.Items = append(out.Items, it)
	}
	return out, nil
}
