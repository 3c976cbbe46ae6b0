package web

import (
	"fmt"
	"net/url"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/daihoi/daihoi/internal/core"
	"github.com/daihoi/daihoi/internal/domain"
)

// The papers on the unit page: the papers of its congress with their
// versions, what is still missing, the form to attach one (from a phone
// too: a scan taken with the camera is a JPEG), and below a unit, the held
// congresses still missing papers.

type paperLink struct{ Label, Href string }

type paperRow struct {
	ID                               int64
	Kind, FileName, Size, By, At     string
	Version                          int
	Href                             string
	Older                            []paperLink
	Deleted                          bool
	DeletedBy, DeletedAt, DeletedWhy string
}

type papersView struct {
	Code, CSRF string
	Rows       []paperRow
	// Missing names the required papers not attached; Required all of them.
	// Held: the congress is held, so that a paper missing is late, not yet
	// to come.
	Missing, Required string
	Held              bool
	// MayAttach: the congress is held and the caller may update the unit.
	MayAttach bool
	Kinds     []choice
	// Chosen is the kind chosen in an attachment refused (?kind): chosen
	// again, so that the next file is not filed as another kind.
	Chosen  string
	MaxSize string
	// Documents are the standard documents, filled in, to download.
	Documents []docLink
}

type missingRow struct {
	Code, Name, Held, Missing string
	Days                      int
	Place                     domain.Place
}

// paperUploadPage reads an upload of a paper on the unit page within the
// paper's limit; a file too large goes back to the unit page, saying the
// limit.
func (s *Server) paperUploadPage(next echo.HandlerFunc) echo.HandlerFunc {
	return s.upload(s.paperLimit, paperUploadMemory, func(c echo.Context, p *domain.Principal, _ int64) error {
		code, err := codeParam(c)
		if err != nil {
			return err
		}
		return s.afterAction(c, &p.User, core.TooLargeError(s.svc.PaperMaxSize()), "", "/units/"+code+"#papers")
	})(next)
}

// papersViewOf is the papers section of the page of the unit with code,
// from its papers ps; mayAttach offers the forms to attach and delete one.
func (s *Server) papersViewOf(c echo.Context, ps domain.Papers, code string, held, mayAttach bool, lang string) *papersView {
	v := &papersView{Code: code, CSRF: s.csrfToken(c), MaxSize: core.SizeText(s.svc.PaperMaxSize(), lang),
		Missing: domain.MissingPapersText(ps.Missing).In(lang), Required: domain.MissingPapersText(ps.Required).In(lang),
		Held: held, MayAttach: mayAttach, Documents: documentLinks(code, lang)}
	for _, k := range domain.PaperKinds {
		v.Kinds = append(v.Kinds, choice{Code: string(k.Kind), Name: k.Name.In(lang)})
		if string(k.Kind) == c.QueryParam("kind") {
			v.Chosen = string(k.Kind)
		}
	}
	for _, pp := range ps.Papers {
		cur := pp.Current()
		href := fmt.Sprintf("/units/%s/papers/%d/file", code, pp.ID)
		row := paperRow{ID: pp.ID, Kind: pp.Kind.Name().In(lang), FileName: cur.FileName, Size: core.FileSizeText(cur.Size, lang),
			By: domain.ActorName(cur.UploadedBy, lang), At: cur.UploadedAt.In(domain.Location).Format("02/01/2006 15:04"), Version: cur.Version, Href: href,
			Deleted: pp.DeletedAt != nil, DeletedBy: domain.ActorName(pp.DeletedBy, lang), DeletedWhy: pp.DeleteReason}
		if pp.DeletedAt != nil {
			row.DeletedAt = pp.DeletedAt.In(domain.Location).Format("02/01/2006 15:04")
		}
		for _, old := range pp.Versions[1:] {
			row.Older = append(row.Older, paperLink{Label: fmt.Sprintf("v%d · %s", old.Version, old.UploadedAt.In(domain.Location).Format("02/01/2006")),
				Href: href + "?version=" + strconv.Itoa(old.Version)})
		}
		v.Rows = append(v.Rows, row)
	}
	return v
}

// missingView is the list of the held congresses missing papers as the
// pages show it: the first rows (the longest waiting), the rest of those
// rows folded, and how many there are in all.
type missingView struct {
	First, Rest []missingRow
	Total       int
}

// Cut: the rows are fewer than the congresses missing papers.
func (v missingView) Cut() bool { return len(v.First)+len(v.Rest) < v.Total }

// Shown counts the rows.
func (v missingView) Shown() int { return len(v.First) + len(v.Rest) }

// missingFirst is how many rows of the list are shown unfolded.
const missingFirst = 10

// missingViewOf lays out ms, of total congresses missing papers.
func missingViewOf(ms []domain.CongressMissingPapers, total int, lang string) missingView {
	v := missingView{Total: max(total, len(ms))}
	for i, m := range ms {
		row := missingRow{Code: m.UnitCode, Name: m.UnitName, Held: m.HeldDate.VI(), Days: m.DaysSince,
			Missing: domain.MissingPapersText(m.Missing).In(lang), Place: m.Place}
		if i < missingFirst {
			v.First = append(v.First, row)
		} else {
			v.Rest = append(v.Rest, row)
		}
	}
	return v
}

// handleAttachPaperPage attaches the uploaded file to the unit's congress
// and goes back to the unit page, saying what happened.
func (s *Server) handleAttachPaperPage(c echo.Context) error {
	p, err := s.sessionUser(c)
	if err != nil || p == nil {
		return s.signInFirst(c, err)
	}
	code, err := codeParam(c)
	if err != nil {
		return err
	}
	pp, err := s.attachFromForm(c, *p, code, 0)
	done, back := "", "/units/"+code+"#papers"
	if err == nil {
		done = s.text(c, &p.User, "paper_saved", map[string]any{"Kind": pp.Kind.Name().In(pageLang(c, &p.User)), "Version": pp.Current().Version})
	} else if kind := c.Request().PostForm.Get("kind"); kind != "" {
		back = "/units/" + code + "?" + url.Values{"kind": {kind}}.Encode() + "#papers"
	}
	return s.afterAction(c, &p.User, err, done, back)
}

// handlePaperFilePage downloads a version of a paper of the unit's congress.
func (s *Server) handlePaperFilePage(c echo.Context) error {
	p, err := s.sessionUser(c)
	if err != nil || p == nil {
		return s.signInFirst(c, err)
	}
	code, id, err := paperPath(c)
	if err != nil {
		return err
	}
	n, err := versionQuery(c)
	if err != nil {
		return err
	}
	d, err := s.svc.PaperFile(c.Request().Context(), *p, code, 0, id, n)
	if err != nil {
		return err
	}
	return s.sendPaper(c, d)
}

// handleDeletePaperPage deletes a paper of the unit's congress with the
// form's reason, and goes back to the unit page.
func (s *Server) handleDeletePaperPage(c echo.Context) error {
	p, err := s.sessionUser(c)
	if err != nil || p == nil {
		return s.signInFirst(c, err)
	}
	code, id, err := paperPath(c)
	if err != nil {
		return err
	}
	_, err = s.svc.DeletePaper(c.Request().Context(), *p, code, 0, id, c.FormValue("reason"))
	return s.afterAction(c, &p.User, err, s.text(c, &p.User, "paper_deleted", nil), "/units/"+code+"#papers")
}
