package core

import (
	"context"

	"github.com/daihoi/daihoi/internal/congressdoc"
	"github.com/daihoi/daihoi/internal/domain"
)

// CongressDocument builds the standard document kind of the congress of
// the unit with code in round (0: current), filled in from its data: the
// unit under its superior, the place (the top of its tree), the term (the
// round's name), the congress's dates and delegates, and its results with
// the votes and the composition, never the people's personal data. Anyone
// who may read the unit may make it; the unit is returned to name the file.
func (s *Service) CongressDocument(ctx context.Context, p domain.Principal, code string, roundID int64, kind congressdoc.Kind) (congressdoc.Doc, domain.Unit, error) {
	if !kind.Valid() {
		return congressdoc.Doc{}, domain.Unit{}, domain.NotFound(domain.Text{VI: "văn bản mẫu", EN: "standard document"}, domain.ShowText(string(kind), 40))
	}
	id, u, err := s.roundUnit(ctx, p, domain.ActRead, code, roundID)
	if err != nil {
		return congressdoc.Doc{}, u, err
	}
	today := domain.TodayDay(s.clock)
	c, err := s.store.Congress(ctx, id, u.Code, today)
	if err != nil {
		return congressdoc.Doc{}, u, err
	}
	above, err := s.store.Ancestors(ctx, u.Path)
	if err != nil {
		return congressdoc.Doc{}, u, err
	}
	round, err := s.store.Round(ctx, id)
	if err != nil {
		return congressdoc.Doc{}, u, err
	}
	d := congressdoc.Data{UnitName: u.Name, UnitKind: u.Kind, Today: today, Term: congressdoc.TermOf(round.Name),
		PlannedDate: c.PlannedDate, HeldDate: c.HeldDate, DelegatesExpected: c.DelegatesExpected, DelegatesPresent: c.DelegatesPresent,
		PlannedTime: c.PlannedTime, Venue: c.Place, Members: u.Members}
	if len(above) > 0 {
		d.SuperiorName, d.Place = above[len(above)-1].Name, congressdoc.PlaceOf(above[0].Name)
	} else {
		d.Place = congressdoc.PlaceOf(u.Name)
	}
	r, err := s.store.Results(ctx, id, u.ID)
	switch {
	case err == nil:
		dr := &congressdoc.Results{CommitteeSize: r.CommitteeSize, CommitteeWomen: r.CommitteeWomen, DelegatesElected: r.DelegatesElected,
			SecretaryName: r.SecretaryName, Composition: r.Composition}
		for _, e := range r.Elected {
			name := e.Position
			for _, pos := range domain.Positions {
				if pos.Code == e.Position {
					name = pos.Name.VI
				}
			}
			dr.Elected = append(dr.Elected, congressdoc.Person{Position: e.Position, PositionName: name, FullName: e.FullName,
				VotesFor: e.VotesFor, ValidBallots: e.ValidBallots, DelegatesPresent: e.DelegatesPresent})
		}
		d.Results = dr
	case !domain.IsCode(err, domain.ENotFound):
		return congressdoc.Doc{}, u, err
	}
	return congressdoc.Build(kind, d), u, nil
}
