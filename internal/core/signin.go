package core

import (
	"context"
	"strings"
	"time"

	"github.com/daihoi/daihoi/internal/auth"
	"github.com/daihoi/daihoi/internal/domain"
)

// Login is LoginFrom without a client address: only the username's
// attempts are counted.
func (s *Service) Login(ctx context.Context, username, password string) (domain.Principal, error) {
	return s.LoginFrom(ctx, "", username, password)
}

// LoginFrom checks a username and password sent from the client address
// addr and returns the caller they make. Any failure is the same
// unauthorized error, whether the user exists or not.
//
// The attempt is counted first, for the address and then for the username
// (Options.SignIn), each in one statement in the database, so that
// concurrent attempts and every daihoi process share the counts: a locked
// key is refused (domain.SignInLocked) without checking the password, and
// an attempt refused for its address is not counted for the username; a
// slowed attempt waits before the check. A success clears the username's
// count and takes the attempt back from the address's.
func (s *Service) LoginFrom(ctx context.Context, addr, username, password string) (domain.Principal, error) {
	username = domain.NormalizeUsername(username)
	addr = strings.TrimSpace(addr)
	valid := domain.ValidUsername(username)
	var keys []string
	if addr != "" {
		keys = append(keys, "addr:"+addr)
	}
	if valid {
		keys = append(keys, "user:"+username)
	}
	now := s.clock.Now()
	pol := s.opts.SignIn
	counts := make([]domain.SignInCount, 0, len(keys))
	for _, k := range keys {
		c, err := s.store.CountSignIn(ctx, k, now, pol)
		if err != nil {
			return domain.Principal{}, err
		}
		if _, err := pol.Decide(now, c); err != nil {
			return domain.Principal{}, err
		}
		counts = append(counts, c)
	}
	delay, err := pol.Decide(now, counts...)
	if err != nil {
		return domain.Principal{}, err
	}
	if delay > 0 {
		t := time.NewTimer(delay)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return domain.Principal{}, ctx.Err()
		}
	}
	p, err := s.checkLogin(ctx, valid, username, password)
	if err != nil {
		return p, err
	}
	if valid {
		if err := s.store.ClearSignIns(ctx, "user:"+username); err != nil {
			return domain.Principal{}, err
		}
	}
	if addr != "" {
		if err := s.store.UncountSignIn(ctx, "addr:"+addr, now); err != nil {
			return domain.Principal{}, err
		}
	}
	return p, nil
}

// checkLogin checks the password of username (valid: a possible username)
// and returns the caller. It spends the time of a check on unknown users too.
func (s *Service) checkLogin(ctx context.Context, valid bool, username, password string) (domain.Principal, error) {
	s.passwordChecks.Add(1)
	if !valid {
		auth.CheckNothing(password)
		return domain.Principal{}, badLogin()
	}
	user, hash, err := s.store.UserByUsername(ctx, username)
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

// PasswordChecks returns how many passwords these services have checked
// (bcrypt comparisons, those spent on unknown users included).
func (s *Service) PasswordChecks() int64 { return s.passwordChecks.Load() }

// Principal loads the caller of a web session: the user with userID,
// signed in at session epoch epoch. A session of another epoch is over (the
// password changed or the account was deactivated since), as is a session
// of an inactive user: both are unauthorized.
func (s *Service) Principal(ctx context.Context, userID, epoch int64) (domain.Principal, error) {
	k := principalKey{userID: userID}
	if p, ok := s.principals.get(k); ok && p.User.SessionEpoch == epoch {
		return p, nil
	}
	gen := s.principals.generation()
	p, err := s.store.Principal(ctx, userID)
	if err != nil {
		return domain.Principal{}, err
	}
	if !p.User.Active {
		return domain.Principal{}, domain.Unauthorized()
	}
	s.principals.put(k, p, gen)
	if p.User.SessionEpoch != epoch {
		return domain.Principal{}, domain.Unauthorized()
	}
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
	gen := s.principals.generation()
	p, err := s.store.PrincipalByToken(ctx, hash, s.clock.Now())
	if err != nil {
		return p, err
	}
	s.principals.put(k, p, gen)
	return p, nil
}

// RevokeToken deletes an API token.
func (s *Service) RevokeToken(ctx context.Context, token string) error {
	defer s.principals.forget()
	return s.store.DeleteToken(ctx, auth.HashToken(strings.TrimSpace(token)))
}

func badLogin() error {
	return &domain.Error{Code: domain.EUnauthorized, Message: domain.Text{
		VI: "Tên đăng nhập hoặc mật khẩu không đúng",
		EN: "Wrong username or password",
	}}
}
