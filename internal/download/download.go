// Package download names the files the server sends: the value of a
// Content-Disposition header (RFC 6266) for a file name in any language,
// and the ASCII form of a name for the places that take nothing else.
//
// File names are built from data users type (unit names), so nothing in a
// name may end the header, add a parameter or climb out of a folder: the
// UTF-8 name goes percent-encoded in filename* (RFC 8187), and a plain
// ASCII fallback in a quoted filename for clients that do not read it.
package download

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Attachment is the Content-Disposition value that downloads a file named
// name.
func Attachment(name string) string { return disposition("attachment", name) }

// Inline is the Content-Disposition value that shows a file in the browser,
// named name when saved.
func Inline(name string) string { return disposition("inline", name) }

// disposition returns the header value of kind for name made safe (Clean):
// a quoted filename holding its ASCII fallback, then filename* holding the
// name in UTF-8, percent-encoded.
func disposition(kind, name string) string {
	name = Clean(name)
	var b strings.Builder
	b.WriteString(kind)
	fallback := ASCII(name)
	if fallback == "" {
		fallback = "download"
	}
	b.WriteString(`; filename="`)
	b.WriteString(fallback)
	b.WriteString(`"; filename*=UTF-8''`)
	for i := 0; i < len(name); i++ {
		c := name[i]
		if attrChar(c) {
			b.WriteByte(c)
			continue
		}
		const hex = "0123456789ABCDEF"
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}

// attrChar reports whether c may stand as it is in an RFC 8187 value.
func attrChar(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("!#$&+-.^_`|~", c) >= 0
}

// Clean makes name safe as a file name on any system, keeping its letters:
// text that is not UTF-8 is repaired, control characters (line breaks, NUL)
// and the characters file systems refuse (/ \ : * ? " < > |) become '-',
// spaces are folded, and dots and spaces at either end go (no hidden
// file, no ".."). An empty result is "download". Its length is left to
// the browser, which cuts a name too long for the disk.
func Clean(name string) string {
	name = norm.NFC.String(strings.ToValidUTF8(name, "-"))
	var b strings.Builder
	for _, c := range name {
		switch {
		case unicode.IsControl(c) || strings.ContainsRune(`/\:*?"<>|`, c):
			b.WriteByte('-')
		case unicode.IsSpace(c):
			b.WriteByte(' ')
		default:
			b.WriteRune(c)
		}
	}
	out := strings.Join(strings.Fields(b.String()), " ")
	out = strings.Trim(out, ". -")
	if out == "" {
		return "download"
	}
	return out
}

// ASCII folds s to the characters safe in a file name anywhere: Vietnamese
// letters without their marks ("Đồng" → "Dong"), ASCII letters, digits,
// '.', '_' and '-' as they are, anything else as '-' (one for a run), no
// '-' or '.' at either end.
func ASCII(s string) string {
	var b strings.Builder
	for _, c := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, c):
			// a combining mark: dropped
		case c == 'đ':
			b.WriteByte('d')
		case c == 'Đ':
			b.WriteByte('D')
		case c < unicode.MaxASCII && (unicode.IsLetter(c) || unicode.IsDigit(c) || c == '.' || c == '_' || c == '-'):
			b.WriteRune(c)
		default:
			b.WriteByte('-')
		}
	}
	out := b.String()
	for strings.Contains(out, "--") {
		out = strings.ReplaceAll(out, "--", "-")
	}
	return strings.Trim(out, "-.")
}
