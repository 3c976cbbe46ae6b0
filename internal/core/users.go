package core

import (
	"context"
	"strings"

	"github.com/daihoi/daihoi/internal/auth"
	"github.com/daihoi/daihoi/internal/domain"
)

// Login checks a username and password and returns the caller they make.
// Any failure is the same unauthorized error, whether the user exists or not.
func (s *Service) Login(ctx context.Context, username, password string) (domain.Principal, error) {
	user, hash, err := s.store.UserByUsername(ctx, domain.NormalizeUsername(username))
	if domain.IsCode(err, domain.ENotFound) {
		auth.CheckNothing(password)
		return domain.Principal{}, badLogin()
	}
	if err != nil {
		return domain.Principal{}, err
	}
	if !auth.CheckPassword(hash, password) || !user.Active {
		return domain.Principal{}, badLogin()
	}
	return s.store.Principal(ctx, user.ID)
}

func badLogin() error {
	return &domain.Error{Code: domain.EUnauthorized, Message: domain.Text{
		VI: "Tên đăng nhập hoặc mật khẩu không đúng",
		EN: "Wrong username or password",
	}}
}

// Principal loads the caller with the user id (from a session).
func (s *Service) Principal(ctx context.Context, userID int64) (domain.Principal, error) {
	k := principalKey{userID: userID}
	if p, ok := s.principals.get(k); ok {
		return p, nil
	}
	p, err := s.store.Principal(ctx, userID)
	if err != nil {
		return p, err
	}
	if !p.User.Active {
		return domain.Principal{}, domain.Unauthorized()
	}
	s.principals.put(k, p)
	return p, nil
}

// IssueToken makes a new API token for p; only its hash is stored.
func (s *Service) IssueToken(ctx context.Context, p domain.Principal) (token string, expires string, err error) {
	tok, hash, err := auth.NewToken()
	if err != nil {
		return "", "", err
	}
	exp := s.clock.Now().Add(s.opts.TokenTTL)
	if err := s.store.CreateToken(ctx, p.User.ID, hash, exp); err != nil {
		return "", "", err
	}
	return tok, exp.UTC().Format("2006-01-02T15:04:05Z07:00"), nil
}

// Authenticate returns the caller owning an unexpired API token.
func (s *Service) Authenticate(ctx context.Context, token string) (domain.Principal, error) {
	token = strings.TrimSpace(token)
	if token == "" {
		return domain.Principal{}, domain.Unauthorized()
	}
	hash := auth.HashToken(token)
	k := principalKey{token: string(hash)}
	if p, ok := s.principals.get(k); ok {
		return p, nil
	}
	p, err := s.store.PrincipalByToken(ctx, hash, s.clock.Now())
	if err != nil {
		return p, err
	}
	s.principals.put(k, p)
	return p, nil
}

// RevokeToken deletes an API token.
func (s *Service) RevokeToken(ctx context.Context, token string) error {
	defer s.principals.forget()
	return s.store.DeleteToken(ctx, auth.HashToken(strings.TrimSpace(token)))
}

// UserInput is what an admin gives to create an account.
type UserInput struct {
	Username string `json:"username"`
	FullName string `json:"full_name"`
	Email    string `json:"email"`
	Password string `json:"password"`
	Lang     string `json:"lang"`
}

// CreateUser adds an account; p must be an admin somewhere.
func (s *Service) CreateUser(ctx context.Context, p domain.Principal, in UserInput) (domain.User, error) {
	if !p.CanAnywhere(domain.ActAdmin) {
		return domain.User{}, domain.Forbidden()
	}
	in.Username = domain.NormalizeUsername(in.Username)
	var v domain.Validation
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
	if err := v.Err(); err != nil {
		return domain.User{}, err
	}
	hash, err := auth.HashPassword(in.Password)
	if err != nil {
		return domain.User{}, err
	}
	return s.store.CreateUser(ctx, p, domain.User{
		Username: in.Username, FullName: fullName, Email: email, Lang: domain.Lang(in.Lang),
	}, hash)
}

