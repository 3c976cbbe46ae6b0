// Package mail sends e-mail (the weekly reports, reminders) through an SMTP
// server with github.com/wneessen/go-mail. A Mailer is built once from the
// mail.* settings and dials the server afresh for each message; a Mailer
// without a host is off and refuses every message with ErrOff.
package mail

import (
	"errors"
	"fmt"
	netmail "net/mail"
	"time"
)

// ErrOff is returned by Send when mail is off (mail.host is empty).
var ErrOff = errors.New("mail: off (mail.host is not set)")

// defaultTimeout bounds a send when Config.Timeout is zero.
const defaultTimeout = 30 * time.Second

// Config are the SMTP settings (from the app's config file: mail.*).
type Config struct {
	// Host is the SMTP server; "" means mail is off and Send returns ErrOff.
	Host string
	// Port is the server's port, e.g. 587 (starttls) or 465 (tls).
	Port int
	// Username authenticates with PLAIN or LOGIN, whichever the server
	// offers; "" means no authentication. Credentials are only ever sent
	// over TLS or to a server on the local host.
	Username string
	Password string
	// From is the sender, e.g. "Ban Tổ chức Quận ủy <daihoi@example.vn>".
	From string
	// TLS is "starttls" (STARTTLS required; the default when empty), "tls"
	// (implicit TLS, port 465) or "none" (plain, for a local relay).
	TLS string
	// Timeout bounds one send, from dialling to the server's last answer;
	// zero means 30 seconds.
	Timeout time.Duration
}

// The TLS modes of Config.TLS.
const (
	tlsStartTLS = "starttls"
	tlsImplicit = "tls"
	tlsNone     = "none"
)

// Attachment is a file sent with a message.
type Attachment struct {
	// Name is the file name the recipient sees.
	Name string
	// ContentType is the MIME type, e.g. "application/pdf"; empty means
	// guessed from Name.
	ContentType string
	Data        []byte
}

// Message is one e-mail to one recipient.
type Message struct {
	// To is one address, with or without a display name.
	To string
	// Subject may contain Vietnamese; it is sent encoded as UTF-8.
	Subject string
	// Text is the plain text body.
	Text string
	// HTML is an optional HTML alternative to Text.
	HTML        string
	Attachments []Attachment
}

// Mailer sends messages with the settings it was built with. It holds no
// connection and is safe for concurrent use.
type Mailer struct {
	cfg Config
}

// New checks c and returns a Mailer sending with it. A config without Host
// gives a Mailer that is off, whatever its other settings; otherwise a bad
// TLS mode, a missing or malformed From, a port out of range or a negative
// timeout is an error naming the setting.
func New(c Config) (*Mailer, error) {
	if c.Host == "" {
		return &Mailer{}, nil
	}
	switch c.TLS {
	case "":
		c.TLS = tlsStartTLS
	case tlsStartTLS, tlsImplicit, tlsNone:
	default:
		return nil, fmt.Errorf("mail: mail.tls is %q, want %q, %q or %q", c.TLS, tlsStartTLS, tlsImplicit, tlsNone)
	}
	if c.Port < 1 || c.Port > 65535 {
		return nil, fmt.Errorf("mail: mail.port is %d, want 1 to 65535", c.Port)
	}
	if c.From == "" {
		return nil, errors.New("mail: mail.from is required when mail.host is set")
	}
	if _, err := netmail.ParseAddress(c.From); err != nil {
		return nil, fmt.Errorf("mail: mail.from %q is not an address: %w", c.From, err)
	}
	switch {
	case c.Timeout < 0:
		return nil, fmt.Errorf("mail: mail.timeout is %s, want a positive duration", c.Timeout)
	case c.Timeout == 0:
		c.Timeout = defaultTimeout
	}
	return &Mailer{cfg: c}, nil
}

// Enabled reports whether m sends mail (a host is configured).
func (m *Mailer) Enabled() bool { return m != nil && m.cfg.Host != "" }
