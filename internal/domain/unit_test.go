package domain

import (
	"strings"
	"testing"
)

// testRules mirrors the unit kinds seeded by migrations/00001_units.sql.
func testRules() KindRules {
	return NewKindRules([]UnitKind{
		{Code: "city", MayBeRoot: true, Children: []string{"district", "grassroots_committee", "grassroots_cell"}},
		{Code: "district", MayBeRoot: true, Children: []string{"grassroots_committee", "grassroots_cell"}},
		{Code: "grassroots_committee", IsGrassroots: true, Children: []string{"subcommittee", "cell"}},
		{Code: "grassroots_cell", IsGrassroots: true, IsCell: true},
		{Code: "subcommittee", Children: []string{"cell"}},
		{Code: "cell", IsCell: true},
	})
}

func TestKindRulesAllows(t *testing.T) {
	rules := testRules()
	tests := []struct {
		parent, child string
		want          bool
	}{
		{"", "city", true},
		{"", "district", true},
		{"", "grassroots_committee", false},
		{"", "grassroots_cell", false},
		{"", "subcommittee", false},
		{"", "cell", false},
		{"", "unknown", false},
		{"city", "district", true},
		{"city", "grassroots_committee", true},
		{"city", "grassroots_cell", true},
		{"city", "cell", false},
		{"city", "city", false},
		{"district", "grassroots_committee", true},
		{"district", "grassroots_cell", true},
		{"district", "district", false},
		{"district", "cell", false},
		{"district", "subcommittee", false},
		{"grassroots_committee", "subcommittee", true},
		{"grassroots_committee", "cell", true},
		{"grassroots_committee", "grassroots_committee", false},
		{"grassroots_committee", "grassroots_cell", false},
		{"subcommittee", "cell", true},
		{"subcommittee", "subcommittee", false},
		{"grassroots_cell", "cell", false},
		{"cell", "cell", false},
		{"unknown", "cell", false},
		{"grassroots_committee", "unknown", false},
	}
	for _, tt := range tests {
		name := tt.child + " under " + tt.parent
		if tt.parent == "" {
			name = tt.child + " at the root"
		}
		t.Run(name, func(t *testing.T) {
			if got := rules.Allows(tt.parent, tt.child); got != tt.want {
				t.Errorf("Allows(%q, %q) = %v, want %v", tt.parent, tt.child, got, tt.want)
			}
		})
	}
}

func TestKindRulesKnownAndIsCell(t *testing.T) {
	rules := testRules()
	for kind, wantCell := range map[string]bool{
		"city": false, "district": false, "grassroots_committee": false,
		"grassroots_cell": true, "subcommittee": false, "cell": true,
	} {
		if !rules.Known(kind) {
			t.Errorf("Known(%q) = false, want true", kind)
		}
		if got := rules.IsCell(kind); got != wantCell {
			t.Errorf("IsCell(%q) = %v, want %v", kind, got, wantCell)
		}
	}
	if rules.Known("ward") {
		t.Error(`Known("ward") = true, want false`)
	}
	if rules.IsCell("ward") {
		t.Error(`IsCell("ward") = true, want false`)
	}
}

func TestUnitInputNormalize(t *testing.T) {
	in := UnitInput{Code: "  hn.hbt.bachmai ", ParentCode: " hn.hbt", Name: "  Đảng bộ \t phường\nBạch Mai ", Kind: " cell ", Category: " residential "}
	in.Normalize()
	want := UnitInput{Code: "HN.HBT.BACHMAI", ParentCode: "HN.HBT", Name: "Đảng bộ phường Bạch Mai", Kind: "cell", Category: "residential"}
	if in != want {
		t.Errorf("Normalize() = %+v, want %+v", in, want)
	}
}

// fieldsOf returns the fields named in the errors of v, in order.
func fieldsOf(v Validation) []string {
	var out []string
	for _, f := range v.Fields {
		out = append(out, f.Field)
	}
	return out
}

