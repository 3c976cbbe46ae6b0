package core

import (
	"context"
	"fmt"
	"strings"

	"github.com/daihoi/daihoi/internal/auth"
	"github.com/daihoi/daihoi/internal/domain"
	"github.com/daihoi/daihoi/internal/store"
)

// Every action on an account is decided by domain.CheckAccount, inside the
// store's transaction that makes it (store.AccountCheck), on the account's
// roles and the number of admins as they are then; the listing and the
// admin page's offers come from the same rule (domain.ViewAccount).

// accountCheck is the store's check of action act (on role g, for grants
// and revokes) by p.
func accountCheck(p domain.Principal, act domain.AccountAction, g domain.Grant) store.AccountCheck {
	return func(a domain.Account, facts domain.AccountFacts) error {
		return domain.CheckAccount(p, act, a, g, facts)
	}
}

// UserInput is what an admin gives to create an account: Role and Unit give
// it its first role (needed unless p is an admin of a root unit, the only
// one who manages accounts without a role).
type UserInput struct {
	Username string `json:"username"`
	FullName string `json:"full_name"`
	Email    string `json:"email"`
	Password string `json:"password"`
	Lang     string `json:"lang"`
	Role     string `json:"role"`
	Unit     string `json:"unit"`
}

// CreateUser adds an account, with its first role when in names one; p must
// be able to manage the account it creates (domain.CheckAccount).
func (s *Service) CreateUser(ctx context.Context, p domain.Principal, in UserInput) (domain.User, error) {
	var v domain.Validation
	var roles []store.RoleOn
	var grants []domain.Grant
	var unitErr *domain.Error
	if strings.TrimSpace(in.Unit) != "" {
		// A wrong role or an unknown unit is told with the other fields'
		// refusals, not alone first; a unit out of reach still refuses all.
		r, rerr := parseRole(in.Role)
		u, uerr := s.unitFor(ctx, p, domain.ActAdmin, in.Unit)
		if de := domain.AsError(rerr); de != nil && de.Code == domain.EInvalid {
			v.Fields = append(v.Fields, de.Fields...)
		} else if rerr != nil {
			return domain.User{}, rerr
		}
		switch de := domain.AsError(uerr); {
		case uerr == nil:
		case de != nil && de.Code == domain.ENotFound:
			// Told alone as not found, or beside the other refusals.
			unitErr = de
		default:
			return domain.User{}, uerr
		}
		if rerr == nil && uerr == nil {
			roles = append(roles, store.RoleOn{Role: r, Unit: u})
			grants = append(grants, grantOn(r, u))
		}
	}
	if unitErr == nil {
		err := domain.CheckAccount(p, domain.AccountCreate, domain.Account{Grants: grants}, domain.Grant{}, domain.AccountFacts{})
		if de := domain.AsError(err); de != nil && de.Code == domain.EInvalid {
			v.Fields = append(v.Fields, de.Fields...)
		} else if err != nil {
			return domain.User{}, err
		}
	}
	in.Username = domain.NormalizeUsername(in.Username)
	if !domain.ValidUsername(in.Username) {
		v.Add("username", "Tên đăng nhập gồm 2–64 chữ thường không dấu, chữ số, '.', '_', '-'",
			"username must be 2–64 lower-case letters, digits, '.', '_' or '-'")
	}
	if err := domain.ValidatePassword("password", in.Password); err != nil {
		v.Fields = append(v.Fields, domain.AsError(err).Fields...)
	}
	email, err := domain.NormalizeEmail("email", in.Email)
	if err != nil {
		v.Fields = append(v.Fields, domain.AsError(err).Fields...)
	}
	fullName := domain.CheckText(&v, 0, "full_name", in.FullName, domain.OneLine)
	switch {
	case unitErr != nil && v.OK():
		return domain.User{}, unitErr
	case unitErr != nil:
		v.Add("unit", unitErr.Message.VI, unitErr.Message.EN)
	}
	if err := v.Err(); err != nil {
		return domain.User{}, err
	}
	hash, err := auth.HashPassword(in.Password)
	if err != nil {
		return domain.User{}, err
	}
	return s.store.CreateUser(ctx, p, domain.User{
		Username: in.Username, FullName: fullName, Email: email, Lang: domain.Lang(in.Lang),
	}, hash, roles...)
}

// parseRole reads a role name.
func parseRole(role string) (domain.Role, error) {
	r := domain.Role(strings.ToLower(strings.TrimSpace(role)))
	if !r.Valid() {
		return r, domain.Invalid("role", "Vai trò không hợp lệ (admin, board, supervisor, secretary, viewer)",
			"unknown role (admin, board, supervisor, secretary, viewer)")
	}
	return r, nil
}

// grantOn is role r on unit u, as the account rules see it.
func grantOn(r domain.Role, u domain.Unit) domain.Grant {
	return domain.Grant{Role: r, UnitCode: u.Code, UnitName: u.Name, UnitPath: u.Path}
}

// SetPassword replaces the password of username: one's own, or that of an
// account p manages. It ends the user's web sessions and revokes their API
// tokens.
func (s *Service) SetPassword(ctx context.Context, p domain.Principal, username, password string) error {
	_, err := s.setPassword(ctx, p, username, password)
	return err
}

