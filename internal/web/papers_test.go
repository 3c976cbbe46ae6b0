package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/daihoi/daihoi/internal/core"
	"github.com/daihoi/daihoi/internal/domain"
	"github.com/daihoi/daihoi/internal/store"
	"github.com/daihoi/daihoi/internal/testdb"
)

// aPDF is a PDF of size bytes (at least 20).
func aPDF(size int) []byte {
	b := append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte("0"), size-15)...)
	return append(b, "\n%%EOF"...)
}

// multipartBody is a multipart/form-data body with fields and a file.
func multipartBody(t *testing.T, fields map[string]string, name string, file []byte) (string, *bytes.Buffer) {
	t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	for k, v := range fields {
		if err := w.WriteField(k, v); err != nil {
			t.Fatal(err)
		}
	}
	if name != "" {
		fw, err := w.CreateFormFile("file", name)
		if err != nil {
			t.Fatal(err)
		}
		fw.Write(file)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return w.FormDataContentType(), &b
}

// uploadAPI posts a paper to the API as the user with token.
func (f *fixture) uploadAPI(token, code, kind, name string, file []byte) response {
	f.t.Helper()
	ct, body := multipartBody(f.t, map[string]string{"kind": kind}, name, file)
	req := httptest.NewRequest("POST", "/api/v1/units/"+code+"/papers", body)
	req.Header.Set("Content-Type", ct)
	req.Header.Set("Authorization", "Bearer "+token)
	return f.serve(req)
}

// sendMultipart posts a multipart form from the browser.
func (b *browser) sendMultipart(path string, fields map[string]string, name string, file []byte) response {
	b.f.t.Helper()
	ct, body := multipartBody(b.f.t, fields, name, file)
	req := httptest.NewRequest("POST", path, body)
	req.Header.Set("Content-Type", ct)
	for _, c := range b.cookies {
		req.AddCookie(c)
	}
	return b.f.serve(req)
}

func TestPapersThroughTheAPI(t *testing.T) {
	f := newFixture(t, Options{})
	f.withRound()
	f.holdAPI("HN.HBT.A.1", "2020-03-20")
	f.holdAPI("HN.HBT.A.2", "2020-03-21")
	pdf := aPDF(3000)
	res := f.uploadAPI(f.tokens["secretary"], "HN.HBT.A.1", "minutes", "Biên bản đại hội.pdf", pdf)
	if res.Code != http.StatusCreated {
		t.Fatalf("upload: %d %s", res.Code, res.Body)
	}
	var p domain.Paper
	res.decode(t, &p)
	sum := sha256.Sum256(pdf)
	if p.Current().SHA256 != hex.EncodeToString(sum[:]) || p.Current().FileName != "Biên bản đại hội.pdf" {
		t.Errorf("paper %+v", p)
	}
	fileURL := fmt.Sprintf("/api/v1/units/HN.HBT.A.1/papers/%d/file", p.ID)
	t.Run("the file comes back as it went, named and typed", func(t *testing.T) {
		res := f.do("GET", fileURL, f.tokens["viewer"], "")
		h := res.Header()
		if res.Code != http.StatusOK || !bytes.Equal(res.Body.Bytes(), pdf) || h.Get("Content-Type") != "application/pdf" ||
			h.Get("Content-Length") != "3000" || !strings.Contains(h.Get("Content-Disposition"), "attachment") ||
			!strings.Contains(h.Get("Content-Disposition"), "Bi%C3%AAn%20b%E1%BA%A3n") || h.Get("ETag") != `"`+p.Current().SHA256+`"` {
			t.Errorf("%d %v (%d bytes)", res.Code, h, res.Body.Len())
		}
	})
	t.Run("a .pdf that is really an .exe is refused", func(t *testing.T) {
		before := f.roundDigest()
		res := f.uploadAPI(f.tokens["secretary"], "HN.HBT.A.1", "minutes", "bien-ban.pdf", append([]byte("MZ\x90\x00"), make([]byte, 500)...))
		if res.Code != http.StatusUnprocessableEntity || res.apiError(t).Fields[0].Field != "file" || f.roundDigest() != before {
			t.Errorf("%d %s", res.Code, res.Body)
		}
	})
	for _, tc := range []struct {
		name, token, code string
		upload, download  int
	}{
		{"a viewer reads but does not attach", "viewer", "HN.HBT.A.1", http.StatusForbidden, http.StatusOK},
		{"a supervisor reads but does not attach", "supervisor", "HN.HBT.A.1", http.StatusForbidden, http.StatusOK},
		{"the board above attaches", "board", "HN.HBT.A.1", http.StatusCreated, http.StatusOK},
		{"outside the scope nothing exists", "secretary", "HN.DD.K.1", http.StatusNotFound, http.StatusNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if res := f.uploadAPI(f.tokens[tc.token], tc.code, "resolution", "nq.pdf", aPDF(100)); res.Code != tc.upload {
				t.Errorf("upload: %d %s", res.Code, res.Body)
			}
			if res := f.do("GET", fmt.Sprintf("/api/v1/units/%s/papers/%d/file", tc.code, p.ID), f.tokens[tc.token], ""); res.Code != tc.download {
				t.Errorf("download: %d %s", res.Code, res.Body)
			}
		})
	}
	t.Run("JSON is not an upload", func(t *testing.T) {
		if res := f.do("POST", "/api/v1/units/HN.HBT.A.1/papers", f.tokens["secretary"], `{"kind":"minutes"}`); res.Code != http.StatusUnsupportedMediaType {
			t.Errorf("%d %s", res.Code, res.Body)
		}
	})
	t.Run("results reported are refused without the papers and accepted with them", func(t *testing.T) {
		if res := f.do("PUT", "/api/v1/units/HN.HBT.A.1/results", f.tokens["secretary"], `{"committee_size":3,"committee_women":1,"version":0}`); res.Code != http.StatusOK {
			t.Fatalf("results: %d %s", res.Code, res.Body)
		}
		f.patchStep("secretary", "HN.HBT.A.1", `"status":"results_reported",`, http.StatusUnprocessableEntity)
		if res := f.uploadAPI(f.tokens["secretary"], "HN.HBT.A.1", "results_report", "bc.pdf", aPDF(200)); res.Code != http.StatusCreated {
			t.Fatalf("%d %s", res.Code, res.Body)
		}
		f.patchStep("secretary", "HN.HBT.A.1", `"status":"results_reported",`, http.StatusOK)
	})
	t.Run("the board sees the held congress missing its papers", func(t *testing.T) {
		res := f.do("GET", "/api/v1/units/HN.HBT/missing-papers", f.tokens["board"], "")
		var m []domain.CongressMissingPapers
		res.decode(t, &m)
		if res.Code != http.StatusOK || len(m) != 1 || m[0].UnitCode != "HN.HBT.A.2" || len(m[0].Missing) != 2 {
			t.Errorf("%d %s", res.Code, res.Body)
		}
	})
	t.Run("a deletion needs a reason and is kept", func(t *testing.T) {
		if res := f.do("DELETE", fmt.Sprintf("/api/v1/units/HN.HBT.A.1/papers/%d", p.ID), f.tokens["secretary"], `{"reason":""}`); res.Code != http.StatusUnprocessableEntity {
			t.Errorf("no reason: %d %s", res.Code, res.Body)
		}
		// the reported results rest on the minutes
		if res := f.do("DELETE", fmt.Sprintf("/api/v1/units/HN.HBT.A.1/papers/%d", p.ID), f.tokens["secretary"], `{"reason":"nhầm"}`); res.Code != http.StatusUnprocessableEntity {
			t.Errorf("required: %d %s", res.Code, res.Body)
		}
	})
}

