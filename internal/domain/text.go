package domain

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// TextKind says what a text typed by a user may hold.
type TextKind int

const (
	// OneLine is a name, a code, a title: runs of spaces, tabs and line
	// breaks become one space.
	OneLine TextKind = iota
	// MultiLine is a reason, a note, lessons learned: tabs and line breaks
	// are kept.
	MultiLine
	// Secret is a password: refused like any text when broken, but kept
	// exactly as typed (neither trimmed nor normalised), so that it matches
	// the hash it was stored as.
	Secret
)

// Why a text is refused, in both languages.
var (
	textNotUTF8 = Text{VI: "Không phải văn bản UTF-8 hợp lệ (hoặc chứa ký tự U+FFFD của dữ liệu hỏng)", EN: "not valid UTF-8 text (or holds U+FFFD, the mark of broken input)"}
	textNUL     = Text{VI: "Chứa ký tự NUL không hợp lệ", EN: "contains an invalid NUL character"}
	textControl = Text{VI: "Chứa ký tự điều khiển", EN: "contains control characters"}
)

// textProblem tells why s cannot be stored as a text, or nil.
//
// Invalid UTF-8 is refused, and so is U+FFFD: it is what decoders (JSON's
// among them) make of invalid bytes and of a lone surrogate escape such as
// "\ud800", so a text holding it came from broken input. NUL, which
// PostgreSQL cannot store, and the other control characters are refused;
// tabs and line breaks are white space (kept in a multi-line text, folded
// into a space on one line).
func textProblem(s string) *Text {
	if !utf8.ValidString(s) || strings.ContainsRune(s, utf8.RuneError) {
		return &textNotUTF8
	}
	if strings.IndexByte(s, 0) >= 0 {
		return &textNUL
	}
	for _, r := range s {
		if unicode.IsControl(r) && r != '\n' && r != '\r' && r != '\t' {
			return &textControl
		}
	}
	return nil
}

// CleanText returns s as daihoi stores a text of kind k: in Unicode NFC
// (Vietnamese arrives both composed and decomposed; stored composed, the same
// name is one name, found and sorted as one), trimmed, and for one line with
// each run of white space made one space. ok is false, and s is returned as
// it came, when s is broken (see CheckText); a secret is only checked.
func CleanText(s string, k TextKind) (string, bool) {
	if textProblem(s) != nil {
		return s, false
	}
	if k == Secret {
		return s, true
	}
	if !norm.NFC.IsNormalString(s) {
		s = norm.NFC.String(s)
	}
	if k == OneLine {
		return strings.Join(strings.Fields(s), " "), true
	}
	return strings.TrimSpace(s), true
}

// CheckText refuses, naming field (of a file's row when row > 0), a text
// that cannot be stored as kind k: invalid UTF-8 or U+FFFD, NUL, or
// control characters (tabs and line breaks are white space). It returns s
// cleaned by CleanText, or as it came when refused.
func CheckText(v *Validation, row int, field, s string, k TextKind) string {
	p := textProblem(s)
	if p == nil {
		out, _ := CleanText(s, k)
		return out
	}
	v.AddRow(row, field, p.VI, p.EN)
	return s
}

// TextError is the refusal of the text of field, or nil when CleanText accepts it.
func TextError(field, s string, k TextKind) error {
	var v Validation
	CheckText(&v, 0, field, s, k)
	return v.Err()
}

// ParseCode normalises a unit code (trimmed, upper-cased) and reports
// whether a unit could have it: letters A-Z, digits, '.', '_', '-', at most
// 64. A code that no unit can have need not be looked up.
func ParseCode(code string) (string, bool) {
	code = NormalizeCode(code)
	return code, codeRE.MatchString(code)
}

// ShowText returns s fit to be shown in a message: control characters and
// broken bytes as '?', at most max characters.
func ShowText(s string, max int) string {
	s = strings.ToValidUTF8(strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return '?'
		}
		return r
	}, s), "?")
	if r := []rune(s); len(r) > max {
		s = string(r[:max]) + "…"
	}
	return s
}
