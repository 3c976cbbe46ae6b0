package mail

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	netmail "net/mail"

	gomail "github.com/wneessen/go-mail"
)

// errBadAddress marks a recipient address that cannot be parsed: no server
// will ever take it, so Permanent reports it as permanent.
var errBadAddress = errors.New("bad recipient address")

// Send sends msg, dialling the server afresh. It returns ErrOff when m is
// off, and gives up when ctx is done or the configured timeout has passed,
// even if the server has stopped answering. Errors name the recipient; use
// Permanent to tell a refusal worth retrying from one that is not.
func (m *Mailer) Send(ctx context.Context, msg Message) error {
	if !m.Enabled() {
		return ErrOff
	}
	if _, err := netmail.ParseAddress(msg.To); err != nil {
		return fmt.Errorf("mail: send to %q: %w: %v", msg.To, errBadAddress, err)
	}
	gm, err := m.build(msg)
	if err != nil {
		return fmt.Errorf("mail: send to %s: %w", msg.To, err)
	}

	ctx, cancel := context.WithTimeout(ctx, m.cfg.Timeout)
	defer cancel()
	d := &dialer{ctx: ctx}
	if m.cfg.TLS == tlsImplicit {
		d.tls = &tls.Config{ServerName: m.cfg.Host, MinVersion: tls.VersionTLS12}
	}
	defer d.release()
	client, err := gomail.NewClient(m.cfg.Host, m.options(d)...)
	if err != nil {
		return fmt.Errorf("mail: send to %s: client: %w", msg.To, err)
	}
	err = client.DialAndSendWithContext(ctx, gm)
	switch {
	case err == nil:
		return nil
	case gm.IsDelivered():
		// The server took the message; only saying goodbye failed.
		// Reporting an error would make the caller send it twice.
		return nil
	case ctx.Err() != nil:
		return fmt.Errorf("mail: send to %s: %w: %w", msg.To, ctx.Err(), err)
	default:
		return fmt.Errorf("mail: send to %s: %w", msg.To, err)
	}
}

// build turns msg into a go-mail message from m's sender.
func (m *Mailer) build(msg Message) (*gomail.Msg, error) {
	gm := gomail.NewMsg(gomail.WithCharset(gomail.CharsetUTF8), gomail.WithEncoding(gomail.EncodingQP))
	if err := gm.From(m.cfg.From); err != nil {
		return nil, fmt.Errorf("from: %w", err)
	}
	if err := gm.To(msg.To); err != nil {
		return nil, fmt.Errorf("to: %w", err)
	}
	gm.Subject(msg.Subject)
	gm.SetDate()
	gm.SetMessageID()
	switch {
	case msg.HTML == "":
		gm.SetBodyString(gomail.TypeTextPlain, msg.Text)
	case msg.Text == "":
		gm.SetBodyString(gomail.TypeTextHTML, msg.HTML)
	default:
		gm.SetBodyString(gomail.TypeTextPlain, msg.Text)
		gm.AddAlternativeString(gomail.TypeTextHTML, msg.HTML)
	}
	for i, a := range msg.Attachments {
		if a.Name == "" {
			return nil, fmt.Errorf("attachment %d has no name", i+1)
		}
		var opts []gomail.FileOption
		if a.ContentType != "" {
			opts = append(opts, gomail.WithFileContentType(gomail.ContentType(a.ContentType)))
		}
		if err := gm.AttachReader(a.Name, bytes.NewReader(a.Data), opts...); err != nil {
			return nil, fmt.Errorf("attach %s: %w", a.Name, err)
		}
	}
	return gm, nil
}

// options are the go-mail client options for m's settings, dialling with d.
func (m *Mailer) options(d *dialer) []gomail.Option {
	opts := []gomail.Option{
		gomail.WithPort(m.cfg.Port),
		gomail.WithTimeout(m.cfg.Timeout),
		gomail.WithDialContextFunc(d.dial),
	}
	switch m.cfg.TLS {
	case tlsImplicit:
		// d does the TLS handshake; WithSSL keeps go-mail from trying
		// STARTTLS inside it.
		opts = append(opts, gomail.WithSSL())
	case tlsNone:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	}
	if m.cfg.Username != "" {
		// PLAIN or LOGIN, whichever the server offers (go-mail falls back
		// to its strongest common mechanism otherwise). Both refuse to
		// send credentials unencrypted except to the local host.
		opts = append(opts,
			gomail.WithOpportunisticSMTPAuth(gomail.SMTPAuthPlain, gomail.SMTPAuthLogin),
			gomail.WithUsername(m.cfg.Username),
			gomail.WithPassword(m.cfg.Password),
		)
	}
	return opts
}

// dialer opens the connection of one Send and closes it as soon as ctx is
// done: go-mail watches its context only while dialling, so without this a
// server that stops answering would hold Send until the per-command timeout.
type dialer struct {
	ctx   context.Context
	tls   *tls.Config // set for implicit TLS
	stops []func() bool
}

// dial is a go-mail DialContextFunc.
func (d *dialer) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	nd := &net.Dialer{}
	var conn net.Conn
	var err error
	if d.tls != nil {
		conn, err = (&tls.Dialer{NetDialer: nd, Config: d.tls}).DialContext(ctx, network, addr)
	} else {
		conn, err = nd.DialContext(ctx, network, addr)
	}
	if err != nil {
		return nil, err
	}
	d.stops = append(d.stops, context.AfterFunc(d.ctx, func() { conn.Close() }))
	return conn, nil
}

// release stops watching the context once Send is over.
func (d *dialer) release() {
	for _, stop := range d.stops {
		stop()
	}
}

// Permanent reports whether err says the message will never be taken: the
// server refused it with a 5xx code, or the recipient address cannot be
// parsed. A 4xx refusal, a failed connection, a timeout or a cancelled
// context is temporary, and so is ErrOff.
func Permanent(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, errBadAddress) {
		return true
	}
	var se *gomail.SendError
	if errors.As(err, &se) {
		return !se.IsTemp() && se.ErrorCode()/100 == 5
	}
	return false
}
