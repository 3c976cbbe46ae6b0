package mail_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/daihoi/daihoi/internal/mail"
	"github.com/daihoi/daihoi/internal/mail/mailtest"
)

// newMailer is a Mailer for c, failing the test if c is refused.
func newMailer(t *testing.T, c mail.Config) *mail.Mailer {
	t.Helper()
	m, err := mail.New(c)
	if err != nil {
		t.Fatalf("New(%+v): %v", c, err)
	}
	return m
}

// plain is a short message to "to".
func plain(to string) mail.Message {
	return mail.Message{To: to, Subject: "Nhắc việc", Text: "Xin chào."}
}

func TestSendDeliversVietnameseSubjectBodiesAndAttachment(t *testing.T) {
	srv := mailtest.Start(t)
	m := newMailer(t, srv.Config())
	xlsx := make([]byte, 50_000)
	if _, err := rand.Read(xlsx); err != nil {
		t.Fatal(err)
	}
	msg := mail.Message{
		To:      "Văn phòng Quận ủy <vanphong@hbt.example.test>",
		Subject: "Báo cáo tiến độ đại hội tuần 2020-W14 — Quận Hai Bà Trưng",
		Text:    "Kính gửi đồng chí,\n\nĐính kèm báo cáo tiến độ tuần 2020-W14: 12/15 chi bộ đã tổ chức đại hội.\nTrân trọng.",
		HTML:    "<p>Kính gửi đồng chí,</p>\n<p>Đính kèm báo cáo tiến độ tuần <b>2020-W14</b>: 12/15 chi bộ đã tổ chức đại hội.</p>",
		Attachments: []mail.Attachment{
			{Name: "bao-cao-tuan-HN.HBT-2020-W14.xlsx", ContentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", Data: xlsx},
			{Name: "Tổng hợp đại hội.csv", ContentType: "text/csv", Data: []byte("\ufeffĐơn vị;Đã đại hội\r\nPhường Bạch Mai;1\r\n")},
		},
	}

	if err := m.Send(context.Background(), msg); err != nil {
		t.Fatalf("Send: %v", err)
	}

	got := srv.Messages()
	if len(got) != 1 {
		t.Fatalf("server received %d messages, want 1", len(got))
	}
	r := got[0]
	if want := "daihoi@example.test"; r.From != want {
		t.Errorf("envelope from = %q, want %q", r.From, want)
	}
	if len(r.To) != 1 || r.To[0] != "vanphong@hbt.example.test" {
		t.Errorf("envelope to = %q, want [vanphong@hbt.example.test]", r.To)
	}
	if r.Subject != msg.Subject {
		t.Errorf("subject = %q, want %q", r.Subject, msg.Subject)
	}
	if r.Text != msg.Text {
		t.Errorf("text = %q, want %q", r.Text, msg.Text)
	}
	if r.HTML != msg.HTML {
		t.Errorf("html = %q, want %q", r.HTML, msg.HTML)
	}
	if len(r.Attachments) != len(msg.Attachments) {
		t.Fatalf("%d attachments, want %d", len(r.Attachments), len(msg.Attachments))
	}
	for i, want := range msg.Attachments {
		got := r.Attachments[i]
		if got.Name != want.Name {
			t.Errorf("attachment %d name = %q, want %q", i, got.Name, want.Name)
		}
		if got.ContentType != want.ContentType {
			t.Errorf("attachment %s content type = %q, want %q", want.Name, got.ContentType, want.ContentType)
		}
		if !bytes.Equal(got.Data, want.Data) {
			t.Errorf("attachment %s differs: got %d bytes, want the %d sent", want.Name, len(got.Data), len(want.Data))
		}
	}
	if bytes.Contains(r.Raw, []byte("Báo cáo")) {
		t.Errorf("subject sent unencoded:\n%s", r.Raw[:min(len(r.Raw), 800)])
	}
}

func TestSendWithoutHTMLSendsTextOnly(t *testing.T) {
	srv := mailtest.Start(t)
	m := newMailer(t, srv.Config())

	if err := m.Send(context.Background(), plain("a@example.test")); err != nil {
		t.Fatalf("Send: %v", err)
	}

	got := srv.Messages()
	if len(got) != 1 {
		t.Fatalf("server received %d messages, want 1", len(got))
	}
	if got, want := got[0].Text, "Xin chào."; got != want {
		t.Errorf("text = %q, want %q", got, want)
	}
	if got[0].HTML != "" || len(got[0].Attachments) != 0 {
		t.Errorf("html %q and %d attachments, want none", got[0].HTML, len(got[0].Attachments))
	}
}

func TestSendAuthenticatesWhenUsernameIsSet(t *testing.T) {
	srv := mailtest.Start(t)
	c := srv.Config()
	c.Username, c.Password = "daihoi", "bí mật"
	m := newMailer(t, c)

	if err := m.Send(context.Background(), plain("a@example.test")); err != nil {
		t.Fatalf("Send with authentication: %v", err)
	}
	if got := len(srv.Messages()); got != 1 {
		t.Errorf("server received %d messages, want 1", got)
	}
}

func TestSendNeverFallsBackToPlainText(t *testing.T) {
	for _, mode := range []string{"starttls", "tls"} {
		t.Run(mode, func(t *testing.T) {
			srv := mailtest.Start(t) // no TLS, no STARTTLS
			c := srv.Config()
			c.TLS = mode
			m := newMailer(t, c)

			if err := m.Send(context.Background(), plain("a@example.test")); err == nil {
				t.Fatalf("Send with mail.tls %q to a server without TLS returned no error", mode)
			}
			if got := srv.Attempts(); got != 0 {
				t.Errorf("server saw %d messages, want 0", got)
			}
		})
	}
}

func TestSendRefusedByServer(t *testing.T) {
	tests := []struct {
		name      string
		code      int
		permanent bool
	}{
		{"451 is temporary", 451, false},
		{"421 is temporary", 421, false},
		{"550 is permanent", 550, true},
		{"554 is permanent", 554, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := mailtest.Start(t)
			m := newMailer(t, srv.Config())
			srv.RefuseNext(1, tc.code)

			err := m.Send(context.Background(), plain("a@example.test"))
			if err == nil {
				t.Fatal("refused Send returned no error")
			}
			if got := mail.Permanent(err); got != tc.permanent {
				t.Errorf("Permanent(%v) = %v, want %v", err, got, tc.permanent)
			}
			if !strings.HasPrefix(err.Error(), "mail: send to a@example.test: ") {
				t.Errorf("error %q does not say which send failed", err)
			}

			if err := m.Send(context.Background(), plain("a@example.test")); err != nil {
				t.Fatalf("Send after the refusal: %v", err)
			}
			if got, want := srv.Attempts(), 2; got != want {
				t.Errorf("attempts = %d, want %d", got, want)
			}
			if got, want := len(srv.Messages()), 1; got != want {
				t.Errorf("accepted %d messages, want %d", got, want)
			}
		})
	}
}