func TestUnitInputValidate(t *testing.T) {
	valid := UnitInput{Code: "HN.HBT.BACHMAI.TDP1", Name: "Chi bộ Tổ dân phố số 1", Kind: "cell", Category: CategoryResidential, Members: 30}
	tests := []struct {
		name   string
		change func(in *UnitInput)
		want   []string // fields refused, in order
	}{
		{"a valid cell is accepted", func(*UnitInput) {}, nil},
		{"a cell without a category is accepted", func(in *UnitInput) { in.Category = "" }, nil},
		{"a grassroots cell may carry a category", func(in *UnitInput) { in.Kind = "grassroots_cell"; in.Category = CategorySchool }, nil},
		{"zero members is accepted", func(in *UnitInput) { in.Members = 0 }, nil},
		{"the maximum of members is accepted", func(in *UnitInput) { in.Members = MaxMembers }, nil},
		{"a code of 64 characters is accepted", func(in *UnitInput) { in.Code = strings.Repeat("A", 64) }, nil},
		{"a code with '_' and '-' is accepted", func(in *UnitInput) { in.Code = "HN_1-2.X" }, nil},
		{"a name of 200 characters is accepted", func(in *UnitInput) { in.Name = strings.Repeat("Đ", 200) }, nil},
		{"a missing code is refused", func(in *UnitInput) { in.Code = "" }, []string{"code"}},
		{"a code with lower-case letters is refused", func(in *UnitInput) { in.Code = "hn.hbt" }, []string{"code"}},
		{"a code with diacritics is refused", func(in *UnitInput) { in.Code = "HN.BẠCHMAI" }, []string{"code"}},
		{"a code with an empty part is refused", func(in *UnitInput) { in.Code = "HN.HBT..Z3" }, []string{"code"}},
		{"a code ending in a dot is refused", func(in *UnitInput) { in.Code = "HN.HBT." }, []string{"code"}},
		{"a part may start with a digit", func(in *UnitInput) { in.Code = "HN.HBT.01_A-B" }, nil},
		{"a code with a space is refused", func(in *UnitInput) { in.Code = "HN HBT" }, []string{"code"}},
		{"a code starting with a dot is refused", func(in *UnitInput) { in.Code = ".HN" }, []string{"code"}},
		{"a code of 65 characters is refused", func(in *UnitInput) { in.Code = strings.Repeat("A", 65) }, []string{"code"}},
		{"a code of invalid UTF-8 is refused", func(in *UnitInput) { in.Code = "HN\xff" }, []string{"code"}},
		{"a missing name is refused", func(in *UnitInput) { in.Name = "" }, []string{"name"}},
		{"a name of 201 characters is refused", func(in *UnitInput) { in.Name = strings.Repeat("Đ", 201) }, []string{"name"}},
		{"a name of invalid UTF-8 is refused", func(in *UnitInput) { in.Name = "Chi bộ \xff" }, []string{"name"}},
		{"a name with a NUL character is refused", func(in *UnitInput) { in.Name = "Chi bộ \x00 số 1" }, []string{"name"}},
		{"an unknown kind is refused", func(in *UnitInput) { in.Kind = "ward" }, []string{"kind"}},
		{"a missing kind is refused", func(in *UnitInput) { in.Kind = "" }, []string{"kind"}},
		{"an unknown category is refused", func(in *UnitInput) { in.Category = "church" }, []string{"category"}},
		{"a category on a grassroots committee is refused", func(in *UnitInput) { in.Kind = "grassroots_committee" }, []string{"category"}},
		{"a category on a district is refused", func(in *UnitInput) { in.Kind = "district" }, []string{"category"}},
		{"a category on a sub-committee is refused", func(in *UnitInput) { in.Kind = "subcommittee" }, []string{"category"}},
		{"negative members are refused", func(in *UnitInput) { in.Members = -1 }, []string{"members"}},
		{"members above the maximum are refused", func(in *UnitInput) { in.Members = MaxMembers + 1 }, []string{"members"}},
		{"every wrong field is reported", func(in *UnitInput) { *in = UnitInput{Kind: "ward", Members: -5} },
			[]string{"code", "name", "kind", "members"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := valid
			tt.change(&in)
			var v Validation
			in.Validate(testRules(), 0, &v)
			if got, want := strings.Join(fieldsOf(v), ","), strings.Join(tt.want, ","); got != want {
				t.Errorf("refused fields = %q, want %q (%v)", got, want, v.Err())
			}
			for _, f := range v.Fields {
				if f.Message.VI == "" || f.Message.EN == "" {
					t.Errorf("field %s: message %+v lacks a language", f.Field, f.Message)
				}
			}
		})
	}
}

func TestUnitInputValidateTagsRows(t *testing.T) {
	var v Validation
	UnitInput{Kind: "cell"}.Validate(testRules(), 7, &v)
	if len(v.Fields) == 0 {
		t.Fatal("no field refused")
	}
	for _, f := range v.Fields {
		if got, want := f.Row, 7; got != want {
			t.Errorf("field %s: row = %d, want %d", f.Field, got, want)
		}
	}
}

