package store

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"

	"github.com/daihoi/daihoi/internal/domain"
	"github.com/daihoi/daihoi/internal/testdb"
)

// searchTree is a store holding:
//
//	HN  Đảng bộ Thành phố Hà Nội
//	├── HN.HBT  Đảng bộ quận Hai Bà Trưng
//	│   ├── HN.HBT.BM  Đảng bộ phường Bạch Mai
//	│   │   ├── HN.HBT.BM.1  Chi bộ Tổ dân phố số 1
//	│   │   └── HN.HBT.BM.2  Chi bộ Trường Mầm non Bạch Mai
//	│   ├── HN.HBT.MK  Đảng bộ phường Minh Khai
//	│   │   ├── HN.HBT.MK.1  Chi bộ Minh Khai 1
//	│   │   ├── HN.HBT.MK.2  Minh Khai 2
//	│   │   └── HN.HBT.MK.3  Chi bộ Minh Khay (a misspelt name)
//	│   └── MINH  Đảng bộ Công ty Dệt kim (a code that is a word of other names)
//	└── HN.DD  Đảng bộ quận Đống Đa
//	    └── HN.DD.KT  Đảng bộ phường Khâm Thiên
//	        └── HN.DD.KT.1  Chi bộ Tổ dân phố số 1
//	HP  Đảng bộ Thành phố Hải Phòng (a second root)
//	└── HP.BM  Đảng bộ phường Bạch Mai (another ward of that name)
//
// and returns it with the paths of the units by code.
func searchTree(t *testing.T) (*Store, map[string]string) {
	t.Helper()
	ctx := context.Background()
	s := New(testdb.New(t))
	sys := domain.SystemPrincipal()
	paths := map[string]string{}
	for _, in := range []domain.UnitInput{
		{Code: "HN", Name: "Đảng bộ Thành phố Hà Nội", Kind: "city"},
		{Code: "HN.HBT", Name: "Đảng bộ quận Hai Bà Trưng", Kind: "district", ParentCode: "HN"},
		{Code: "HN.HBT.BM", Name: "Đảng bộ phường Bạch Mai", Kind: "grassroots_committee", ParentCode: "HN.HBT"},
		{Code: "HN.HBT.BM.1", Name: "Chi bộ Tổ dân phố số 1", Kind: "cell", ParentCode: "HN.HBT.BM", Category: "residential"},
		{Code: "HN.HBT.BM.2", Name: "Chi bộ Trường Mầm non Bạch Mai", Kind: "cell", ParentCode: "HN.HBT.BM", Category: "school"},
		{Code: "HN.HBT.MK", Name: "Đảng bộ phường Minh Khai", Kind: "grassroots_committee", ParentCode: "HN.HBT"},
		{Code: "HN.HBT.MK.1", Name: "Chi bộ Minh Khai 1", Kind: "cell", ParentCode: "HN.HBT.MK", Category: "residential"},
		{Code: "HN.HBT.MK.2", Name: "Minh Khai 2", Kind: "cell", ParentCode: "HN.HBT.MK", Category: "residential"},
		{Code: "HN.HBT.MK.3", Name: "Chi bộ Minh Khay", Kind: "cell", ParentCode: "HN.HBT.MK", Category: "residential"},
		{Code: "MINH", Name: "Đảng bộ Công ty Dệt kim", Kind: "grassroots_committee", ParentCode: "HN.HBT"},
		{Code: "HN.DD", Name: "Đảng bộ quận Đống Đa", Kind: "district", ParentCode: "HN"},
		{Code: "HN.DD.KT", Name: "Đảng bộ phường Khâm Thiên", Kind: "grassroots_committee", ParentCode: "HN.DD"},
		{Code: "HN.DD.KT.1", Name: "Chi bộ Tổ dân phố số 1", Kind: "cell", ParentCode: "HN.DD.KT", Category: "residential"},
		{Code: "HP", Name: "Đảng bộ Thành phố Hải Phòng", Kind: "city"},
		{Code: "HP.BM", Name: "Đảng bộ phường Bạch Mai", Kind: "grassroots_committee", ParentCode: "HP"},
	} {
		var parent *domain.Unit
		if in.ParentCode != "" {
			p, err := s.UnitByCode(ctx, in.ParentCode)
			if err != nil {
				t.Fatal(err)
			}
			parent = &p
		}
		u, err := s.CreateUnit(ctx, sys, in, parent)
		if err != nil {
			t.Fatal(err)
		}
		paths[u.Code] = u.Path
	}
	return s, paths
}

