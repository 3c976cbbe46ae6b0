package store

import (
	"context"
	"testing"

	"github.com/daihoi/daihoi/internal/domain"
)

// TestAUnitsPlaceIsTheUnitsBetweenThePagesUnitAndIt specifies unit_place,
// the one rule of the place shown beside a unit in every list.
func TestAUnitsPlaceIsTheUnitsBetweenThePagesUnitAndIt(t *testing.T) {
	s, _ := searchTree(t)
	ctx := context.Background()
	for _, tc := range []struct {
		name, unit, page, want string
	}{
		{"a cell listed on its district's page shows its ward", "HN.HBT.BM.1", "HN.HBT", "HN.HBT.BM"},
		{"a cell listed on its city's page shows its ward then its district", "HN.HBT.BM.1", "HN", "HN.HBT.BM › HN.HBT"},
		{"a cell listed on its ward's page shows nothing", "HN.HBT.BM.1", "HN.HBT.BM", ""},
		{"a ward listed on its district's page shows nothing", "HN.HBT.BM", "HN.HBT", ""},
		{"a ward listed on its city's page shows its district", "HN.HBT.BM", "HN", "HN.HBT"},
		{"two cells of the same name are told apart by their wards", "HN.DD.KT.1", "HN", "HN.DD.KT › HN.DD"},
		{"a unit on its own page shows nothing", "HN.HBT", "HN.HBT", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var p domain.Place
			if err := s.db.GetContext(ctx, &p, `SELECT unit_place(u.path, nlevel(t.path)) FROM units u, units t WHERE u.code = $1 AND t.code = $2`,
				tc.unit, tc.page); err != nil {
				t.Fatal(err)
			}
			got := ""
			for i, u := range p {
				if i > 0 {
					got += " › "
				}
				got += u.Code
				if u.Name == "" || u.Kind == "" {
					t.Errorf("place %d of %s has no name or kind: %+v", i, tc.unit, u)
				}
			}
			if got != tc.want {
				t.Errorf("place of %s on the page of %s = %q, want %q", tc.unit, tc.page, got, tc.want)
			}
		})
	}
	t.Run("the names are written nearest first", func(t *testing.T) {
		var p domain.Place
		if err := s.db.GetContext(ctx, &p, `SELECT unit_place(path, 1) FROM units WHERE code = 'HN.HBT.BM.1'`); err != nil {
			t.Fatal(err)
		}
		if got, want := p.String(), "Đảng bộ phường Bạch Mai › Đảng bộ quận Hai Bà Trưng"; got != want {
			t.Errorf("place = %q, want %q", got, want)
		}
	})
}