func TestCheckPlacement(t *testing.T) {
	rules := testRules()
	district := Unit{Code: "HN.HBT", Kind: "district", Path: "1.2", Active: true}
	ward := Unit{Code: "HN.HBT.BACHMAI", Kind: "grassroots_committee", Path: "1.2.3", Active: true}
	closed := Unit{Code: "HN.HBT.OLD", Kind: "grassroots_committee", Path: "1.2.4", Active: false}
	tests := []struct {
		name   string
		kind   string
		parent *Unit
		want   string
	}{
		{"a city may be a root", "city", nil, ""},
		{"a district may be a root", "district", nil, ""},
		{"a cell may not be a root", "cell", nil, "parent_code"},
		{"a grassroots committee may not be a root", "grassroots_committee", nil, "parent_code"},
		{"a ward may sit under a district", "grassroots_committee", &district, ""},
		{"a cell may sit under a ward", "cell", &ward, ""},
		{"a cell may not sit under a district", "cell", &district, "kind"},
		{"a district may not sit under a ward", "district", &ward, "kind"},
		{"nothing may sit under an inactive unit", "cell", &closed, "parent_code"},
		{"an unknown kind is left to Validate", "ward", &district, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var v Validation
			CheckPlacement(rules, tt.kind, tt.parent, 0, &v)
			if got := strings.Join(fieldsOf(v), ","); got != tt.want {
				t.Errorf("refused fields = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestIsWithin(t *testing.T) {
	tests := []struct {
		path, root string
		want       bool
	}{
		{"1", "1", true},
		{"1.7", "1", true},
		{"1.7.42", "1", true},
		{"1.7.42", "1.7", true},
		{"1.7.42", "1.7.42", true},
		{"1", "1.7", false},
		{"1.7", "1.7.42", false},
		{"1.70", "1.7", false},
		{"11.7", "1", false},
		{"2.7", "1", false},
		{"1.7.42", "7.42", false},
	}
	for _, tt := range tests {
		t.Run(tt.path+" in "+tt.root, func(t *testing.T) {
			if got := IsWithin(tt.path, tt.root); got != tt.want {
				t.Errorf("IsWithin(%q, %q) = %v, want %v", tt.path, tt.root, got, tt.want)
			}
		})
	}
}

func TestValidCategory(t *testing.T) {
	for _, c := range Categories {
		if !ValidCategory(c.Code) {
			t.Errorf("ValidCategory(%q) = false, want true", c.Code)
		}
		if c.Name.VI == "" || c.Name.EN == "" {
			t.Errorf("category %s lacks a name: %+v", c.Code, c.Name)
		}
	}
	for _, c := range []string{"", "Residential", "church"} {
		if ValidCategory(c) {
			t.Errorf("ValidCategory(%q) = true, want false", c)
		}
	}
}

func TestRawJSON(t *testing.T) {
	var r RawJSON
	if err := r.Scan([]byte(`{"a":1}`)); err != nil {
		t.Fatal(err)
	}
	if got, want := string(r), `{"a":1}`; got != want {
		t.Errorf("scanned bytes = %s, want %s", got, want)
	}
	if err := r.Scan(`{"b":2}`); err != nil {
		t.Fatal(err)
	}
	if got, want := string(r), `{"b":2}`; got != want {
		t.Errorf("scanned string = %s, want %s", got, want)
	}
	if err := r.Scan(nil); err != nil {
		t.Fatal(err)
	}
	b, err := r.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(b), "null"; got != want {
		t.Errorf("MarshalJSON of empty = %s, want %s", got, want)
	}
	if err := r.Scan(42); err == nil {
		t.Error("Scan(42) succeeded, want an error")
	}
}

func TestKindRulesMayHoldTheKindsBelow(t *testing.T) {
	r := testRules()
	for _, tc := range []struct {
		scope, kind string
		want        bool
	}{
		{"city", "cell", true},
		{"district", "grassroots_committee", true},
		{"grassroots_committee", "grassroots_committee", true}, // itself
		{"grassroots_committee", "district", false},
		{"cell", "cell", true},
		{"cell", "grassroots_committee", false},
	} {
		if got := r.MayHold(tc.scope, tc.kind); got != tc.want {
			t.Errorf("MayHold(%s, %s) = %v, want %v", tc.scope, tc.kind, got, tc.want)
		}
	}
}
