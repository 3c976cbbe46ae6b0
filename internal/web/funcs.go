package web

import (
	"html/template"

	"github.com/daihoi/daihoi/internal/domain"
	"github.com/daihoi/daihoi/internal/i18n"
	"github.com/daihoi/daihoi/internal/report"
)

// langFuncs are the template functions bound to the page's language: those
// of the report's templates (t, a message of the catalogs, and status, the
// name of a congress status), tr, attendance, approveLabel and
// approvalName. With a nil catalog they are the stand-ins a template is
// parsed with.
func langFuncs(cat *i18n.Catalog, lang string, terr *error) template.FuncMap {
	out := report.Funcs(cat, lang, terr)
	if cat == nil {
		out["tr"] = func(string, string) string { return "" }
		out["attendance"] = func(domain.Attendance) attendanceView { return attendanceView{} }
		out["approveLabel"] = func(domain.Milestone) string { return "" }
		out["approvalName"] = func(domain.Milestone) string { return "" }
		return out
	}
	t := cat.Func(lang, terr)
	// tr picks the Vietnamese or the English of a text stored in both.
	out["tr"] = func(vi, en string) string { return domain.Text{VI: vi, EN: en}.In(lang) }
	out["attendance"] = func(a domain.Attendance) attendanceView { return attendanceIn(t, a) }
	// approveLabel is the button giving approval m: its own words
	// (approve_<code>), else "Approve: <name>".
	out["approveLabel"] = func(m domain.Milestone) string {
		if s, err := cat.T(lang, "approve_"+m.Code, nil); err == nil {
			return s
		}
		return t("approve_button", "Name", domain.Text{VI: m.NameVI, EN: m.NameEN}.In(lang))
	}
	// approvalName names approval m in a list: its short name
	// (approval_<code>), else the milestone's.
	out["approvalName"] = func(m domain.Milestone) string {
		if s, err := cat.T(lang, "approval_"+m.Code, nil); err == nil {
			return s
		}
		return domain.Text{VI: m.NameVI, EN: m.NameEN}.In(lang)
	}
	return out
}

// attendanceView words who attends a congress: the label of the count of
// those present (members or delegates) and how many are expected.
type attendanceView struct{ Label, Hint string }

func attendanceIn(t func(string, ...any) string, a domain.Attendance) attendanceView {
	v := attendanceView{Label: t("field_members_present")}
	if a.Delegates {
		v.Label = t("field_delegates_present")
	}
	switch {
	case a.Delegates:
		v.Hint = t("hint_delegates_called", "Count", a.Expected)
	case a.Expected > 0:
		v.Hint = t("hint_members", "Count", a.Expected)
	}
	return v
}
