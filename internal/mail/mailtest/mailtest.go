// Package mailtest runs an SMTP server inside a test process
// (github.com/emersion/go-smtp), so that code sending mail can be tested
// against a real SMTP conversation: it records what it accepts, decoded,
// and can be told to refuse the next messages with a given code.
package mailtest

import (
	"errors"
	"fmt"
	"io"
	"net"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/daihoi/daihoi/internal/mail"
)

// Server is an SMTP server on 127.0.0.1 without TLS. It accepts any
// sender, any recipient and, when asked, any PLAIN credentials. It is safe
// for concurrent use.
type Server struct {
	t    testing.TB
	srv  *smtp.Server
	port int

	mu         sync.Mutex
	closed     bool
	refuseLeft int
	refuseCode int
	attempts   int
	received   []Received
}

// Received is a message the server accepted.
type Received struct {
	// From and To are the envelope: the MAIL FROM and RCPT TO addresses.
	From string
	To   []string
	// Subject is decoded from RFC 2047 (UTF-8 intact).
	Subject string
	// Text and HTML are the decoded bodies (quoted-printable and base64
	// undone), with CRLF line ends turned into "\n". The body of a message
	// that is not multipart loses one final line end: SMTP adds one before
	// the closing dot when missing, so whether the sender wrote it is lost.
	Text, HTML string
	// Attachments are decoded, with their file names and content types.
	Attachments []mail.Attachment
	// Raw is the message as the server received it.
	Raw []byte
}

// Start starts a server on a free port of 127.0.0.1; it stops when the
// test ends.
func Start(t testing.TB) *Server {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("mailtest: listen: %v", err)
	}
	s := &Server{t: t, port: l.Addr().(*net.TCPAddr).Port}
	s.srv = smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) {
		return &session{s: s}, nil
	}))
	s.srv.Domain = "mailtest.localhost"
	s.srv.AllowInsecureAuth = true
	s.srv.MaxMessageBytes = 64 << 20
	s.srv.ReadTimeout = time.Minute
	s.srv.WriteTimeout = time.Minute
	s.srv.ErrorLog = logger{s}
	served := make(chan struct{})
	go func() {
		defer close(served)
		if err := s.srv.Serve(l); err != nil && !errors.Is(err, smtp.ErrServerClosed) {
			s.logf("mailtest: serve: %v", err)
		}
	}()
	t.Cleanup(func() {
		s.srv.Close()
		l.Close() // Close misses l if Serve has not registered it yet
		<-served
		s.mu.Lock()
		s.closed = true
		s.mu.Unlock()
	})
	return s
}

// Config is a mail configuration for this server: its host and port, TLS
// "none", From "daihoi <daihoi@example.test>" and a 5 second timeout.
func (s *Server) Config() mail.Config {
	return mail.Config{
		Host:    "127.0.0.1",
		Port:    s.port,
		TLS:     "none",
		From:    "daihoi <daihoi@example.test>",
		Timeout: 5 * time.Second,
	}
}

// RefuseNext makes the server refuse the next n messages at the end of DATA
// with code: a 4xx code is a temporary refusal (e.g. 451), a 5xx code a
// permanent one (e.g. 550). A later call replaces an earlier one.
func (s *Server) RefuseNext(n int, code int) {
	s.t.Helper()
	if code < 400 || code > 599 {
		s.t.Fatalf("mailtest: RefuseNext code %d, want 400 to 599", code)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refuseLeft, s.refuseCode = n, code
}

// Messages returns the accepted messages, in the order they arrived.
func (s *Server) Messages() []Received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.received)
}

// Attempts is the number of messages sent to the server, accepted or
// refused.
func (s *Server) Attempts() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.attempts
}

// deliver records a message that reached the end of DATA, or refuses it.
func (s *Server) deliver(from string, to []string, raw []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.attempts++
	if s.refuseLeft > 0 {
		s.refuseLeft--
		return &smtp.SMTPError{Code: s.refuseCode, Message: "refused by mailtest"}
	}
	r, err := parse(raw)
	if err != nil {
		if !s.closed {
			s.t.Errorf("mailtest: message from %s: %v\n%s", from, err, raw[:min(len(raw), 4096)])
		}
		return &smtp.SMTPError{Code: 554, Message: "mailtest cannot parse the message"}
	}
	r.From, r.To = from, slices.Clone(to)
	s.received = append(s.received, r)
	return nil
}

// logf logs to the test while it runs.
func (s *Server) logf(format string, args ...any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.closed {
		s.t.Logf(format, args...)
	}
}

// logger sends the go-smtp server's log to the test.
type logger struct{ s *Server }

func (l logger) Printf(format string, v ...any) { l.s.logf("mailtest: "+format, v...) }
func (l logger) Println(v ...any)               { l.s.logf("mailtest: %s", fmt.Sprint(v...)) }

// session is one SMTP connection.
type session struct {
	s    *Server
	from string
	to   []string
}

func (ss *session) AuthMechanisms() []string { return []string{sasl.Plain} }

func (ss *session) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(identity, username, password string) error { return nil }), nil
}

func (ss *session) Mail(from string, _ *smtp.MailOptions) error {
	ss.from, ss.to = from, nil
	return nil
}

func (ss *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	ss.to = append(ss.to, to)
	return nil
}

func (ss *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	return ss.s.deliver(ss.from, ss.to, raw)
}

func (ss *session) Reset() { ss.from, ss.to = "", nil }

func (ss *session) Logout() error { return nil }