func TestAPaperHasItsOwnSizeLimitInPlaceOfTheBodyLimit(t *testing.T) {
	f := newFixtureWith(t, Options{BodyLimit: "2K"}, store.New(testdb.New(t)), domain.SystemClock{}, core.Options{PaperMaxSize: 8 << 10})
	f.withRound()
	f.holdAPI("HN.HBT.A.1", "2020-03-20")
	t.Run("above the body limit, within the paper's", func(t *testing.T) {
		if res := f.uploadAPI(f.tokens["secretary"], "HN.HBT.A.1", "minutes", "a.pdf", aPDF(6<<10)); res.Code != http.StatusCreated {
			t.Errorf("%d %s", res.Code, res.Body)
		}
	})
	t.Run("above the paper's limit: 413 naming it, nothing written", func(t *testing.T) {
		before := f.roundDigest()
		res := f.uploadAPI(f.tokens["secretary"], "HN.HBT.A.1", "minutes", "b.pdf", aPDF(200<<10))
		if res.Code != http.StatusRequestEntityTooLarge || !strings.Contains(res.apiError(t).MessageVI, "MB") || f.roundDigest() != before {
			t.Errorf("%d %s", res.Code, res.Body)
		}
	})
	t.Run("between the limit and the multipart overhead: refused by the rule", func(t *testing.T) {
		res := f.uploadAPI(f.tokens["secretary"], "HN.HBT.A.1", "minutes", "c.pdf", aPDF(9<<10))
		if res.Code != http.StatusUnprocessableEntity || res.apiError(t).Fields[0].Field != "file" {
			t.Errorf("%d %s", res.Code, res.Body)
		}
	})
	t.Run("other requests keep the body limit", func(t *testing.T) {
		big := `{"committee_size":3,"committee_women":1,"secretary_name":"` + strings.Repeat("a", 3000) + `","version":0}`
		if res := f.do("PUT", "/api/v1/units/HN.HBT.A.1/results", f.tokens["secretary"], big); res.Code != http.StatusRequestEntityTooLarge {
			t.Errorf("%d", res.Code)
		}
	})
}

