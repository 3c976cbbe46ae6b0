package web

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/daihoi/daihoi/internal/domain"
)

// The search page: /search?q= finds the units the user may read by name
// (with or without diacritics) or code, best first, each linked to its page
// with its kind and place. It works without JavaScript; htmx refreshes the
// list as one types (the input asks for the page and keeps its list).
//
// A form field that takes a unit code asks the same page for its list as
// one types: /search?field=NAME sends the field's own value as NAME, and
// gets a shorter list whose links static/pick.js turns into "fill in this
// code" (the field still takes a code typed by hand).

// pickPage is how many units the list under a unit field shows.
const pickPage = 8

type searchHit struct {
	Code, Name, Kind, Place string
	Similar                 bool
}

type searchView struct {
	Query string
	// Problem is why the query was refused, in the user's language.
	Problem string
	Hits    []searchHit
	// Searched: a query was run (its list is shown, even empty).
	Searched bool
	// More: more units match; NextOffset is where the next page starts.
	More       bool
	NextOffset int
	// Pick: the list under a unit field.
	Pick bool
}

// handleSearchPage shows the search page, or the list of a unit field.
func (s *Server) handleSearchPage(c echo.Context) error {
	p, err := s.sessionUser(c)
	if err != nil || p == nil {
		return s.signInFirst(c, err)
	}
	v := searchView{Query: c.QueryParam("q")}
	limit := 0
	if field := c.QueryParam("field"); field != "" {
		v.Pick, v.Query, limit = true, c.QueryParam(field), pickPage
	}
	status := http.StatusOK
	if strings.TrimSpace(v.Query) != "" {
		if status, err = s.runSearch(c, *p, limit, &v); err != nil {
			return err
		}
	}
	return s.page(c, status, "search.html", &p.User, v)
}

// runSearch fills v with the page of results asked for (limit 0: the
// default page); a refused query is said in v.Problem with its status.
func (s *Server) runSearch(c echo.Context, p domain.Principal, limit int, v *searchView) (int, error) {
	pageLimit, offset, err := searchPage(c)
	if limit == 0 {
		limit = pageLimit
	}
	if err == nil {
		var hits domain.UnitHits
		if hits, err = s.svc.SearchUnits(c.Request().Context(), p, v.Query, limit, offset); err == nil {
			v.Searched, v.Query, v.More, v.NextOffset = true, hits.Query, hits.More, offset+len(hits.Units)
			for _, h := range hits.Units {
				v.Hits = append(v.Hits, searchHit{Code: h.Code, Name: h.Name, Kind: s.kindName(h.Kind, pageLang(c, &p.User)),
					Place: h.Place.String(), Similar: h.Match == domain.MatchSimilar})
			}
			return http.StatusOK, nil
		}
	}
	de := domain.AsError(err)
	if de == nil || de.Code != domain.EInvalid {
		return 0, err
	}
	lang := pageLang(c, &p.User)
	msgs := make([]string, 0, len(de.Fields))
	for _, f := range de.Fields {
		msgs = append(msgs, f.Message.In(lang))
	}
	v.Problem = strings.Join(msgs, " — ")
	return http.StatusUnprocessableEntity, nil
}
