package web

import (
	"net/http"
	"strings"
	"testing"

	"github.com/daihoi/daihoi/internal/congressdoc"
)

func TestTheFourStandardDocumentsDownloadFilledIn(t *testing.T) {
	f := newFixture(t, Options{})
	f.withRound()
	const cell = "HN.HBT.A.1"
	f.holdAPI(cell, "2020-03-20")
	if res := f.do("PUT", "/api/v1/units/"+cell+"/results", f.tokens["secretary"], `{"committee_size":1,"committee_women":0,"version":0,
		"elected":[{"position":"secretary","full_name":"Nguyễn Văn An","votes_for":35,"valid_ballots":35,"delegates_present":39}]}`); res.Code != http.StatusOK {
		t.Fatalf("%d %s", res.Code, res.Body)
	}
	for _, doc := range []string{"invitation", "agenda", "vote_minutes", "results_report"} {
		t.Run(doc, func(t *testing.T) {
			res := f.do("GET", "/api/v1/units/"+cell+"/documents/"+doc, f.tokens["viewer"], "")
			if res.Code != http.StatusOK || res.Header().Get("Content-Type") != "application/vnd.openxmlformats-officedocument.wordprocessingml.document" ||
				!strings.Contains(res.Header().Get("Content-Disposition"), ".docx") {
				t.Fatalf("%d %v", res.Code, res.Header())
			}
			text, err := congressdoc.Text(res.Body.Bytes())
			if err != nil || !strings.Contains(text, "CHI BỘ TỔ DÂN PHỐ 1") || !strings.Contains(text, "ĐẢNG CỘNG SẢN VIỆT NAM") {
				t.Errorf("%v\n%s", err, text)
			}
			if (doc == "vote_minutes" || doc == "results_report") && !strings.Contains(text, "35/35/39 = 89,74%") {
				t.Errorf("no votes in\n%s", text)
			}
			pdf := f.do("GET", "/api/v1/units/"+cell+"/documents/"+doc+"?format=pdf", f.tokens["viewer"], "")
			if pdf.Code != http.StatusOK || pdf.Header().Get("Content-Type") != "application/pdf" || !strings.HasPrefix(pdf.Body.String(), "%PDF-") {
				t.Errorf("pdf: %d %v", pdf.Code, pdf.Header())
			}
		})
	}
	for _, tc := range []struct {
		target string
		want   int
	}{
		{"/api/v1/units/" + cell + "/documents/letter", http.StatusNotFound},
		{"/api/v1/units/" + cell + "/documents/agenda?format=odt", http.StatusUnprocessableEntity},
		{"/api/v1/units/HN.DD.K.1/documents/agenda", http.StatusNotFound},
	} {
		if res := f.do("GET", tc.target, f.tokens["secretary"], ""); res.Code != tc.want {
			t.Errorf("%s: %d, want %d", tc.target, res.Code, tc.want)
		}
	}
	t.Run("from the unit page", func(t *testing.T) {
		b := f.browser("")
		b.login("secretary", testPassword)
		page := b.send("GET", "/units/"+cell, nil).Body.String()
		if !strings.Contains(page, `href="/units/`+cell+`/documents/results_report?format=pdf"`) {
			t.Fatal("no link to the documents")
		}
		if res := b.send("GET", "/units/"+cell+"/documents/results_report?format=pdf", nil); res.Code != http.StatusOK || !strings.HasPrefix(res.Body.String(), "%PDF-") {
			t.Errorf("%d", res.Code)
		}
	})
}