func TestASecretaryAttachesAPaperFromTheUnitPage(t *testing.T) {
	f := newFixture(t, Options{})
	f.withRound()
	f.holdAPI("HN.HBT.A.1", "2020-03-20")
	f.holdAPI("HN.HBT.A.2", "2020-03-21")
	b := f.browser("")
	b.login("secretary", testPassword)
	// Before its congress a cell is told what it will send, not that it is missing.
	if page := b.send("GET", "/units/HN.HBT.A", nil).Body.String(); strings.Contains(page, "Còn thiếu:") || !strings.Contains(page, `<p class="muted">Sau đại hội cần gửi: `) {
		t.Error("a cell not held yet is told its papers are missing")
	}
	page := b.send("GET", "/units/HN.HBT.A.1", nil).Body.String()
	m := csrfField.FindStringSubmatch(page)
	if m == nil || !strings.Contains(page, `action="/units/HN.HBT.A.1/papers" enctype="multipart/form-data"`) {
		t.Fatalf("no upload form: %s", page)
	}
	t.Run("without the CSRF token nothing is written", func(t *testing.T) {
		res := b.sendMultipart("/units/HN.HBT.A.1/papers", map[string]string{"kind": "minutes"}, "bb.pdf", aPDF(100))
		if res.Code != http.StatusForbidden {
			t.Errorf("%d", res.Code)
		}
	})
	res := b.sendMultipart("/units/HN.HBT.A.1/papers", map[string]string{"kind": "minutes", "csrf_token": m[1]}, "Biên bản.pdf", aPDF(2000))
	if res.Code != http.StatusSeeOther {
		t.Fatalf("%d %s", res.Code, res.Body)
	}
	page = b.send("GET", "/units/HN.HBT.A.1", nil).Body.String()
	for _, want := range []string{"Đã đính kèm Biên bản đại hội (phiên bản 1).", "Biên bản.pdf", "Còn thiếu: báo cáo kết quả đại hội.", "Mỗi loại văn bản là một tệp"} {
		if !strings.Contains(page, want) {
			t.Errorf("unit page lacks %q", want)
		}
	}
	t.Run("an exe is refused on the page in the user's words, as an error, the kind chosen kept", func(t *testing.T) {
		res := b.sendMultipart("/units/HN.HBT.A.1/papers", map[string]string{"kind": "results_report", "csrf_token": m[1]}, "x.pdf", append([]byte("MZ"), make([]byte, 100)...))
		back := res.Header().Get("Location")
		page := b.send("GET", strings.Split(back, "#")[0], nil).Body.String() // as a browser, which keeps the fragment
		if res.Code != http.StatusSeeOther || back != "/units/HN.HBT.A.1?kind=results_report#papers" {
			t.Errorf("%d, back to %q", res.Code, back)
		}
		for _, want := range []string{`class="flash flash-error" role="alert"`, "chương trình chạy được", `<option value="results_report" selected>`} {
			if !strings.Contains(page, want) {
				t.Errorf("the page lacks %q", want)
			}
		}
	})
	t.Run("the board above sees the paper and the cells missing theirs", func(t *testing.T) {
		board := f.browser("")
		board.login("board", testPassword)
		ward := board.send("GET", "/units/HN.HBT.A", nil).Body.String()
		for _, want := range []string{"Đại hội đã tổ chức nhưng chưa gửi đủ văn bản", "Chi bộ tổ dân phố 2", "biên bản đại hội, báo cáo kết quả đại hội"} {
			if !strings.Contains(ward, want) {
				t.Errorf("ward page lacks %q", want)
			}
		}
		home := board.send("GET", "/", nil).Body.String()
		if !strings.Contains(home, "Đại hội đã tổ chức nhưng chưa gửi đủ văn bản") || !strings.Contains(home, "Chi bộ tổ dân phố 2") {
			t.Errorf("the dashboard lacks the congresses missing papers")
		}
		cell := board.send("GET", "/units/HN.HBT.A.1", nil).Body.String()
		href := regexpHref.FindStringSubmatch(cell)
		if href == nil {
			t.Fatalf("no download link")
		}
		if res := board.send("GET", href[1], nil); res.Code != http.StatusOK || res.Body.Len() != 2000 {
			t.Errorf("download %s: %d, %d bytes", href[1], res.Code, res.Body.Len())
		}
	})
	t.Run("a deletion from the page keeps the paper, marked", func(t *testing.T) {
		page := b.send("GET", "/units/HN.HBT.A.1", nil).Body.String()
		id := regexpDelete.FindStringSubmatch(page)
		if id == nil {
			t.Fatal("no delete form")
		}
		res := b.send("POST", "/units/HN.HBT.A.1/papers/"+id[1]+"/delete", url.Values{"csrf_token": {m[1]}, "reason": {"Nhầm tệp"}})
		page = b.send("GET", "/units/HN.HBT.A.1", nil).Body.String()
		if res.Code != http.StatusSeeOther || !strings.Contains(page, "Đã xóa bởi secretary") || !strings.Contains(page, "Nhầm tệp") {
			t.Errorf("%d", res.Code)
		}
	})
}

