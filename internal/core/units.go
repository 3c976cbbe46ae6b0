package core

import (
	"context"
	"fmt"

	"github.com/daihoi/daihoi/internal/domain"
)

// Unit returns the unit with code if p may read it.
func (s *Service) Unit(ctx context.Context, p domain.Principal, code string) (domain.Unit, error) {
	return s.unitFor(ctx, p, domain.ActRead, code)
}

// Children lists the active units directly under the unit with code.
func (s *Service) Children(ctx context.Context, p domain.Principal, code string) ([]domain.Unit, error) {
	u, err := s.unitFor(ctx, p, domain.ActRead, code)
	if err != nil {
		return nil, err
	}
	return s.store.Children(ctx, u.ID, false)
}

// MaxPageSize bounds a page of a subtree listing.
const MaxPageSize = 1000

// Subtree lists a page of the subtree of the unit with code, after cursor.
func (s *Service) Subtree(ctx context.Context, p domain.Principal, code, cursor string, limit int) (domain.SubtreePage, error) {
	u, err := s.unitFor(ctx, p, domain.ActRead, code)
	if err != nil {
		return domain.SubtreePage{}, err
	}
	if limit <= 0 || limit > MaxPageSize {
		return domain.SubtreePage{}, domain.Invalid("limit", fmt.Sprintf("limit phải từ 1 đến %d", MaxPageSize), fmt.Sprintf("limit must be between 1 and %d", MaxPageSize))
	}
	if cursor != "" && !domain.IsWithin(cursor, u.Path) {
		return domain.SubtreePage{}, domain.Invalid("cursor", "Con trỏ trang không hợp lệ", "invalid page cursor")
	}
	return s.store.Subtree(ctx, u.Path, cursor, limit)
}

// Ancestors returns the units above the unit with code that p may read, root first.
func (s *Service) Ancestors(ctx context.Context, p domain.Principal, code string) ([]domain.Unit, error) {
	u, err := s.unitFor(ctx, p, domain.ActRead, code)
	if err != nil {
		return nil, err
	}
	all, err := s.store.Ancestors(ctx, u.Path)
	if err != nil {
		return nil, err
	}
	out := all[:0]
	for _, a := range all {
		if p.Can(domain.ActRead, a.Path) {
			out = append(out, a)
		}
	}
	return out, nil
}

// CreateUnit adds a unit under its parent; p must manage the parent. Only
// the system (command line) may create a root.
func (s *Service) CreateUnit(ctx context.Context, p domain.Principal, in domain.UnitInput) (domain.Unit, error) {
	defer s.units.forget()
	in.Normalize()
	var v domain.Validation
	in.Validate(s.rules, 0, &v)
	var parent *domain.Unit
	if in.ParentCode != "" {
		pu, err := s.unitByCode(ctx, in.ParentCode)
		switch {
		case domain.IsCode(err, domain.ENotFound):
			v.Add("parent_code", fmt.Sprintf("Không tìm thấy đơn vị cấp trên %s", in.ParentCode), fmt.Sprintf("parent unit %s not found", in.ParentCode))
		case err != nil:
			return domain.Unit{}, err
		default:
			if err := authorize(p, domain.ActManage, pu); err != nil {
				if domain.IsCode(err, domain.ENotFound) {
					v.Add("parent_code", fmt.Sprintf("Không tìm thấy đơn vị cấp trên %s", in.ParentCode), fmt.Sprintf("parent unit %s not found", in.ParentCode))
				} else {
					return domain.Unit{}, err
				}
			} else {
				parent = &pu
			}
		}
	} else if !p.System {
		return domain.Unit{}, domain.Forbidden()
	}
	if parent != nil || in.ParentCode == "" {
		domain.CheckPlacement(s.rules, in.Kind, parent, 0, &v)
	}
	if err := v.Err(); err != nil {
		return domain.Unit{}, err
	}
	return s.store.CreateUnit(ctx, p, in, parent)
}

// UpdateUnit changes the name, category or members of a unit; p must manage it.
func (s *Service) UpdateUnit(ctx context.Context, p domain.Principal, code string, patch domain.UnitPatch) (domain.Unit, error) {
	defer s.units.forget()
	u, err := s.unitFor(ctx, p, domain.ActManage, code)
	if err != nil {
		return u, err
	}
	in := domain.UnitInput{Code: u.Code, Name: u.Name, Kind: u.Kind, Category: u.Category, Members: u.Members}
	if patch.Name != nil {
		in.Name = *patch.Name
	}
	if patch.Category != nil {
		in.Category = *patch.Category
	}
	if patch.Members != nil {
		in.Members = *patch.Members
	}
	in.Normalize()
	var v domain.Validation
	v.CheckVersion(patch.Version)
	in.Validate(s.rules, 0, &v)
	if err := v.Err(); err != nil {
		return u, err
	}
	patch.Name, patch.Category, patch.Members = &in.Name, &in.Category, &in.Members
	return s.store.UpdateUnit(ctx, p, u.Code, patch)
}

