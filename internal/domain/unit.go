package domain

import (
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Unit is a party organization at any level of the tree: a city, a district,
// a grassroots organization, a sub-committee or a cell.
type Unit struct {
	ID         int64     `json:"-" db:"id"`
	Code       string    `json:"code" db:"code"`
	Name       string    `json:"name" db:"name"`
	Kind       string    `json:"kind" db:"kind"`
	ParentID   *int64    `json:"-" db:"parent_id"`
	ParentCode string    `json:"parent_code,omitempty" db:"parent_code"`
	Path       string    `json:"-" db:"path"`
	Depth      int       `json:"depth" db:"depth"`
	Category   string    `json:"category,omitempty" db:"category"`
	Members    int       `json:"members" db:"members"`
	Active     bool      `json:"active" db:"active"`
	MergedInto string    `json:"merged_into,omitempty" db:"merged_into_code"`
	Children   int       `json:"children" db:"children"`
	Version    int       `json:"version" db:"version"`
	CreatedAt  time.Time `json:"created_at" db:"created_at"`
	UpdatedAt  time.Time `json:"updated_at" db:"updated_at"`
}

// UnitKind is a kind of unit, seeded as data: which kinds may sit under it is
// a rule of the tree, not of the code.
type UnitKind struct {
	Code         string   `json:"code" db:"code"`
	NameVI       string   `json:"name_vi" db:"name_vi"`
	NameEN       string   `json:"name_en" db:"name_en"`
	IsCell       bool     `json:"is_cell" db:"is_cell"`
	IsGrassroots bool     `json:"is_grassroots" db:"is_grassroots"`
	MayBeRoot    bool     `json:"may_be_root" db:"may_be_root"`
	SortOrder    int      `json:"sort_order" db:"sort_order"`
	Children     []string `json:"children" db:"-"`
}

// KindRules is the set of unit kinds and which kinds may sit under which.
type KindRules struct {
	Kinds map[string]UnitKind
}

// NewKindRules builds the rules from kinds whose Children lists are filled.
func NewKindRules(kinds []UnitKind) KindRules {
	m := make(map[string]UnitKind, len(kinds))
	for _, k := range kinds {
		m[k.Code] = k
	}
	return KindRules{Kinds: m}
}

// Name is the name of kind in both languages (its code when unknown).
func (r KindRules) Name(kind string) Text {
	if k, ok := r.Kinds[kind]; ok {
		return Text{VI: k.NameVI, EN: k.NameEN}
	}
	return Text{VI: kind, EN: kind}
}

// Known reports whether kind exists.
func (r KindRules) Known(kind string) bool { _, ok := r.Kinds[kind]; return ok }

// MayHold reports whether a unit of kind scope may be, or have anywhere
// below it, a unit of kind: a rule for kind scoped at such a unit can
// apply to something.
func (r KindRules) MayHold(scope, kind string) bool {
	seen := map[string]bool{scope: true}
	for next := []string{scope}; len(next) > 0; {
		k := next[0]
		next = next[1:]
		if k == kind {
			return true
		}
		for _, c := range r.Kinds[k].Children {
			if !seen[c] {
				seen[c] = true
				next = append(next, c)
			}
		}
	}
	return false
}

// Allows reports whether a unit of kind child may sit under a unit of kind
// parent; parent "" means at the root of the tree.
func (r KindRules) Allows(parent, child string) bool {
	c, ok := r.Kinds[child]
	if !ok {
		return false
	}
	if parent == "" {
		return c.MayBeRoot
	}
	p, ok := r.Kinds[parent]
	if !ok {
		return false
	}
	for _, k := range p.Children {
		if k == child {
			return true
		}
	}
	return false
}

// Within returns the kinds a subtree whose root is of kind may hold: kind
// itself and every kind that may sit below it, at any depth.
func (r KindRules) Within(kind string) map[string]bool {
	out := map[string]bool{}
	next := []string{kind}
	for len(next) > 0 {
		k := next[0]
		next = next[1:]
		if out[k] || !r.Known(k) {
			continue
		}
		out[k] = true
		next = append(next, r.Kinds[k].Children...)
	}
	return out
}

// IsCell reports whether units of kind count as cells (and carry a category).
func (r KindRules) IsCell(kind string) bool { return r.Kinds[kind].IsCell }

// Cell categories: the kind of place a cell is in. Deadlines can differ by category.
const (
	CategoryResidential = "residential"
	CategoryAgency      = "agency"
	CategorySchool      = "school"
	CategoryHospital    = "hospital"
	CategoryEnterprise  = "enterprise"
	CategoryArmedForces = "armed_forces"
	CategoryOther       = "other"
)

// Categories lists every cell category with its names.
var Categories = []struct {
	Code string
	Name Text
}{
	{CategoryResidential, Text{"Khu dân cư", "Residential"}},
	{CategoryAgency, Text{"Cơ quan", "Agency"}},
	{CategorySchool, Text{"Trường học", "School"}},
	{CategoryHospital, Text{"Bệnh viện", "Hospital"}},
	{CategoryEnterprise, Text{"Doanh nghiệp", "Enterprise"}},
	{CategoryArmedForces, Text{"Lực lượng vũ trang", "Armed forces"}},
	{CategoryOther, Text{"Khác", "Other"}},
}

// CategoryName is the name of the cell category c (its code when unknown).
func CategoryName(c string) Text {
	for _, k := range Categories {
		if k.Code == c {
			return k.Name
		}
	}
	return Text{VI: c, EN: c}
}

// ValidCategory reports whether c is a known cell category.
func ValidCategory(c string) bool {
	for _, k := range Categories {
		if k.Code == c {
			return true
		}
	}
	return false
}

var codeRE = regexp.MustCompile(`^[A-Z0-9][A-Z0-9._-]{0,63}$`)

// newCodeRE is the shape of the code of a unit being created: codeRE with
// no empty part between dots (HN..X, HN.X.), so that every part names a
// level. Looking units up still takes codeRE, whatever older codes hold.
var newCodeRE = regexp.MustCompile(`^[A-Z0-9][A-Z0-9_-]*(\.[A-Z0-9][A-Z0-9_-]*)*$`)

// NormalizeCode trims a unit code and upper-cases it: codes are case-insensitive.
func NormalizeCode(code string) string { return strings.ToUpper(strings.TrimSpace(code)) }

// MaxMembers bounds the number of party members of one unit (the whole party
// has about 5.5 million); anything above is a typing mistake.
const MaxMembers = 10_000_000

// UnitInput is what a user gives to create or change a unit. The input tags
// say which fields a JSON body must hold (required) and where null is
// allowed (nullable); see the web package's decodeJSON.
type UnitInput struct {
	Code       string `json:"code" input:"required"`
	Name       string `json:"name" input:"required"`
	Kind       string `json:"kind" input:"required"`
	ParentCode string `json:"parent_code" input:"required"`
	Category   string `json:"category"`
	Members    int    `json:"members"`
}

// Normalize trims the fields and normalises the codes.
func (in *UnitInput) Normalize() {
	in.Code = NormalizeCode(in.Code)
	in.ParentCode = NormalizeCode(in.ParentCode)
	in.Name, _ = CleanText(in.Name, OneLine)
	in.Kind = strings.TrimSpace(in.Kind)
	in.Category = strings.TrimSpace(in.Category)
}

// Validate checks the fields that need no look-up in the tree; row > 0 tags
// the errors with a file row number.
func (in UnitInput) Validate(rules KindRules, row int, v *Validation) {
	add := func(field, vi, en string) { v.AddRow(row, field, vi, en) }
	switch {
	case in.Code == "":
		add("code", "Thiếu mã đơn vị", "code is required")
	case !utf8.ValidString(in.Code) || !codeRE.MatchString(in.Code):
		add("code", "Mã đơn vị chỉ gồm chữ cái không dấu, chữ số, '.', '_', '-' (tối đa 64 ký tự)",
			"code may hold only letters A-Z, digits, '.', '_' and '-' (at most 64)")
	case !newCodeRE.MatchString(in.Code):
		add("code", "Mỗi phần của mã đơn vị giữa hai dấu '.' phải bắt đầu bằng chữ cái hoặc chữ số (không có '..' hay '.' ở cuối)",
			"each part of the code between dots starts with a letter or a digit (no '..', no '.' at the end)")
	}
	switch {
	case textProblem(in.Name) != nil:
		CheckText(v, row, "name", in.Name, OneLine)
	case in.Name == "":
		add("name", "Thiếu tên đơn vị", "name is required")
	case utf8.RuneCountInString(in.Name) > 200:
		add("name", "Tên dài quá 200 ký tự", "name is longer than 200 characters")
	}
	if !rules.Known(in.Kind) {
		add("kind", fmt.Sprintf("Loại đơn vị %q không tồn tại", in.Kind), fmt.Sprintf("unknown unit kind %q", in.Kind))
	} else {
		in.validateCategory(rules, add)
	}
	if in.Members < 0 || in.Members > MaxMembers {
		add("members", "Số đảng viên phải từ 0 đến 10.000.000", "members must be between 0 and 10,000,000")
	}
}

func (in UnitInput) validateCategory(rules KindRules, add func(field, vi, en string)) {
	switch {
	case in.Category == "":
	case !rules.IsCell(in.Kind):
		add("category", "Chỉ chi bộ mới có loại hình", "only cells have a category")
	case !ValidCategory(in.Category):
		add("category", fmt.Sprintf("Loại hình %q không hợp lệ", in.Category), fmt.Sprintf("unknown category %q", in.Category))
	}
}

// CheckPlacement checks that a unit of kind may sit under parent (nil for the root).
func CheckPlacement(rules KindRules, kind string, parent *Unit, row int, v *Validation) {
	if parent == nil {
		if !rules.Allows("", kind) {
			v.AddRow(row, "parent_code", "Loại đơn vị này phải có đơn vị cấp trên", "a unit of this kind needs a parent")
		}
		return
	}
	if !parent.Active {
		v.AddRow(row, "parent_code", fmt.Sprintf("Đơn vị cấp trên %s đã ngừng hoạt động", parent.Code),
			fmt.Sprintf("parent %s is inactive", parent.Code))
		return
	}
	if rules.Known(kind) && !rules.Allows(parent.Kind, kind) {
		v.AddRow(row, "kind", fmt.Sprintf("Không thể đặt %s dưới %s", rules.Kinds[kind].NameVI, rules.Kinds[parent.Kind].NameVI),
			fmt.Sprintf("a %s may not sit under a %s", kind, parent.Kind))
	}
}

// IsWithin reports whether the unit at path lies in the subtree rooted at root
// (a unit is within its own subtree). Paths are ltree label paths such as "1.7.42".
func IsWithin(path, root string) bool {
	return path == root || strings.HasPrefix(path, root+".")
}

// UnitPatch is a partial update of a unit; nil (absent) fields stay as they
// are, and none may be null. Version is the version the client read.
type UnitPatch struct {
	Name     *string `json:"name"`
	Category *string `json:"category"`
	Members  *int    `json:"members"`
	Version  int     `json:"version" input:"required"`
}

// UnitChange is one recorded change of a unit: who, when, before and after.
type UnitChange struct {
	ID       int64     `json:"id" db:"id"`
	At       time.Time `json:"at" db:"at"`
	Username string    `json:"user" db:"username"`
	Action   string    `json:"action" db:"action"`
	UnitCode string    `json:"unit_code" db:"unit_code"`
	Before   RawJSON   `json:"before" db:"before"`
	After    RawJSON   `json:"after" db:"after"`
	Reason   string    `json:"reason,omitempty" db:"reason"`
}

// RawJSON is a JSON document stored and returned as is.
type RawJSON []byte

// MarshalJSON returns the document, or null when empty.
func (r RawJSON) MarshalJSON() ([]byte, error) {
	if len(r) == 0 {
		return []byte("null"), nil
	}
	return r, nil
}

// Scan implements sql.Scanner without importing database/sql.
func (r *RawJSON) Scan(src any) error {
	switch s := src.(type) {
	case nil:
		*r = nil
	case []byte:
		*r = append((*r)[:0], s...)
	case string:
		*r = RawJSON(s)
	default:
		return fmt.Errorf("domain: cannot scan %T into RawJSON", src)
	}
	return nil
}

// HasControl reports whether s holds a control character (NUL, escape, ...),
// which no name or code may carry.
func HasControl(s string) bool {
	return strings.IndexFunc(s, unicode.IsControl) >= 0
}

// UnitText names units in messages.
var UnitText = Text{VI: "đơn vị", EN: "unit"}

// SubtreePage is one page of a subtree listing, in tree order (parents before children).
type SubtreePage struct {
	Units []Unit `json:"units"`
	Total int    `json:"total"`
	// Next is the cursor of the next page, "" on the last one.
	Next string `json:"next,omitempty"`
}
