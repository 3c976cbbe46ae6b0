package web

import (
	"compress/gzip"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// getAs sends GET path with b's cookies and extra headers ("Name: value").
func (b *browser) getAs(path string, headers ...string) response {
	b.f.t.Helper()
	req := httptest.NewRequest("GET", path, nil)
	for _, h := range headers {
		k, v, _ := strings.Cut(h, ": ")
		req.Header.Set(k, v)
	}
	for _, c := range b.cookies {
		req.AddCookie(c)
	}
	return b.f.serve(req)
}

// Answers are gzipped for a client that takes it, but for downloads that
// are compressed already (tables, standard documents, papers' files), and
// a secretary's pages do not load Chart.js.
func TestAnswersAreCompressedAndASecretarysPagesLeaveChartJSOut(t *testing.T) {
	f := newFixture(t, Options{})
	f.withRound()
	f.holdAPI("HN.HBT.A.1", "2020-03-20")
	var paper struct {
		ID int64 `json:"id"`
	}
	f.uploadAPI(f.tokens["secretary"], "HN.HBT.A.1", "minutes", "bien-ban.pdf", aPDF(4000)).decode(t, &paper)
	board := f.browser("")
	board.login("board", testPassword)
	secretary := f.browser("")
	secretary.login("secretary", testPassword)
	for _, c := range []struct {
		b        *browser
		path     string
		gzipped  bool
		contains string
	}{
		{board, "/static/vendor/chart-4.6.1.umd.min.js", true, "Chart"},
		{board, "/static/vendor/htmx-2.0.11.min.js", true, "htmx"},
		{board, "/", true, "cells-chart"},
		{secretary, "/my", true, "Chi bộ tổ dân phố 2"},
		{board, "/units/HN.HBT.A", true, "Chi bộ tổ dân phố 1"},
		{board, "/healthz", false, ""}, // too short to be worth it
		{board, "/units/HN.HBT/table.xlsx", false, "PK"},
		{secretary, "/units/HN.HBT.A.1/documents/agenda?format=docx", false, "PK"},
		{secretary, "/units/HN.HBT.A.1/documents/agenda?format=pdf", false, "%PDF"},
		{secretary, fmt.Sprintf("/units/HN.HBT.A.1/papers/%d/file", paper.ID), false, "%PDF"},
	} {
		t.Run(c.path, func(t *testing.T) {
			res := c.b.getAs(c.path, "Accept-Encoding: gzip")
			if res.Code != http.StatusOK {
				t.Fatalf("%d", res.Code)
			}
			body := res.Body.String()
			if got := res.Header().Get("Content-Encoding") == "gzip"; got != c.gzipped {
				t.Fatalf("gzipped %v, want %v", got, c.gzipped)
			}
			if c.gzipped {
				zr, err := gzip.NewReader(res.Body)
				if err != nil {
					t.Fatal(err)
				}
				b, err := io.ReadAll(zr)
				if err != nil {
					t.Fatal(err)
				}
				if len(b) <= res.Body.Len() && len(b) > 2048 {
					t.Errorf("%d bytes gzipped to %d", len(b), res.Body.Len())
				}
				body = string(b)
			}
			if !strings.Contains(body, c.contains) {
				t.Errorf("lacks %q", c.contains)
			}
		})
	}
	t.Run("the answer to a change of one record goes as it is, its read gzipped", func(t *testing.T) {
		if res := f.do("PUT", "/api/v1/units/HN.HBT.A.1/pilot", f.tokens["board"], `{"pilot":true}`); res.Code != http.StatusOK {
			t.Fatalf("pilot: %d %s", res.Code, res.Body)
		}
		lessons := strings.Repeat("Chuẩn bị văn kiện sớm. ", 100)
		body := fmt.Sprintf(`{"lessons_learned":%q,"version":%d}`, lessons, f.congressOf("HN.HBT.A.1").Version)
		res := f.do("PATCH", "/api/v1/units/HN.HBT.A.1/congress", f.tokens["secretary"], body, "Accept-Encoding: gzip")
		if res.Code != http.StatusOK || res.Header().Get("Content-Encoding") != "" || !strings.Contains(res.Body.String(), strings.TrimSpace(lessons)) {
			t.Fatalf("PATCH: %d, encoding %q, %d bytes", res.Code, res.Header().Get("Content-Encoding"), res.Body.Len())
		}
		res = f.do("GET", "/api/v1/units/HN.HBT.A.1/congress", f.tokens["secretary"], "", "Accept-Encoding: gzip")
		if res.Code != http.StatusOK || res.Header().Get("Content-Encoding") != "gzip" {
			t.Fatalf("GET: %d, encoding %q", res.Code, res.Header().Get("Content-Encoding"))
		}
	})
	t.Run("no page loads Chart.js with a script tag: the dashboard fetches it when its chart shows", func(t *testing.T) {
		for _, c := range []struct {
			b    *browser
			path string
		}{{secretary, "/my"}, {secretary, "/units/HN.HBT.A.1"}, {secretary, "/units/HN.HBT.A"}, {secretary, "/my/hold"},
			{secretary, "/profile"}, {secretary, "/"}, {board, "/"}} {
			if body := c.b.send("GET", c.path, nil).Body.String(); strings.Contains(body, `<script src="/static/vendor/chart`) {
				t.Errorf("%s loads Chart.js", c.path)
			}
		}
	})
}
