package core

import (
	"context"
	"fmt"
	"io"

	"github.com/daihoi/daihoi/internal/domain"
	"github.com/daihoi/daihoi/internal/unitfile"
)

// ImportUnits creates, updates and moves units as the rows say, all or
// nothing: every bad row is reported (with its row number) in one EInvalid
// error and then nothing is written. Rows of units that exist and already
// look like the row change nothing, so importing a file twice is harmless.
//
// The system may import anything. Any other caller must manage the parent of
// every created or moved unit and every unit a row changes; a row whose
// parent is outside that scope is a bad row, and a row that would create a
// root makes the import forbidden. The demo seed calls this with rows built
// in Go, numbered from 1.
func (s *Service) ImportUnits(ctx context.Context, p domain.Principal, rows []domain.ImportRow) (domain.ImportResult, error) {
	defer s.forgetTree() // an import may move granted units
	if !p.System && !p.CanAnywhere(domain.ActManage) {
		return domain.ImportResult{}, domain.Forbidden()
	}
	res, err := s.store.ApplyImport(ctx, p, func(existing map[string]domain.ExistingUnit) (domain.ImportPlan, error) {
		return domain.PlanImport(s.rules, p, rows, existing)
	})
	if err != nil {
		return res, err
	}
	s.log.Info("units imported", "user", p.User.Username, "rows", len(rows),
		"created", res.Created, "updated", res.Updated, "moved", res.Moved, "unchanged", res.Unchanged)
	return res, nil
}

// ImportUnitsFile reads a unit file (.csv or .xlsx, chosen by the extension
// of filename) from r within lim and imports it with ImportUnits. A file
// over the limits is refused before anything is written.
func (s *Service) ImportUnitsFile(ctx context.Context, p domain.Principal, filename string, r io.Reader, lim unitfile.Limits) (domain.ImportResult, error) {
	format, err := unitfile.FormatOf(filename)
	if err != nil {
		return domain.ImportResult{}, err
	}
	if !p.System && !p.CanAnywhere(domain.ActManage) {
		return domain.ImportResult{}, domain.Forbidden()
	}
	rows, err := unitfile.Read(format, r, lim)
	if err != nil {
		return domain.ImportResult{}, err
	}
	return s.ImportUnits(ctx, p, rows)
}

// ExportUnits returns the active units of the subtree of the unit rootCode
// in tree order (parents before children), which p must be able to read.
// An empty rootCode means the whole tree, for the system only.
func (s *Service) ExportUnits(ctx context.Context, p domain.Principal, rootCode string) ([]domain.Unit, error) {
	rootCode = domain.NormalizeCode(rootCode)
	if rootCode == "" {
		if !p.System {
			return nil, domain.Forbidden()
		}
		return s.store.ExportUnits(ctx, "")
	}
	root, err := s.unitFor(ctx, p, domain.ActRead, rootCode)
	if err != nil {
		return nil, err
	}
	if !root.Active {
		return nil, domain.Invalid("root", fmt.Sprintf("Đơn vị %s đã ngừng hoạt động", root.Code), fmt.Sprintf("unit %s is inactive", root.Code))
	}
	return s.store.ExportUnits(ctx, root.Path)
}

// ExportUnitsFile writes the units ExportUnits returns to w in the format
// named by the extension of filename (.csv or .xlsx) and returns how many
// units it wrote.
func (s *Service) ExportUnitsFile(ctx context.Context, p domain.Principal, rootCode, filename string, w io.Writer) (int, error) {
	format, err := unitfile.FormatOf(filename)
	if err != nil {
		return 0, err
	}
	units, err := s.ExportUnits(ctx, p, rootCode)
	if err != nil {
		return 0, err
	}
	if err := unitfile.Write(format, w, units); err != nil {
		return 0, fmt.Errorf("core: export units: %w", err)
	}
	return len(units), nil
}