var (
	regexpHref   = regexp.MustCompile(`href="(/units/HN\.HBT\.A\.1/papers/\d+/file)"`)
	regexpDelete = regexp.MustCompile(`action="/units/HN\.HBT\.A\.1/papers/(\d+)/delete"`)
)

// slowReader gives its bytes a few at a time, pausing between reads: a
// phone on a poor link.
type slowReader struct {
	b     []byte
	pause time.Duration
}

func (r *slowReader) Read(p []byte) (int, error) {
	if len(r.b) == 0 {
		return 0, io.EOF
	}
	time.Sleep(r.pause)
	n := copy(p[:min(len(p), 512)], r.b)
	r.b = r.b[n:]
	return n, nil
}

// A paper sent over a link slower than the server's read timeout allows a
// request is still received whole: an upload's deadline comes from its
// size limit, not from the timeout of every other request.
func TestAPaperSentSlowerThanTheReadTimeoutIsReceived(t *testing.T) {
	f := newFixture(t, Options{})
	f.withRound()
	f.holdAPI("HN.HBT.A.1", "2020-03-20")
	hs := httptest.NewUnstartedServer(f.srv.Handler())
	hs.Config.ReadTimeout = 300 * time.Millisecond // as the server's own, shorter
	f.srv.opts.ReadTimeout = hs.Config.ReadTimeout
	hs.Start()
	defer hs.Close()
	ct, body := multipartBody(t, map[string]string{"kind": "minutes"}, "Biên bản.pdf", aPDF(4000))
	// About 9 reads of 512 bytes, 100 ms apart: over 0.8 s in all.
	req, err := http.NewRequest("POST", hs.URL+"/api/v1/units/HN.HBT.A.1/papers", &slowReader{b: body.Bytes(), pause: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	req.ContentLength = int64(body.Len())
	req.Header.Set("Content-Type", ct)
	req.Header.Set("Authorization", "Bearer "+f.tokens["secretary"])
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if b, _ := io.ReadAll(res.Body); res.StatusCode != http.StatusCreated {
		t.Errorf("%d %s", res.StatusCode, b)
	}
}
