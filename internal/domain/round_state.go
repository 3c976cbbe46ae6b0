package domain

// RoundStateSpec describes a made-up but plausible state of a round at a
// day, for the demo data and the synthetic national tree (daihoi gen). The
// same spec on the same tree gives the same state.
type RoundStateSpec struct {
	// AsOf is the day the state describes: nothing is held after it.
	AsOf Day
	// Seed varies the state; every draw is a hash of a unit's code and the seed.
	Seed int64
	// Share is the chance that a unit whose window has passed has held its
	// congress, before the pace of its organization shifts it (0: 0.78).
	Share float64
	// Pilots are pilot congresses held on a set day, every unit below them
	// held in the seven to three weeks before (when that is not after AsOf).
	Pilots []PilotDay
	// AutoPilots picks that many grassroots organizations under each parent
	// of grassroots organizations as pilots, held on a day of the two weeks
	// from AutoPilotFrom.
	AutoPilots    int
	AutoPilotFrom Day
	// PapersAfter, when above 0, is how many days after its congress a unit
	// has sent the papers the round requires of its kind, each PaperFile:
	// those held that long before AsOf sent them, but one in six of those
	// not yet reported only the first (the minutes); those held since, none.
	// A congress whose results are reported has all its papers, as the rules
	// require. 0: no papers.
	PapersAfter int
	PaperFile   []byte
}

// PilotDay is a pilot congress and the day it was held.
type PilotDay struct {
	Code string `json:"code"`
	Held Day    `json:"held"`
}

// KindState counts the congresses of one unit kind in a generated state.
type KindState struct {
	Kind string `db:"kind"`
	// Total active units of the kind, Held of them held (results reported included).
	Total int `db:"total"`
	Held  int `db:"held"`
	// Late: deadline before AsOf, not held. Soon: planned within 14 days from AsOf.
	Late   int `db:"late"`
	Soon   int `db:"soon"`
	Pilots int `db:"pilots"`
}
