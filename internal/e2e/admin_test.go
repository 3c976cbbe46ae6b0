//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/daihoi/daihoi/internal/core"
	"github.com/daihoi/daihoi/internal/domain"
)

// dialogs answers the browser's confirmation dialogs of ctx with the
// answers given by answer, one per dialog, and keeps their questions.
type dialogs struct {
	mu        sync.Mutex
	questions []string
	answer    bool
}

func answerDialogs(t *testing.T, ctx context.Context) *dialogs {
	t.Helper()
	d := &dialogs{}
	err := chromedp.Listen(ctx, func(ev any) {
		if ev, ok := ev.(*page.EventJavascriptDialogOpening); ok {
			d.mu.Lock()
			d.questions = append(d.questions, ev.Message)
			accept := d.answer
			d.mu.Unlock()
			go func() {
				_, _ = chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: accept})
			}()
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func (d *dialogs) asked() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]string(nil), d.questions...)
}

func (d *dialogs) answerWith(yes bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.answer = yes
}

// An admin on a phone who taps "lock the account" is asked first: no
// locks nothing, yes locks it.
func TestLockingAnAccountAsksFirst(t *testing.T) {
	s := newSite(t)
	ctx := context.Background()
	sys := domain.SystemPrincipal()
	if _, err := s.svc.CreateUser(ctx, sys, core.UserInput{Username: "quantri", FullName: "Lê Quản Trị", Password: password, Lang: "vi"}); err != nil {
		t.Fatal(err)
	}
	if err := s.svc.Grant(ctx, sys, "quantri", "admin", "HN.HBT"); err != nil {
		t.Fatal(err)
	}
	phone := browser(t, phoneW, phoneH)
	d := answerDialogs(t, phone)
	if err := s.signIn(phone, "quantri"); err != nil {
		t.Fatal(err)
	}
	card := `#user-bachmai`
	lock := card + ` form[action$="/active"] button`
	if err := chromedp.Do(phone, chromedp.Navigate(s.url+"/admin/users"), chromedp.WaitVisible(chromedp.CSS(lock))); err != nil {
		t.Fatal(err)
	}
	shot(t, phone, "admin-users-phone")

	d.answerWith(false)
	if err := chromedp.Do(phone, chromedp.Click(chromedp.CSS(lock)), chromedp.Sleep(500*time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	if q := d.asked(); len(q) != 1 || !strings.Contains(q[0], "Khóa tài khoản Nguyễn Thị Hồng?") {
		t.Fatalf("asked %q, want one question naming the account", q)
	}
	if state, err := text(phone, card+` p`); err != nil || state != "Đang hoạt động" {
		t.Errorf("after no, the card says %q (%v)", state, err)
	}
	if active, err := s.active(ctx, "bachmai"); err != nil || !active {
		t.Fatalf("after no: active %v (%v), want still active", active, err)
	}

	d.answerWith(true)
	if err := chromedp.Do(phone, chromedp.Click(chromedp.CSS(lock)), chromedp.WaitVisible(chromedp.CSS(`.flash`))); err != nil {
		t.Fatal(err)
	}
	if active, err := s.active(ctx, "bachmai"); err != nil || active {
		t.Errorf("after yes: active %v (%v), want locked", active, err)
	}

	// A refusal stays at the top until its × closes it.
	pw := card + ` form[action$="/password"]`
	if err := chromedp.Do(phone,
		chromedp.SendKeys(chromedp.CSS(pw+` input[name=password]`), "ngan"),
		chromedp.Click(chromedp.CSS(pw+` button`)),
		chromedp.WaitVisible(chromedp.CSS(`.flash-error .flash-close`)),
	); err != nil {
		t.Fatal(err)
	}
	shot(t, phone, "admin-refusal-phone")
	if err := chromedp.Do(phone, chromedp.Click(chromedp.CSS(`.flash-error .flash-close`)), chromedp.WaitNotPresent(chromedp.CSS(`.flash-error`))); err != nil {
		t.Errorf("the refusal does not close: %v", err)
	}
}

// active says whether the account username is active.
func (s *site) active(ctx context.Context, username string) (bool, error) {
	users, err := s.svc.Users(ctx, domain.SystemPrincipal())
	if err != nil {
		return false, err
	}
	for _, u := range users {
		if u.Username == username {
			return u.Active, nil
		}
	}
	return false, fmt.Errorf("no account %s", username)
}