// hitList writes hits as "CODE match" lines, for comparing.
func hitList(hits []domain.UnitHit) string {
	var b strings.Builder
	for _, h := range hits {
		fmt.Fprintf(&b, "%s %s\n", h.Code, h.Match)
	}
	return b.String()
}

// expectHits runs q with the batch sizes b and checks that it finds want
// ("CODE match" each), in that order.
func expectHits(t *testing.T, s *Store, q UnitSearch, b searchBatches, want []string) {
	t.Helper()
	got, err := s.searchUnits(context.Background(), q, b)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := hitList(got.Units), strings.Join(append(want, ""), "\n"); got != want {
		t.Errorf("%q found\n%swant\n%s", q.Query.Text, got, want)
	}
}

func searchQuery(t *testing.T, q string) domain.SearchQuery {
	t.Helper()
	var v domain.Validation
	sq := domain.ParseSearchQuery("q", q, &v)
	if err := v.Err(); err != nil {
		t.Fatal(err)
	}
	return sq
}

// batchSizes are the search's own batch sizes, and sizes small enough that
// the small tree takes every path of the word search (windows, trigram
// reads per depth, common words read in code order). The results must not
// depend on them.
var batchSizes = map[string]searchBatches{
	"default batches": defaultSearchBatches,
	"tiny batches":    {window: 1, few: 1, similar: 1000},
	"small batches":   {window: 3, few: 1, similar: 1000},
}

func TestSearchRanksExactCodeThenCodePrefixThenNamesThenCodePartsThenSimilarNamesWhenNothingElseMatches(t *testing.T) {
	s, _ := searchTree(t)
	for _, tt := range []struct {
		name, q string
		want    []string
	}{
		{"the exact code first, then codes below it, higher units first", "hn.hbt.mk", []string{
			"HN.HBT.MK code", "HN.HBT.MK.1 code_prefix", "HN.HBT.MK.2 code_prefix", "HN.HBT.MK.3 code_prefix"}},
		{"a name starting with the query before a later word, whatever the depth", "minh khai", []string{
			"HN.HBT.MK.2 name_prefix", "HN.HBT.MK word_prefix", "HN.HBT.MK.1 word_prefix"}},
		{"similar names when nothing else matches, by depth when as similar", "minh khaj", []string{
			"HN.HBT.MK similar", "HN.HBT.MK.1 similar", "HN.HBT.MK.2 similar", "HN.HBT.MK.3 similar"}},
		{"the most similar names first", "minh khay 1", []string{
			"HN.HBT.MK.3 similar", "HN.HBT.MK.1 similar", "HN.HBT.MK similar", "HN.HBT.MK.2 similar"}},
		{"an exact code before the names", "minh", []string{
			"MINH code", "HN.HBT.MK.2 name_prefix", "HN.HBT.MK word_prefix", "HN.HBT.MK.1 word_prefix", "HN.HBT.MK.3 word_prefix"}},
		{"names starting with the query by depth, then by name", "dang bo phuong", []string{
			"HP.BM name_prefix", "HN.HBT.BM name_prefix", "HN.DD.KT name_prefix", "HN.HBT.MK name_prefix"}},
		{"a later word by depth, then by code", "bach mai", []string{
			"HP.BM word_prefix", "HN.HBT.BM word_prefix", "HN.HBT.BM.2 word_prefix"}},
		{"diacritics, case and punctuation do not count", "BẠCH-MAI", []string{
			"HP.BM word_prefix", "HN.HBT.BM word_prefix", "HN.HBT.BM.2 word_prefix"}},
		{"đ is d", "dong da", []string{"HN.DD word_prefix"}},
		{"a misspelt name finds the similar ones", "khâm thiêng", []string{"HN.DD.KT similar"}},
		{"a part of a code, after a dot, by depth then code", "hbt.mk", []string{
			"HN.HBT.MK code_part", "HN.HBT.MK.1 code_part", "HN.HBT.MK.2 code_part", "HN.HBT.MK.3 code_part"}},
		{"the last part of a code", "bm.2", []string{"HN.HBT.BM.2 code_part"}},
		{"a part of a code copied with its dots", ".bm.2.", []string{"HN.HBT.BM.2 code_part"}},
		{"a code copied with a dot after it", "hn.hbt.mk.", []string{
			"HN.HBT.MK code", "HN.HBT.MK.1 code_prefix", "HN.HBT.MK.2 code_prefix", "HN.HBT.MK.3 code_prefix"}},
		{"a part starts after a dot, not inside one", "bt.mk", nil},
		{"nothing matches", "quảng ninh", nil},
		{"a short query finds no similar names", "xy", nil},
	} {
		for batches, b := range batchSizes {
			t.Run(tt.name+", "+batches, func(t *testing.T) {
				expectHits(t, s, UnitSearch{Query: searchQuery(t, tt.q), All: true, Limit: 20}, b, tt.want)
			})
		}
	}
}

