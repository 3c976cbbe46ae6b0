// Package demo holds the demonstration data of daihoi: the party organization
// of Hai Bà Trưng district (Hà Nội) as it stood for the 2020–2025 congress
// round, with its 20 wards, about 60 grassroots organizations and 500 cells,
// one demo account per role, and that round as it stood on a demo date
// (round.go). Seed loads them into an empty database.
package demo

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/daihoi/daihoi/internal/auth"
	"github.com/daihoi/daihoi/internal/core"
	"github.com/daihoi/daihoi/internal/domain"
)

// Password is the password of every demo account. It is shorter than the
// services accept: demo accounts are created below them, on purpose.
const Password = "demo"

// Login is a demo account and what it may do.
type Login struct {
	Username string
	FullName string
	Role     domain.Role
	// Units are the codes of the units the role is granted on.
	Units []string
	// Unit describes the scope for a listing: a code, or a working group and its codes.
	Unit string
	// Group names the working group the account leads: it then holds no
	// role of its own, and Role on Units is what membership gives.
	Group string
}

// supervisedWards are the wards followed by working group 1 (Tổ công tác số 1).
var supervisedWards = []string{BachMaiCode, DistrictCode + ".MINHKHAI", DistrictCode + ".QUYNHLOI", DistrictCode + ".QUYNHMAI"}

// Logins returns the demo accounts, all with the password Password.
func Logins() []Login {
	return []Login{
		{Username: "admin", FullName: "Nguyễn Thị Hồng Nhung", Role: domain.RoleAdmin,
			Units: []string{CityCode}, Unit: CityCode},
		{Username: "bantochuc", FullName: "Trần Văn Minh", Role: domain.RoleBoard,
			Units: []string{DistrictCode}, Unit: DistrictCode},
		{Username: "bachmai", FullName: "Lê Thị Thu Hà", Role: domain.RoleSecretary,
			Units: []string{BachMaiCode}, Unit: BachMaiCode},
		{Username: "totacong1", FullName: "Phạm Quốc Hưng", Role: domain.RoleSupervisor, Group: GroupName(1),
			Units: supervisedWards, Unit: GroupName(1) + " (tổ trưởng): " + strings.Join(supervisedWards, ", ")},
		{Username: "xem", FullName: "Đỗ Minh Tuấn", Role: domain.RoleViewer,
			Units: []string{DistrictCode}, Unit: DistrictCode},
	}
}

// Seed loads the demo units and accounts, and the demo round as it stood on
// Date, into a database without units; when the database has units already
// it changes nothing and returns nil.
func Seed(ctx context.Context, svc *core.Service) error { return SeedOn(ctx, svc, Date) }

// SeedOn is Seed with the demo round as it stood on day (setting demo.date).
func SeedOn(ctx context.Context, svc *core.Service, day time.Time) error {
	sys := domain.SystemPrincipal()
	n, err := svc.CountUnits(ctx, sys)
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	if n > 0 {
		return nil
	}
	if _, err := svc.ImportUnits(ctx, sys, Units()); err != nil {
		return fmt.Errorf("demo: units: %w", err)
	}
	for _, l := range Logins() {
		// The services refuse a password as short as "demo"; the store does not check.
		hash, err := auth.HashPassword(Password)
		if err != nil {
			return fmt.Errorf("demo: %w", err)
		}
		if _, err := svc.SeedUser(ctx, sys, domain.User{Username: l.Username, FullName: l.FullName, Lang: "vi"}, hash); err != nil {
			return fmt.Errorf("demo: user %s: %w", l.Username, err)
		}
		for _, code := range l.Units {
			if l.Group != "" {
				break // membership gives the grants (seedGroups)
			}
			if err := svc.Grant(ctx, sys, l.Username, string(l.Role), code); err != nil {
				return fmt.Errorf("demo: grant %s to %s: %w", l.Role, l.Username, err)
			}
		}
	}
	return seedRound(ctx, svc, day)
}
