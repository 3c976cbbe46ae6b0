//go:build e2e

package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/daihoi/daihoi/internal/domain"
)

// A secretary attaches the minutes of a held cell from a phone; the board
// above sees the paper and the papers the other cells have not sent, and
// downloads the four standard documents filled in.
func TestASecretaryAttachesTheMinutesFromAPhoneAndTheBoardSeesThem(t *testing.T) {
	s := newSite(t)
	s.patch(sys, "HN.HBT.BM.1", domain.CongressPatch{Status: ptr("held"), HeldDate: ptr("2020-03-20")})
	s.patch(sys, "HN.HBT.BM.2", domain.CongressPatch{Status: ptr("held"), HeldDate: ptr("2020-03-21")})
	scan := filepath.Join(t.TempDir(), "Biên bản đại hội chi bộ.pdf")
	if err := os.WriteFile(scan, []byte("%PDF-1.4\n% Biên bản\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"), 0o600); err != nil {
		t.Fatal(err)
	}

	phone := browser(t, phoneW, phoneH)
	if err := s.signIn(phone, "bachmai"); err != nil {
		t.Fatal(err)
	}
	form := `#papers form[enctype="multipart/form-data"]`
	if err := chromedp.Do(phone,
		chromedp.Navigate(s.url+"/units/HN.HBT.BM.1"),
		chromedp.WaitVisible(chromedp.CSS(form)),
		chromedp.SetValue(chromedp.CSS(form+` select[name=kind]`), "minutes"),
		chromedp.SetUploadFiles(chromedp.CSS(form+` input[type=file]`), []string{scan}),
		chromedp.ScrollIntoView(chromedp.CSS(form+` button[type=submit]`)),
	); err != nil {
		t.Fatal(err)
	}
	shot(t, phone, "papers-form-phone")
	if err := chromedp.Do(phone,
		chromedp.Click(chromedp.CSS(form+` button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`.flash`)),
	); err != nil {
		t.Fatal(err)
	}
	if flash, _ := text(phone, ".flash"); !strings.Contains(flash, "Đã đính kèm Biên bản đại hội (phiên bản 1)") {
		t.Errorf("flash %q", flash)
	}
	papers, _ := text(phone, "#papers")
	if !strings.Contains(papers, "Biên bản đại hội chi bộ.pdf") || !strings.Contains(papers, "Còn thiếu: báo cáo kết quả đại hội") {
		t.Errorf("papers section %q", papers)
	}
	if err := chromedp.Do(phone, chromedp.ScrollIntoView(chromedp.CSS(`#papers`))); err != nil {
		t.Fatal(err)
	}
	shot(t, phone, "papers-phone")

	board := browser(t, desktopW, desktopH)
	if err := s.signIn(board, "bantochuc"); err != nil {
		t.Fatal(err)
	}
	missing, err := text(board, "#missing-papers")
	if err != nil || !strings.Contains(missing, "Chi bộ Tổ dân phố số 2") || !strings.Contains(missing, "biên bản đại hội, báo cáo kết quả đại hội") ||
		!strings.Contains(missing, "Chi bộ khu dân cư số 1") {
		t.Errorf("dashboard's missing papers %q (%v)", missing, err)
	}
	// The screenshot shows the dashboard as drawn, its chart included.
	if err := chromedp.Do(board,
		chromedp.Poll[chromedp.Void](`window.Chart && window.Chart.getChart(document.getElementById("cells-chart")) !== undefined`),
	); err != nil {
		t.Fatal(err)
	}
	shot(t, board, "dashboard-missing-papers-desktop")
	if err := chromedp.Do(board, chromedp.Navigate(s.url+"/units/HN.HBT.BM"), chromedp.WaitVisible(chromedp.CSS(`#missing-papers`))); err != nil {
		t.Fatal(err)
	}
	ward, _ := text(board, "#missing-papers")
	if !strings.Contains(ward, "Chi bộ Tổ dân phố số 1") || !strings.Contains(ward, "Chi bộ Tổ dân phố số 2") {
		t.Errorf("the ward's missing papers %q", ward)
	}
	if err := chromedp.Do(board, chromedp.Navigate(s.url+"/units/HN.HBT.BM.1"), chromedp.WaitVisible(chromedp.CSS(`#papers`))); err != nil {
		t.Fatal(err)
	}
	if p, _ := text(board, "#papers ul.papers"); !strings.Contains(p, "Biên bản đại hội chi bộ.pdf") || !strings.Contains(p, "bachmai") {
		t.Errorf("the board does not see the paper: %q", p)
	}
	got := downloads(t, board, "#papers a[download]", `a.getAttribute("href")`)
	documents := 0
	for _, d := range got {
		switch {
		case strings.Contains(d.Format, "/documents/") && strings.HasSuffix(d.Format, "format=docx"):
			documents++
			if d.Status != 200 || !strings.Contains(d.Type, "wordprocessingml") || d.Head[:2] != "PK" || !strings.Contains(d.Name, ".docx") {
				t.Errorf("document %+v", d)
			}
		case strings.Contains(d.Format, "/documents/"):
			documents++
			if d.Status != 200 || d.Type != "application/pdf" || d.Head != "%PDF-" {
				t.Errorf("document %+v", d)
			}
		case strings.Contains(d.Format, "/papers/"):
			if d.Status != 200 || d.Type != "application/pdf" || d.Head != "%PDF-" {
				t.Errorf("paper %+v", d)
			}
		}
	}
	if documents != 8 {
		t.Errorf("%d documents downloaded, want the four as .docx and PDF: %+v", documents, got)
	}
	shot(t, board, "papers-desktop")
}