// The same name typed with or without diacritics, in any case, or as
// decomposed (NFD) Unicode, as a phone keyboard may send it, finds the same
// units.
func TestSearchIgnoresDiacriticsCaseAndUnicodeForm(t *testing.T) {
	s, _ := searchTree(t)
	ctx := context.Background()
	var first string
	for i, q := range []string{"bach mai", "Bạch Mai", "BẠCH MAI", norm.NFD.String("Bạch Mai"), "  bạch   mai  ", "bách mái"} {
		got, err := s.SearchUnits(ctx, UnitSearch{Query: searchQuery(t, q), All: true, Limit: 20})
		if err != nil {
			t.Fatal(err)
		}
		list := hitList(got.Units)
		if i == 0 {
			first = list
			if !strings.HasPrefix(list, "HP.BM word_prefix\nHN.HBT.BM word_prefix\n") {
				t.Fatalf("%q found %s", q, list)
			}
		} else if list != first {
			t.Errorf("%q found\n%swhile %q found\n%s", q, list, "bach mai", first)
		}
	}
}

func TestSearchStaysWithinTheCallersScope(t *testing.T) {
	s, paths := searchTree(t)
	for _, tt := range []struct {
		name  string
		roots []string
		q     string
		want  []string
	}{
		{"a district's board finds its wards only", []string{"HN.HBT"}, "bach mai", []string{"HN.HBT.BM word_prefix", "HN.HBT.BM.2 word_prefix"}},
		{"nothing outside the scope, even by code", []string{"HN.HBT"}, "HN.DD", nil},
		{"a ward's secretary finds its own cells", []string{"HN.HBT.BM"}, "chi bo", []string{"HN.HBT.BM.1 name_prefix", "HN.HBT.BM.2 name_prefix"}},
		{"several grants add up", []string{"HN.HBT.BM", "HN.DD.KT"}, "to dan pho", []string{"HN.DD.KT.1 word_prefix", "HN.HBT.BM.1 word_prefix"}},
		{"the second root alone", []string{"HP"}, "bach mai", []string{"HP.BM word_prefix"}},
	} {
		for batches, b := range batchSizes {
			t.Run(tt.name+", "+batches, func(t *testing.T) {
				var roots []string
				for _, r := range tt.roots {
					roots = append(roots, paths[r])
				}
				expectHits(t, s, UnitSearch{Query: searchQuery(t, tt.q), Roots: roots, Limit: 20}, b, tt.want)
			})
		}
	}
	t.Run("no scope finds nothing", func(t *testing.T) {
		got, err := s.SearchUnits(context.Background(), UnitSearch{Query: searchQuery(t, "bach mai"), Limit: 20})
		if err != nil || len(got.Units) != 0 {
			t.Errorf("%v, %v", got.Units, err)
		}
	})
}

// Each unit found comes with its place: the units above it, nearest first,
// below the top unit of the caller's scope that holds it.
func TestSearchShowsEachUnitsPlaceBelowTheCallersTopUnit(t *testing.T) {
	s, paths := searchTree(t)
	place := func(h domain.UnitHit) string {
		var names []string
		for _, a := range h.Place {
			names = append(names, a.Code+" "+a.Name)
		}
		return strings.Join(names, " › ")
	}
	for _, tt := range []struct {
		name  string
		all   bool
		roots []string
		want  map[string]string
	}{
		{"the whole tree: below the root", true, nil, map[string]string{
			"HN.HBT.BM.2": "HN.HBT.BM Đảng bộ phường Bạch Mai › HN.HBT Đảng bộ quận Hai Bà Trưng",
			"HN.HBT.BM":   "HN.HBT Đảng bộ quận Hai Bà Trưng",
			"HP.BM":       ""}},
		{"a city's user: below the city", false, []string{"HN", "HP"}, map[string]string{
			"HN.HBT.BM.2": "HN.HBT.BM Đảng bộ phường Bạch Mai › HN.HBT Đảng bộ quận Hai Bà Trưng",
			"HN.HBT.BM":   "HN.HBT Đảng bộ quận Hai Bà Trưng",
			"HP.BM":       ""}},
		{"a district's board: below the district", false, []string{"HN.HBT"}, map[string]string{
			"HN.HBT.BM.2": "HN.HBT.BM Đảng bộ phường Bạch Mai",
			"HN.HBT.BM":   ""}},
		{"a ward's secretary: below the ward", false, []string{"HN.HBT.BM"}, map[string]string{
			"HN.HBT.BM.2": "",
			"HN.HBT.BM":   ""}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var roots []string
			for _, r := range tt.roots {
				roots = append(roots, paths[r])
			}
			got, err := s.SearchUnits(context.Background(), UnitSearch{Query: searchQuery(t, "bach mai"), All: tt.all, Roots: roots, Limit: 20})
			if err != nil {
				t.Fatal(err)
			}
			if len(got.Units) != len(tt.want) {
				t.Fatalf("found %s", hitList(got.Units))
			}
			for _, h := range got.Units {
				if want, ok := tt.want[h.Code]; !ok || place(h) != want {
					t.Errorf("%s: place %q, want %q", h.Code, place(h), want)
				}
				if h.Place == nil {
					t.Errorf("%s: place is nil, not empty", h.Code)
				}
			}
		})
	}
}

