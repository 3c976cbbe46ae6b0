package domain

import (
	"errors"
	"fmt"
	"strings"
)

// ErrorCode classifies an Error; the web layer maps each code to one HTTP status.
type ErrorCode string

// The error codes of daihoi.
const (
	EInvalid      ErrorCode = "invalid"
	ENotFound     ErrorCode = "not_found"
	EConflict     ErrorCode = "conflict"
	EForbidden    ErrorCode = "forbidden"
	EUnauthorized ErrorCode = "unauthorized"
	// ETooManyRequests: sign-in locked after repeated failures.
	ETooManyRequests ErrorCode = "too_many_requests"
	// EUnavailable: the request was not served, through no fault of its
	// own, and may succeed if retried shortly (the database is down or
	// restarting, every connection stayed busy, a lock or a statement
	// timed out).
	EUnavailable ErrorCode = "unavailable"
	EInternal    ErrorCode = "internal"
)

// Text is a message in both languages of the UI: Vietnamese first, English second.
type Text struct {
	VI string `json:"vi"`
	EN string `json:"en"`
}

// In returns the message in lang ("vi" or "en"); Vietnamese is the default.
func (t Text) In(lang string) string {
	if strings.HasPrefix(lang, "en") && t.EN != "" {
		return t.EN
	}
	return t.VI
}

// FieldError explains why one input field was refused.
type FieldError struct {
	Field   string `json:"field"`
	Row     int    `json:"row,omitempty"`
	Message Text   `json:"message"`
}

// Error is daihoi's typed error. Layers below the web return it (or wrap it);
// the web layer turns it into a status code and a message in the user's language.
type Error struct {
	Code    ErrorCode
	Message Text
	Fields  []FieldError
	// RetryAfter, when set, is how many seconds the caller should wait
	// before trying again (a sign-in locked), sent as Retry-After.
	RetryAfter int
}

// Error implements error with the English message.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(string(e.Code))
	if e.Message.EN != "" {
		b.WriteString(": ")
		b.WriteString(e.Message.EN)
	}
	for i, f := range e.Fields {
		if i == 0 {
			b.WriteString(":")
		}
		if f.Row > 0 {
			fmt.Fprintf(&b, " [row %d]", f.Row)
		}
		fmt.Fprintf(&b, " %s: %s;", f.Field, f.Message.EN)
	}
	return b.String()
}

// ErrorCodeOf returns the code of err's first *Error in its chain, or EInternal.
func ErrorCodeOf(err error) ErrorCode {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EInternal
}

// AsError returns err's *Error, or nil when err is not one of ours.
func AsError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return nil
}

// IsCode reports whether err carries the given code.
func IsCode(err error, code ErrorCode) bool { return err != nil && ErrorCodeOf(err) == code }

// NotFound builds a not-found error about a kind of thing and its key.
func NotFound(what Text, key string) *Error {
	return &Error{Code: ENotFound, Message: Text{
		VI: fmt.Sprintf("Không tìm thấy %s %q", what.VI, key),
		EN: fmt.Sprintf("%s %q not found", what.EN, key),
	}}
}

// Conflict builds a conflict error.
func Conflict(vi, en string) *Error {
	return &Error{Code: EConflict, Message: Text{VI: vi, EN: en}}
}

// Forbidden builds the error for an action outside the caller's scope or role.
func Forbidden() *Error {
	return &Error{Code: EForbidden, Message: Text{
		VI: "Đồng chí không có quyền thực hiện thao tác này",
		EN: "You are not allowed to do this",
	}}
}

// ForbiddenAt builds the forbidden error of a form's field, saying there
// what the caller may do instead.
func ForbiddenAt(field, vi, en string) *Error {
	e := Forbidden()
	e.Fields = []FieldError{{Field: field, Message: Text{VI: vi, EN: en}}}
	return e
}

// Unauthorized builds the error for a request without valid credentials.
func Unauthorized() *Error {
	return &Error{Code: EUnauthorized, Message: Text{
		VI: "Cần đăng nhập",
		EN: "Authentication required",
	}}
}

// SignInLocked is the refusal of a sign-in after repeated failures, for
// minutes more.
func SignInLocked(minutes int) *Error {
	return &Error{Code: ETooManyRequests, RetryAfter: minutes * 60, Message: Text{
		VI: fmt.Sprintf("Tạm khóa đăng nhập do sai nhiều lần. Thử lại sau %d phút.", minutes),
		EN: fmt.Sprintf("Sign-in is locked after repeated failures. Try again in %d %s.", minutes, Plural(minutes, "minute", "minutes")),
	}}
}

// Unavailable builds the error of a request the database could not serve
// now; the same request may succeed a little later.
func Unavailable() *Error {
	return &Error{Code: EUnavailable, Message: Text{
		VI: "Hệ thống tạm thời chưa phục vụ được; vui lòng thử lại sau ít phút",
		EN: "The service is temporarily unavailable; please try again in a moment",
	}}
}

// StaleVersion is the conflict returned when an update carries a version
// other than the current one.
func StaleVersion() *Error {
	return Conflict(
		"Dữ liệu đã được người khác thay đổi; hãy tải lại và thử lại",
		"The record was changed by someone else; reload and try again",
	)
}

// IsStale reports whether err is StaleVersion's: the record changed since
// it was read. Other conflicts (a name taken, a session there already)
// say what they are about.
func IsStale(err error) bool {
	de := AsError(err)
	return de != nil && de.Code == EConflict && de.Message == StaleVersion().Message
}

// Validation collects field errors; its Err is nil when nothing was added.
type Validation struct {
	Fields []FieldError
}

// Add records that field is wrong, with the reason in both languages.
func (v *Validation) Add(field, vi, en string) {
	v.Fields = append(v.Fields, FieldError{Field: field, Message: Text{VI: vi, EN: en}})
}

// AddRow records that field of a file row is wrong.
func (v *Validation) AddRow(row int, field, vi, en string) {
	v.Fields = append(v.Fields, FieldError{Row: row, Field: field, Message: Text{VI: vi, EN: en}})
}

// CheckVersion records in v what is wrong with the version a client read
// of the record it changes: missing (0), or not a version (negative).
func (v *Validation) CheckVersion(version int) {
	switch {
	case version == 0:
		v.Add("version", "Thiếu phiên bản của bản ghi đã đọc", "version (the version you read) is required")
	case version < 0:
		v.Add("version", "Phiên bản phải là số dương: phiên bản của bản ghi đã đọc", "version must be positive: the version you read")
	}
}

// OK reports whether nothing was refused.
func (v *Validation) OK() bool { return len(v.Fields) == 0 }

// Err returns an EInvalid *Error listing every field error, or nil.
func (v *Validation) Err() error {
	if v.OK() {
		return nil
	}
	return &Error{Code: EInvalid, Message: Text{
		VI: "Dữ liệu không hợp lệ",
		EN: "Invalid input",
	}, Fields: v.Fields}
}

// Invalid builds an EInvalid error about one field.
func Invalid(field, vi, en string) error {
	var v Validation
	v.Add(field, vi, en)
	return v.Err()
}
