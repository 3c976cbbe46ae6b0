package web

import (
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/daihoi/daihoi/internal/domain"
)

// A refused form is shown again as it was typed, each refusal beside its
// field (role=alert, tied to the input by aria-describedby), never in the
// flash at the top of the page, which says only what was done.

// formState is a form as the user typed it, with its refusals.
type formState struct {
	// Values are the values typed, by field name.
	Values url.Values
	// Errors are the refusals by field name; Other are the refusals of no
	// field the form shows (said at the top of the form).
	Errors map[string]string
	Other  []string
	// Stale: the record changed since the form was read (nothing written).
	Stale bool
}

// Value is the value typed in field name.
func (f *formState) Value(name string) string {
	if f == nil {
		return ""
	}
	return f.Values.Get(name)
}

// Checked reports whether the checkbox name was ticked with value v.
func (f *formState) Checked(name, v string) bool {
	if f == nil {
		return false
	}
	for _, x := range f.Values[name] {
		if x == v {
			return true
		}
	}
	return false
}

// Error is the refusal of field name, "" when none.
func (f *formState) Error(name string) string {
	if f == nil {
		return ""
	}
	return f.Errors[name]
}

// typedForm is the form of the request as typed (the CSRF token left out).
func typedForm(c echo.Context) *formState {
	vals, _ := c.FormParams()
	keep := url.Values{}
	for k, v := range vals {
		if k != "csrf_token" {
			keep[k] = v
		}
	}
	return &formState{Values: keep, Errors: map[string]string{}}
}

// refuse records err's refusals on the form in lang: each field the form
// shows (fields, or every field when fields is nil) beside it, the others
// and the error's own message at the top. rename maps an error's field to
// the form's name for it ("" keeps it).
func (f *formState) refuse(err error, lang string, fields []string, rename func(domain.FieldError) string) {
	de := domain.AsError(err)
	if de == nil {
		return
	}
	f.Stale = domain.IsStale(err)
	shown := func(name string) bool {
		if fields == nil {
			return true
		}
		for _, x := range fields {
			if x == name {
				return true
			}
		}
		return false
	}
	for _, fe := range de.Fields {
		name := fe.Field
		if rename != nil {
			if n := rename(fe); n != "" {
				name = n
			}
		}
		msg := fe.Message.In(lang)
		switch {
		case !shown(name):
			f.Other = append(f.Other, msg)
		case f.Errors[name] != "":
			f.Errors[name] += " " + msg
		default:
			f.Errors[name] = msg
		}
	}
	if len(de.Fields) == 0 && !f.Stale {
		f.Other = append(f.Other, de.Message.In(lang))
	}
}

// localPath returns raw when it is a path of this site ("/my", never
// "//host" nor a URL), else fallback: where a form may send the user back.
func localPath(raw, fallback string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "" || u.Host != "" || !strings.HasPrefix(u.Path, "/") || strings.HasPrefix(u.Path, "//") ||
		strings.ContainsAny(raw, "\\\r\n") {
		return fallback
	}
	if u.RawQuery != "" {
		return u.Path + "?" + u.RawQuery
	}
	return u.Path
}

// fieldView is one field of a form as the templates of layout/fields.html
// show it.
type fieldView struct {
	ID, Name, Label, Value, Error string
	Required                      bool
	// Extra is a hint shown under the input ("" none).
	Extra string
}

// fieldOf is the template function field: the field name of form (nil:
// not refused) on the card of the unit with code, labelled, with value.
func fieldOf(form *formState, name, code, label, value string, required bool, extra ...string) fieldView {
	f := fieldView{ID: name + "-" + strings.TrimPrefix(domID(code), "u-"), Name: name, Label: label, Value: value,
		Error: form.Error(name), Required: required}
	if len(extra) > 0 {
		f.Extra = extra[0]
	}
	return f
}