func TestSearchPagesFollowTheRanking(t *testing.T) {
	s, _ := searchTree(t)
	ctx := context.Background()
	all, err := s.SearchUnits(ctx, UnitSearch{Query: searchQuery(t, "chi bo"), All: true, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	if len(all.Units) != 5 || all.More {
		t.Fatalf("all: %s more %v", hitList(all.Units), all.More)
	}
	var paged []domain.UnitHit
	for offset := 0; ; offset += 2 {
		page, err := s.SearchUnits(ctx, UnitSearch{Query: searchQuery(t, "chi bo"), All: true, Limit: 2, Offset: offset})
		if err != nil {
			t.Fatal(err)
		}
		paged = append(paged, page.Units...)
		if want := offset+2 < len(all.Units); page.More != want {
			t.Errorf("offset %d: more %v, want %v", offset, page.More, want)
		}
		if !page.More {
			break
		}
	}
	if got, want := hitList(paged), hitList(all.Units); got != want {
		t.Errorf("pages\n%swant\n%s", got, want)
	}
}

// A merged (inactive) unit is not found; the unit it was merged into is.
func TestSearchFindsActiveUnitsOnly(t *testing.T) {
	s, _ := searchTree(t)
	ctx := context.Background()
	sys := domain.SystemPrincipal()
	if _, err := s.MergeUnits(ctx, sys, "HN.HBT.BM", []string{"HN.HBT.MK"}, "sáp nhập", func(domain.Unit, []domain.Unit) error { return nil }); err != nil {
		t.Fatal(err)
	}
	got, err := s.SearchUnits(ctx, UnitSearch{Query: searchQuery(t, "phuong minh khai"), All: true, Limit: 20})
	if err != nil {
		t.Fatal(err)
	}
	if list := hitList(got.Units); strings.Contains(list, "HN.HBT.MK ") {
		t.Errorf("the merged ward is found: %s", list)
	}
	got, err = s.SearchUnits(ctx, UnitSearch{Query: searchQuery(t, "minh khai 1"), All: true, Limit: 1})
	if err != nil || hitList(got.Units) != "HN.HBT.MK.1 word_prefix\n" || got.Units[0].Place[0].Code != "HN.HBT.BM" {
		t.Errorf("the moved cell: %+v, %v", got.Units, err)
	}
}

// A renamed unit is found by its new name at once: the folded name is a
// column PostgreSQL keeps.
func TestSearchFindsARenamedUnitByItsNewName(t *testing.T) {
	s, _ := searchTree(t)
	ctx := context.Background()
	u, err := s.UnitByCode(ctx, "HN.HBT.BM.1")
	if err != nil {
		t.Fatal(err)
	}
	name := "Chi bộ Khu tập thể Đại học Bách khoa"
	if _, err := s.UpdateUnit(ctx, domain.SystemPrincipal(), u.Code, domain.UnitPatch{Name: &name, Version: u.Version}); err != nil {
		t.Fatal(err)
	}
	got, err := s.SearchUnits(ctx, UnitSearch{Query: searchQuery(t, "dai hoc bach khoa"), All: true, Limit: 20})
	if err != nil || hitList(got.Units) != "HN.HBT.BM.1 word_prefix\n" {
		t.Errorf("%+v, %v", got.Units, err)
	}
}