// ChangeOwnPassword replaces p's password after checking the current one
// through the sign-in throttle (from addr, see LoginFrom), ends p's other
// web sessions and revokes p's API tokens. It returns the new session epoch,
// which keeps the session that asked signed in.
func (s *Service) ChangeOwnPassword(ctx context.Context, p domain.Principal, addr, current, next string) (epoch int64, err error) {
	if err := domain.ValidatePassword("password", next); err != nil {
		return 0, err
	}
	if _, err := s.LoginFrom(ctx, addr, p.User.Username, current); err != nil {
		return 0, err
	}
	return s.setPassword(ctx, p, p.User.Username, next)
}

func (s *Service) setPassword(ctx context.Context, p domain.Principal, username, password string) (int64, error) {
	defer s.principals.forget()
	if err := domain.ValidatePassword("password", password); err != nil {
		return 0, err
	}
	hash, err := auth.HashPassword(password)
	if err != nil {
		return 0, err
	}
	return s.store.SetPassword(ctx, p, domain.NormalizeUsername(username), hash, accountCheck(p, domain.AccountPassword, domain.Grant{}))
}

// SetEmail sets (or, with "", clears) the e-mail address of username, to
// which the weekly reports they subscribe to are sent: one's own, or that of
// an account p manages.
func (s *Service) SetEmail(ctx context.Context, p domain.Principal, username, email string) error {
	defer s.principals.forget()
	email, err := domain.NormalizeEmail("email", email)
	if err != nil {
		return err
	}
	return s.store.SetUserEmail(ctx, p, domain.NormalizeUsername(username), email, accountCheck(p, domain.AccountEmail, domain.Grant{}))
}

// SetLang sets the language of username's pages, "vi" or "en" (anything
// else is refused): one's own, or that of an account p manages.
func (s *Service) SetLang(ctx context.Context, p domain.Principal, username, lang string) error {
	defer s.principals.forget()
	if lang != "vi" && lang != "en" {
		return domain.Invalid("lang", fmt.Sprintf("Ngôn ngữ %q không có; chọn vi hoặc en", domain.ShowText(lang, 16)),
			fmt.Sprintf("there is no language %q; choose vi or en", domain.ShowText(lang, 16)))
	}
	return s.store.SetUserLang(ctx, p, domain.NormalizeUsername(username), lang, accountCheck(p, domain.AccountLang, domain.Grant{}))
}

// SetUserActive activates or deactivates an account p manages; nobody
// deactivates themselves or the last active admin of a root unit.
// Deactivation ends the user's web sessions and revokes their API tokens.
func (s *Service) SetUserActive(ctx context.Context, p domain.Principal, username string, active bool) error {
	defer s.principals.forget()
	act := domain.AccountDeactivate
	if active {
		act = domain.AccountActivate
	}
	return s.store.SetUserActive(ctx, p, domain.NormalizeUsername(username), active, accountCheck(p, act, domain.Grant{}))
}

// Grant gives username the role on the unit with code; p must manage the
// account and administer the unit.
func (s *Service) Grant(ctx context.Context, p domain.Principal, username, role, code string) error {
	defer s.principals.forget()
	r, err := parseRole(role)
	if err != nil {
		return err
	}
	u, err := s.unitFor(ctx, p, domain.ActAdmin, code)
	if err != nil {
		return err
	}
	return s.store.Grant(ctx, p, domain.NormalizeUsername(username), r, u, accountCheck(p, domain.AccountGrant, grantOn(r, u)))
}

// Revoke takes the role on the unit with code away from username; p must
// manage the account. Nobody takes away their own last admin role, nor the
// admin role of the last active admin of a root unit.
func (s *Service) Revoke(ctx context.Context, p domain.Principal, username, role, code string) error {
	defer s.principals.forget()
	u, err := s.unitFor(ctx, p, domain.ActAdmin, code)
	if err != nil {
		return err
	}
	r := domain.Role(strings.ToLower(strings.TrimSpace(role)))
	return s.store.Revoke(ctx, p, domain.NormalizeUsername(username), r, u, accountCheck(p, domain.AccountRevoke, grantOn(r, u)))
}

// Users lists the accounts p manages (domain.Principal.MayManage), each
// with the actions p may take on it; a caller who administers no unit is
// forbidden.
func (s *Service) Users(ctx context.Context, p domain.Principal) ([]domain.AccountView, error) {
	if err := domain.CheckAccount(p, domain.AccountList, domain.Account{}, domain.Grant{}, domain.AccountFacts{}); domain.IsCode(err, domain.EForbidden) {
		return nil, err
	}
	accounts, err := s.store.Accounts(ctx)
	if err != nil {
		return nil, err
	}
	facts, err := s.store.AccountFacts(ctx)
	if err != nil {
		return nil, err
	}
	out := []domain.AccountView{}
	for _, a := range accounts {
		if domain.CheckAccount(p, domain.AccountList, a, domain.Grant{}, facts) == nil {
			out = append(out, domain.ViewAccount(p, a, facts))
		}
	}
	return out, nil
}