// MoveUnit puts the unit with code under newParent; p must manage both the
// unit and its new parent. The whole subtree follows.
func (s *Service) MoveUnit(ctx context.Context, p domain.Principal, code, newParent, reason string) (domain.Unit, error) {
	defer s.forgetTree() // grants carry the paths of their units
	u, err := s.unitFor(ctx, p, domain.ActManage, code)
	if err != nil {
		return u, err
	}
	var v domain.Validation
	newParent, ok := domain.ParseCode(newParent)
	switch {
	case newParent == "":
		v.Add("parent_code", "Thiếu mã đơn vị cấp trên mới", "parent_code is required")
	case !ok:
		v.Add("parent_code", fmt.Sprintf("Không tìm thấy đơn vị cấp trên %s", domain.ShowText(newParent, 64)),
			fmt.Sprintf("parent unit %s not found", domain.ShowText(newParent, 64)))
	}
	reason = domain.CheckReason(&v, "reason", reason, false)
	if err := v.Err(); err != nil {
		return u, err
	}
	return s.store.MoveUnit(ctx, p, u.Code, newParent, reason, func(unit, parent domain.Unit) error {
		if err := authorize(p, domain.ActManage, unit); err != nil {
			return err
		}
		switch {
		case !p.Can(domain.ActRead, parent.Path): // as if it did not exist
			return domain.Invalid("parent_code", fmt.Sprintf("Không tìm thấy đơn vị cấp trên %s", parent.Code),
				fmt.Sprintf("parent unit %s not found", parent.Code))
		case !p.Can(domain.ActManage, parent.Path):
			return domain.Invalid("parent_code", fmt.Sprintf("Đơn vị cấp trên %s không thuộc phạm vi đồng chí quản lý", parent.Code),
				fmt.Sprintf("parent unit %s is outside the units you manage", parent.Code))
		}
		return domain.CheckMove(s.rules, unit, parent)
	})
}

// MergeUnits merges the units with codes into the unit survivor; p must
// manage all of them. The merged units' cells move to the survivor.
func (s *Service) MergeUnits(ctx context.Context, p domain.Principal, survivor string, codes []string, reason string) (domain.Unit, error) {
	defer s.forgetTree() // grants carry the paths of their units
	u, err := s.unitFor(ctx, p, domain.ActManage, survivor)
	if err != nil {
		return u, err
	}
	var v domain.Validation
	norm := make([]string, 0, len(codes))
	for _, c := range codes {
		c, ok := domain.ParseCode(c)
		if !ok {
			v.Add("units", fmt.Sprintf("Không tìm thấy đơn vị %s", domain.ShowText(c, 64)), fmt.Sprintf("unit %s not found", domain.ShowText(c, 64)))
		}
		norm = append(norm, c)
	}
	reason = domain.CheckReason(&v, "reason", reason, false)
	if err := v.Err(); err != nil {
		return u, err
	}
	return s.store.MergeUnits(ctx, p, u.Code, norm, reason, func(sv domain.Unit, merged []domain.Unit) error {
		var v domain.Validation
		for _, m := range merged {
			switch {
			case !p.Can(domain.ActRead, m.Path): // as if it did not exist
				v.Add("units", fmt.Sprintf("Không tìm thấy đơn vị %s", m.Code), fmt.Sprintf("unit %s not found", m.Code))
			case !p.Can(domain.ActManage, m.Path):
				v.Add("units", fmt.Sprintf("Đơn vị %s không thuộc phạm vi đồng chí quản lý", m.Code), fmt.Sprintf("unit %s is outside the units you manage", m.Code))
			}
		}
		if err := v.Err(); err != nil {
			return err
		}
		return domain.CheckMerge(sv, merged)
	})
}

// MaxHistory bounds the changes returned by UnitHistory.
const MaxHistory = 500

// UnitHistory lists the recorded changes of the unit with code, newest first.
func (s *Service) UnitHistory(ctx context.Context, p domain.Principal, code string) ([]domain.UnitChange, error) {
	u, err := s.unitFor(ctx, p, domain.ActRead, code)
	if err != nil {
		return nil, err
	}
	return s.store.UnitHistory(ctx, u.ID, MaxHistory)
}
