package web

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/daihoi/daihoi/internal/domain"
	"github.com/daihoi/daihoi/templates"
)

// oldNames are the names a state used to go by besides its name in the
// glossary (domain.Statuses): "plan approved" and "held" each had three.
var oldNames = []string{"Đã duyệt kế hoạch", "Kế hoạch đã được duyệt", "Đã tổ chức"}

// hasOldName returns the first old name in s, or "".
func hasOldName(s string) string {
	for _, o := range oldNames {
		if strings.Contains(s, o) {
			return o
		}
	}
	return ""
}

// The same state has one name everywhere: the glossary's, in the pages,
// the weekly report (HTML, CSV) and its downloads, and the API's messages.
func TestEachStateHasOneNameEverywhere(t *testing.T) {
	t.Run("no catalog, template or source file names a state otherwise", func(t *testing.T) {
		check := func(name string, b []byte) {
			if o := hasOldName(string(b)); o != "" {
				t.Errorf("%s says %q", name, o)
			}
		}
		err := fs.WalkDir(templates.FS, ".", func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".html") {
				return err
			}
			b, err := fs.ReadFile(templates.FS, path)
			check(path, b)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		root := filepath.Join("..", "..")
		err = filepath.WalkDir(filepath.Join(root, "internal"), func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || strings.HasSuffix(path, "_test.go") ||
				!(strings.HasSuffix(path, ".go") || strings.HasSuffix(path, ".toml")) {
				return err
			}
			b, err := os.ReadFile(path)
			check(path, b)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		matches, _ := filepath.Glob(filepath.Join(root, "migrations", "*.sql"))
		for _, m := range matches {
			b, err := os.ReadFile(m)
			if err != nil {
				t.Fatal(err)
			}
			check(m, b)
		}
	})

	f := newFixture(t, Options{})
	f.withReportWeek()
	f.do("POST", "/api/v1/units/HN.HBT/reports", f.tokens["board"], `{"week":"2020-W12"}`)
	f.patchStep("board", "HN.HBT.B.1", `"status":"preparing",`, 200)
	board := f.browser("")
	board.login("board", testPassword)
	english := f.browser("")
	f.englishUser("lan", "board", "HN.HBT")
	english.login("lan", testPassword)
	for _, page := range []string{"/", "/my", "/units/HN.HBT", "/units/HN.HBT.A", "/units/HN.HBT/table.csv",
		"/units/HN.HBT/reports/2020-W12", "/units/HN.HBT/reports/2020-W12/report.csv"} {
		for _, b := range []struct {
			lang string
			b    *browser
		}{{"vi", board}, {"en", english}} {
			t.Run(b.lang+" "+page, func(t *testing.T) {
				res := b.b.send("GET", page, nil)
				if res.Code != 200 {
					t.Fatalf("%d", res.Code)
				}
				body := res.Body.String()
				if o := hasOldName(body); o != "" {
					t.Errorf("says %q", o)
				}
				named := false
				for _, st := range domain.Statuses {
					named = named || strings.Contains(body, st.Name.In(b.lang))
				}
				if !named {
					t.Error("names no state as the glossary does")
				}
			})
		}
	}
	t.Run("the API's refusals name the states as the glossary does", func(t *testing.T) {
		for _, lang := range []string{"vi", "en"} {
			res := f.do("PATCH", "/api/v1/units/HN.HBT.B.1/congress", f.tokens["board"],
				fmt.Sprintf(`{"status":"plan_approved","version":%d}`, f.congressOf("HN.HBT.B.1").Version), "Accept-Language: "+lang)
			e := res.apiError(t)
			want := domain.StatusPlanApproved.Name().In(lang)
			if len(e.Fields) != 1 || !strings.Contains(e.Fields[0].Message, want) || hasOldName(e.Fields[0].Message) != "" {
				t.Errorf("%s: %+v, want the name %q", lang, e.Fields, want)
			}
		}
	})
}