// SetPassword replaces the password of username: their own, or anyone's for an admin.
func (s *Service) SetPassword(ctx context.Context, p domain.Principal, username, password string) error {
	defer s.principals.forget()
	username = domain.NormalizeUsername(username)
	if !p.System && p.User.Username != username && !p.CanAnywhere(domain.ActAdmin) {
		return domain.Forbidden()
	}
	if err := domain.ValidatePassword("password", password); err != nil {
		return err
	}
	hash, err := auth.HashPassword(password)
	if err != nil {
		return err
	}
	return s.store.SetPassword(ctx, p, username, hash)
}

// SetEmail sets (or, with "", clears) the e-mail address of username, to
// which the weekly reports they subscribe to are sent: their own, or
// anyone's for an admin.
func (s *Service) SetEmail(ctx context.Context, p domain.Principal, username, email string) error {
	defer s.principals.forget()
	username = domain.NormalizeUsername(username)
	if !p.System && p.User.Username != username && !p.CanAnywhere(domain.ActAdmin) {
		return domain.Forbidden()
	}
	email, err := domain.NormalizeEmail("email", email)
	if err != nil {
		return err
	}
	return s.store.SetUserEmail(ctx, p, username, email)
}

// SetUserActive activates or deactivates an account; p must be an admin.
func (s *Service) SetUserActive(ctx context.Context, p domain.Principal, username string, active bool) error {
	defer s.principals.forget()
	if !p.CanAnywhere(domain.ActAdmin) {
		return domain.Forbidden()
	}
	return s.store.SetUserActive(ctx, p, domain.NormalizeUsername(username), active)
}

// Grant gives username the role on the unit with code; p must administer that unit.
func (s *Service) Grant(ctx context.Context, p domain.Principal, username, role, code string) error {
	defer s.principals.forget()
	r := domain.Role(strings.ToLower(strings.TrimSpace(role)))
	if !r.Valid() {
		return domain.Invalid("role", "Vai trò không hợp lệ (admin, board, supervisor, secretary, viewer)",
			"unknown role (admin, board, supervisor, secretary, viewer)")
	}
	u, err := s.unitFor(ctx, p, domain.ActAdmin, code)
	if err != nil {
		return err
	}
	return s.store.Grant(ctx, p, domain.NormalizeUsername(username), r, u)
}

// Revoke takes the role on the unit with code away from username.
func (s *Service) Revoke(ctx context.Context, p domain.Principal, username, role, code string) error {
	defer s.principals.forget()
	u, err := s.unitFor(ctx, p, domain.ActAdmin, code)
	if err != nil {
		return err
	}
	return s.store.Revoke(ctx, p, domain.NormalizeUsername(username), domain.Role(strings.ToLower(strings.TrimSpace(role))), u)
}

// UserWithGrants is an account and its roles.
type UserWithGrants struct {
	domain.User
	Grants []domain.Grant
}

// Users lists the accounts an admin may manage: those with a role on a unit
// within the admin's scope, and those with no role yet (to be given one).
// Others see nothing (forbidden).
func (s *Service) Users(ctx context.Context, p domain.Principal) ([]UserWithGrants, error) {
	if !p.CanAnywhere(domain.ActAdmin) {
		return nil, domain.Forbidden()
	}
	users, err := s.store.Users(ctx)
	if err != nil {
		return nil, err
	}
	grants, err := s.store.GrantsByUser(ctx)
	if err != nil {
		return nil, err
	}
	out := []UserWithGrants{}
	for _, u := range users {
		gs := grants[u.ID]
		visible := len(gs) == 0
		var mine []domain.Grant
		for _, g := range gs {
			if p.Can(domain.ActAdmin, g.UnitPath) {
				visible = true
				mine = append(mine, g)
			}
		}
		if visible {
			out = append(out, UserWithGrants{User: u, Grants: mine})
		}
	}
	return out, nil
}