func TestSendFailuresWithoutRefusalAreTemporary(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closedPort := l.Addr().(*net.TCPAddr).Port
	l.Close()
	m := newMailer(t, mail.Config{Host: "127.0.0.1", Port: closedPort, TLS: "none", From: "daihoi@example.test", Timeout: 2 * time.Second})

	err = m.Send(context.Background(), plain("a@example.test"))
	if err == nil {
		t.Fatal("Send to a closed port returned no error")
	}
	if mail.Permanent(err) {
		t.Errorf("Permanent(%v) = true for a refused connection", err)
	}
	if mail.Permanent(nil) {
		t.Error("Permanent(nil) = true")
	}
}

func TestSendToUnparsableAddressIsPermanent(t *testing.T) {
	srv := mailtest.Start(t)
	m := newMailer(t, srv.Config())

	err := m.Send(context.Background(), plain("not an address"))
	if err == nil {
		t.Fatal("Send to a bad address returned no error")
	}
	if !mail.Permanent(err) {
		t.Errorf("Permanent(%v) = false for an unparsable address", err)
	}
	if got := srv.Attempts(); got != 0 {
		t.Errorf("server saw %d attempts, want 0", got)
	}
}

func TestNewRefusesBadConfig(t *testing.T) {
	good := mail.Config{Host: "smtp.example.test", Port: 587, From: "Ban Tổ chức Quận ủy <daihoi@example.vn>", TLS: "starttls", Timeout: 30 * time.Second}
	tests := []struct {
		name    string
		edit    func(*mail.Config)
		setting string
	}{
		{"unknown TLS mode", func(c *mail.Config) { c.TLS = "ssl" }, "mail.tls"},
		{"no From", func(c *mail.Config) { c.From = "" }, "mail.from"},
		{"From not an address", func(c *mail.Config) { c.From = "Ban Tổ chức" }, "mail.from"},
		{"port 0 with host set", func(c *mail.Config) { c.Port = 0 }, "mail.port"},
		{"port above 65535", func(c *mail.Config) { c.Port = 65536 }, "mail.port"},
		{"negative timeout", func(c *mail.Config) { c.Timeout = -time.Second }, "mail.timeout"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := good
			tc.edit(&c)
			m, err := mail.New(c)
			if err == nil {
				t.Fatalf("New(%+v) = %v, want an error", c, m)
			}
			if !strings.Contains(err.Error(), tc.setting) {
				t.Errorf("error %q does not name %s", err, tc.setting)
			}
		})
	}
	t.Run("good config is accepted", func(t *testing.T) {
		if m := newMailer(t, good); !m.Enabled() {
			t.Error("Enabled() = false with a host set")
		}
	})
	t.Run("empty TLS mode means starttls", func(t *testing.T) {
		c := good
		c.TLS = ""
		newMailer(t, c)
	})
}

