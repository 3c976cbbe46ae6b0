package mailtest

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	netmail "net/mail"
	"net/textproto"
	"strings"

	"github.com/daihoi/daihoi/internal/mail"
)

// words decodes RFC 2047 encoded words (UTF-8, US-ASCII and ISO-8859-1).
var words = &mime.WordDecoder{}

// parse decodes a raw message: its subject, bodies and attachments.
func parse(raw []byte) (Received, error) {
	m, err := netmail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return Received{}, fmt.Errorf("read message: %w", err)
	}
	subject, err := words.DecodeHeader(m.Header.Get("Subject"))
	if err != nil {
		return Received{}, fmt.Errorf("subject: %w", err)
	}
	r := Received{Subject: subject, Raw: raw}
	body := m.Body
	if mt, _, _ := mime.ParseMediaType(m.Header.Get("Content-Type")); !strings.HasPrefix(mt, "multipart/") {
		// SMTP ends the data with a line break before its final dot,
		// added when the message lacks one: drop it. (In a multipart the
		// last line break belongs to the closing boundary.)
		b, err := io.ReadAll(m.Body)
		if err != nil {
			return Received{}, fmt.Errorf("read body: %w", err)
		}
		body = bytes.NewReader(bytes.TrimSuffix(b, []byte("\r\n")))
	}
	if err := r.walk(textproto.MIMEHeader(m.Header), body); err != nil {
		return Received{}, err
	}
	return r, nil
}

// walk adds the part with header h and body to r, descending into
// multiparts (mixed > alternative > ...).
func (r *Received) walk(h textproto.MIMEHeader, body io.Reader) error {
	ct := h.Get("Content-Type")
	if ct == "" {
		ct = "text/plain; charset=us-ascii"
	}
	mediaType, params, err := mime.ParseMediaType(ct)
	if err != nil {
		return fmt.Errorf("content type %q: %w", ct, err)
	}
	if strings.HasPrefix(mediaType, "multipart/") {
		mr := multipart.NewReader(body, params["boundary"])
		for {
			p, err := mr.NextRawPart()
			if errors.Is(err, io.EOF) {
				return nil
			}
			if err != nil {
				return fmt.Errorf("%s: %w", mediaType, err)
			}
			if err := r.walk(p.Header, p); err != nil {
				return err
			}
		}
	}

	data, err := decode(h.Get("Content-Transfer-Encoding"), body)
	if err != nil {
		return fmt.Errorf("%s: %w", mediaType, err)
	}
	var disposition string
	var dparams map[string]string
	if cd := h.Get("Content-Disposition"); cd != "" {
		if disposition, dparams, err = mime.ParseMediaType(cd); err != nil {
			return fmt.Errorf("content disposition %q: %w", cd, err)
		}
	}
	name := dparams["filename"]
	if name == "" {
		name = params["name"]
	}
	if name, err = words.DecodeHeader(name); err != nil {
		return fmt.Errorf("file name: %w", err)
	}

	inline := disposition != "attachment" && name == ""
	switch {
	case inline && mediaType == "text/plain":
		r.Text += text(data)
	case inline && mediaType == "text/html":
		r.HTML += text(data)
	default:
		r.Attachments = append(r.Attachments, mail.Attachment{Name: name, ContentType: mediaType, Data: data})
	}
	return nil
}

// decode undoes a content transfer encoding.
func decode(encoding string, body io.Reader) ([]byte, error) {
	switch strings.ToLower(strings.TrimSpace(encoding)) {
	case "", "7bit", "8bit", "binary":
	case "quoted-printable":
		body = quotedprintable.NewReader(body)
	case "base64":
		body = base64.NewDecoder(base64.StdEncoding, body)
	default:
		return nil, fmt.Errorf("unknown transfer encoding %q", encoding)
	}
	data, err := io.ReadAll(body)
	if err != nil {
		return nil, fmt.Errorf("decode %s: %w", encoding, err)
	}
	return data, nil
}

// text is a decoded text body with "\n" line ends.
func text(data []byte) string {
	return strings.ReplaceAll(string(data), "\r\n", "\n")
}
