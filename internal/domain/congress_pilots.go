package domain

// PilotCongress is one pilot congress (đại hội điểm) of a round, with how
// far ahead of the other units of its kind it was held.
type PilotCongress struct {
	UnitCode       string         `json:"unit_code" db:"unit_code"`
	UnitName       string         `json:"unit_name" db:"unit_name"`
	UnitKind       string         `json:"unit_kind" db:"unit_kind"`
	Status         CongressStatus `json:"status" db:"status"`
	PlannedDate    *Day           `json:"planned_date" db:"planned_date"`
	HeldDate       *Day           `json:"held_date" db:"held_date"`
	Deadline       *Day           `json:"deadline" db:"deadline"`
	LessonsLearned string         `json:"lessons_learned" db:"lessons_learned"`
	// Late: its deadline has passed today and it is not held; a pilot is
	// meant to go first, so its lateness is the board's first warning.
	Late bool `json:"late" db:"late"`
	// DaysBeforeOthers is how many days before the median held date of the
	// other units of its kind in the subtree the pilot was held (negative:
	// after); null until both are known.
	DaysBeforeOthers *int `json:"days_before_others" db:"-"`
}

// PilotComparison compares, for one kind of unit in a subtree, the pilots
// with the other units: how many, how many held, first and median held dates.
type PilotComparison struct {
	Kind              string   `json:"kind" db:"kind"`
	Pilots            int      `json:"pilots" db:"pilots"`
	PilotsHeld        int      `json:"pilots_held" db:"pilots_held"`
	PilotsFirstHeld   *Day     `json:"pilots_first_held" db:"pilots_first_held"`
	PilotsMedianHeld  *Day     `json:"pilots_median_held" db:"pilots_median_held"`
	Others            int      `json:"others" db:"others"`
	OthersHeld        int      `json:"others_held" db:"others_held"`
	OthersFirstHeld   *Day     `json:"others_first_held" db:"others_first_held"`
	OthersMedianHeld  *Day     `json:"others_median_held" db:"others_median_held"`
	OthersHeldPercent *Percent `json:"others_held_percent" db:"-"`
}

// PilotReport lists the pilots of a round in a subtree and compares them
// with the other units.
type PilotReport struct {
	RoundID    int64             `json:"round_id"`
	UnitCode   string            `json:"unit_code"`
	Pilots     []PilotCongress   `json:"pilots"`
	Comparison []PilotComparison `json:"comparison"`
}

// Late counts the pilots past their deadline and not held.
func (r PilotReport) Late() int {
	n := 0
	for _, p := range r.Pilots {
		if p.Late {
			n++
		}
	}
	return n
}

// Compare fills each pilot's days before the median held date of the other
// units of its kind, and each kind's share of other units held.
func (r *PilotReport) Compare() {
	median := map[string]*Day{}
	for i := range r.Comparison {
		c := &r.Comparison[i]
		median[c.Kind] = c.OthersMedianHeld
		if p, ok := PercentOf(c.OthersHeld, c.Others, "others"); ok {
			c.OthersHeldPercent = &p
		}
	}
	for i := range r.Pilots {
		p := &r.Pilots[i]
		if m := median[p.UnitKind]; m != nil && p.HeldDate != nil {
			d := DaysBetween(p.HeldDate.Time, m.Time)
			p.DaysBeforeOthers = &d
		}
	}
}
