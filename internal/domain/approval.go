package domain

// PendingApproval is an approval a unit still waits for while its congress
// is prepared: one of its milestones that the committee above gives (its
// personnel plan, its congress plan), not given yet.
type PendingApproval struct {
	Unit     UnitRef        `json:"unit" db:"unit"`
	UnitPath string         `json:"-" db:"unit_path"`
	Status   CongressStatus `json:"status" db:"status"`
	// Parent is the unit directly above, whose committee gives the approval.
	Parent     UnitRef   `json:"parent" db:"parent"`
	ParentPath string    `json:"-" db:"parent_path"`
	Milestone  Milestone `json:"milestone" db:"m"`
}

// Preparing reports whether a congress in status s is being prepared, the
// steps in which its approvals are given: preparing, plan approved.
func (s CongressStatus) Preparing() bool { return s == StatusPreparing || s == StatusPlanApproved }