func TestNewWithoutHostIsOff(t *testing.T) {
	m := newMailer(t, mail.Config{Port: 587, TLS: "starttls"})
	if m.Enabled() {
		t.Error("Enabled() = true without a host")
	}
	err := m.Send(context.Background(), plain("a@example.test"))
	if !errors.Is(err, mail.ErrOff) {
		t.Errorf("Send = %v, want ErrOff", err)
	}
	if mail.Permanent(err) {
		t.Error("Permanent(ErrOff) = true")
	}
}

func TestSendHonoursContext(t *testing.T) {
	t.Run("already cancelled", func(t *testing.T) {
		srv := mailtest.Start(t)
		m := newMailer(t, srv.Config())
		ctx, cancel := context.WithCancel(context.Background())
		cancel()

		err := sendTimed(t, m, ctx, time.Second)
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Send = %v, want context.Canceled", err)
		}
		if got := srv.Attempts(); got != 0 {
			t.Errorf("server saw %d attempts, want 0", got)
		}
	})
	t.Run("cancelled while the server is silent", func(t *testing.T) {
		port := silentServer(t)
		m := newMailer(t, mail.Config{Host: "127.0.0.1", Port: port, TLS: "none", From: "daihoi@example.test", Timeout: time.Minute})
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(100*time.Millisecond, cancel)

		err := sendTimed(t, m, ctx, 2*time.Second)
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Send = %v, want context.Canceled", err)
		}
	})
	t.Run("timeout ends a send to a silent server", func(t *testing.T) {
		port := silentServer(t)
		m := newMailer(t, mail.Config{Host: "127.0.0.1", Port: port, TLS: "none", From: "daihoi@example.test", Timeout: 200 * time.Millisecond})

		err := sendTimed(t, m, context.Background(), 2*time.Second)
		if err == nil {
			t.Error("Send to a silent server returned no error")
		}
		if mail.Permanent(err) {
			t.Errorf("Permanent(%v) = true for a timeout", err)
		}
	})
}

// sendTimed sends a short message with ctx and fails the test unless Send
// returns within limit.
func sendTimed(t *testing.T, m *mail.Mailer, ctx context.Context, limit time.Duration) error {
	t.Helper()
	done := make(chan error, 1)
	start := time.Now()
	go func() { done <- m.Send(ctx, plain("a@example.test")) }()
	select {
	case err := <-done:
		if took := time.Since(start); took > limit {
			t.Errorf("Send took %s, want under %s", took, limit)
		}
		return err
	case <-time.After(limit + 5*time.Second):
		t.Fatalf("Send did not return within %s", limit+5*time.Second)
		return nil
	}
}

// silentServer listens on 127.0.0.1, accepts connections and never answers;
// it returns the port.
func silentServer(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	conns := make(chan net.Conn, 16)
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			conns <- c
		}
	}()
	t.Cleanup(func() {
		l.Close()
		for {
			select {
			case c := <-conns:
				c.Close()
			default:
				return
			}
		}
	})
	return l.Addr().(*net.TCPAddr).Port
}
