package web

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/daihoi/daihoi/internal/unitfile/unitfiletest"
)

// upload posts a file to the import page as b.
func (b *browser) upload(filename, content string) response {
	b.f.t.Helper()
	return b.f.serve(b.uploadRequest(filename, content))
}

// uploadRequest is the request that posts a file to the import page as b.
func (b *browser) uploadRequest(filename, content string) *http.Request {
	b.f.t.Helper()
	page := b.send("GET", "/admin/import", nil)
	m := csrfField.FindStringSubmatch(page.Body.String())
	if page.Code != http.StatusOK || m == nil {
		b.f.t.Fatalf("import page: %d", page.Code)
	}
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	if err := w.WriteField("csrf_token", m[1]); err != nil {
		b.f.t.Fatal(err)
	}
	fw, err := w.CreateFormFile("file", filename)
	if err != nil {
		b.f.t.Fatal(err)
	}
	if _, err := fw.Write([]byte(content)); err != nil {
		b.f.t.Fatal(err)
	}
	w.Close()
	req := httptest.NewRequest("POST", "/admin/import", &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	for _, c := range b.cookies {
		req.AddCookie(c)
	}
	return req
}

func TestImportPageReportsEveryBadRowAndWritesNothing(t *testing.T) {
	f := newFixture(t, Options{})
	b := f.browser("")
	b.login("admin", testPassword)
	units, audits := f.counts()
	bad := "code,name,kind,parent_code,category,members\n" +
		"HN.HBT.C,Đảng bộ phường Cầu Dền,grassroots_committee,HN.HBT,,\n" +
		"HN.HBT.C.1,,cell,HN.HBT.C,residential,10\n" +
		"HN.HBT.C.2,Chi bộ 2,planet,HN.HBT.C,residential,10\n"
	res := b.upload("units.csv", bad)
	body := res.Body.String()
	if res.Code != http.StatusUnprocessableEntity || !strings.Contains(body, "Tệp không được nhập") ||
		!strings.Contains(body, "Dòng 3") || !strings.Contains(body, "Dòng 4") {
		t.Fatalf("%d %s", res.Code, body)
	}
	if u, a := f.counts(); u != units || a != audits {
		t.Errorf("a refused file wrote: units %d→%d, audit %d→%d", units, u, audits, a)
	}
	good := strings.Replace(strings.Replace(bad, ",,cell,", ",Chi bộ 1,cell,", 1), "planet", "cell", 1)
	res = b.upload("units.csv", good)
	if res.Code != http.StatusOK || !strings.Contains(res.Body.String(), "Đã nhập: 3 tạo mới") {
		t.Fatalf("%d %s", res.Code, res.Body)
	}
	t.Run("a secretary may not import", func(t *testing.T) {
		s := f.browser("")
		s.login("secretary", testPassword)
		if res := s.send("GET", "/admin/import", nil); res.Code != http.StatusForbidden {
			t.Errorf("%d", res.Code)
		}
	})
}

// TestImportPageRefusesRowsShorterOrLongerThanTheHeader: a row of 4 cells in
// a file of 6 columns was once taken as a cell without a category; it is a
// bad row, named by its number, and nothing is written.
func TestImportPageRefusesRowsShorterOrLongerThanTheHeader(t *testing.T) {
	f := newFixture(t, Options{})
	b := f.browser("")
	b.login("admin", testPassword)
	units, audits := f.counts()
	file := "code,name,kind,parent_code,category,members\n" +
		"HN.HBT.C,Đảng bộ phường Cầu Dền,grassroots_committee,HN.HBT,,\n" +
		"HN.HBT.C.1,Chi bộ 1,cell,HN.HBT.C\n" +
		"HN.HBT.C.2,Chi bộ 2,cell,HN.HBT.C,residential,10,12\n" +
		"HN.HBT.C.3,Chi bộ 3,cell,HN.HBT.C,residential,10\n"
	res := b.upload("units.csv", file)
	body := res.Body.String()
	if res.Code != http.StatusUnprocessableEntity {
		t.Fatalf("%d %s", res.Code, body)
	}
	for _, row := range []string{"Dòng 3: <code>row</code> — Dòng có 4 ô, dòng tiêu đề có 6 ô", "Dòng 4: <code>row</code> — Dòng có 7 ô, dòng tiêu đề có 6 ô"} {
		if !strings.Contains(body, row) {
			t.Errorf("the refusal does not say %q:\n%s", row, body)
		}
	}
	if strings.Contains(body, "Dòng 2:") || strings.Contains(body, "Dòng 5:") {
		t.Errorf("a good row is reported:\n%s", body)
	}
	if u, a := f.counts(); u != units || a != audits {
		t.Errorf("a refused file wrote: units %d→%d, audit %d→%d", units, u, audits, a)
	}
}

// TestImportPageRefusesFilesOverTheLimitsAndSaysWhich: a file larger than
// the body limit (with its length announced or not), an XLSX zip bomb and
// a CSV of 200,000 rows are each refused on the import page with a message
// naming the limit, and nothing is written.
func TestImportPageRefusesFilesOverTheLimitsAndSaysWhich(t *testing.T) {
	f := newFixture(t, Options{})
	b := f.browser("")
	b.login("admin", testPassword)
	units, audits := f.counts()
	var rows strings.Builder
	rows.WriteString("code,name,kind,parent_code,category,members\n")
	for i := range 200_000 {
		fmt.Fprintf(&rows, "X%06d,n,cell,P,,\n", i)
	}
	big := strings.Repeat("x", 5<<20)
	bomb, err := unitfiletest.Bomb(512<<20, 512<<20)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, filename, content string
		chunked                 bool
		status                  int
		want                    string
	}{
		{"a file larger than the body limit", "units.csv", big, false, http.StatusRequestEntityTooLarge, "Tệp lớn hơn 4 MB"},
		{"the same sent without its length", "units.csv", big, true, http.StatusRequestEntityTooLarge, "Tệp lớn hơn 4 MB"},
		{"a CSV of 200,000 rows", "units.csv", rows.String(), false, http.StatusUnprocessableEntity, "Tệp có hơn 50.000 dòng đơn vị"},
		{"an XLSX that unpacks to 512 MB", "units.xlsx", string(bomb), false, http.StatusUnprocessableEntity, "Tệp XLSX khi giải nén lớn hơn 32 MB"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := b.uploadRequest(tc.filename, tc.content)
			if tc.chunked {
				req.ContentLength = -1
			}
			res := f.serve(req)
			if body := res.Body.String(); res.Code != tc.status || !strings.Contains(body, tc.want) || !strings.Contains(body, `action="/admin/import"`) {
				t.Fatalf("%d, want %d on the import page saying %q:\n%.3000s", res.Code, tc.status, tc.want, body)
			}
			if u, a := f.counts(); u != units || a != audits {
				t.Errorf("a refused file wrote: units %d→%d, audit %d→%d", units, u, audits, a)
			}
		})
	}
	if res := b.upload("units.csv", "code,name,kind,parent_code,category,members\nHN.HBT.Z,Đảng bộ phường Z,grassroots_committee,HN.HBT,,\n"); res.Code != http.StatusOK {
		t.Errorf("a small file after the refusals: %d %s", res.Code, res.Body)
	}
}
