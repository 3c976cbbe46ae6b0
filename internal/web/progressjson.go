package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"sync"

	"github.com/labstack/echo/v4"
)

// The progress endpoints send their figures with an ETag of the body; the
// figures served from memory by core (a non-zero stamp) are marshalled
// once per language and kept here, and compressed at most once, so that
// the many readers of the same figures cost no JSON and no gzip (these
// routes skip the gzip middleware: sendFigures compresses).

// renderedLimit bounds the bodies kept: past it, all are dropped (those of
// live figures are made again at their next read).
const renderedLimit = 4096

type renderedKey struct {
	stamp uint64
	lang  string
}

type renderedBody struct {
	body []byte
	etag string
	// gzipped is body compressed, made at the first request for it.
	gzipOnce sync.Once
	gzipped  []byte
}

// compressed returns the body gzipped.
func (r *renderedBody) compressed() []byte {
	r.gzipOnce.Do(func() {
		var b bytes.Buffer
		w := gzip.NewWriter(&b)
		w.Write(r.body) // a bytes.Buffer does not fail
		w.Close()
		r.gzipped = b.Bytes()
	})
	return r.gzipped
}

type renderedCache struct {
	mu sync.Mutex
	m  map[renderedKey]*renderedBody
}

func (r *renderedCache) get(k renderedKey) (*renderedBody, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	b, ok := r.m[k]
	return b, ok
}

func (r *renderedCache) put(k renderedKey, b *renderedBody) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.m == nil || len(r.m) >= renderedLimit {
		r.m = map[renderedKey]*renderedBody{}
	}
	r.m[k] = b
}

// figuresGzipMin is the smallest body sendFigures compresses, as the gzip
// middleware's MinLength.
const figuresGzipMin = 1024

// isFigures reports whether the request is of a route answered by
// sendFigures, which compresses its bodies itself.
func isFigures(c echo.Context) bool {
	p := c.Path()
	return p == "/api/v1/units/:code/progress" || p == "/api/v1/units/:code/progress/children"
}

// sendFigures sends the figures localized returns in the request's
// language as JSON with an ETag; a request whose If-None-Match holds it is
// answered 304 without a body. stamp names figures served from memory (0:
// computed for this request), whose body is made once per language.
// Clients are told to check again on every use (Cache-Control: private,
// no-cache): the figures change with any write below the unit.
func (s *Server) sendFigures(c echo.Context, stamp uint64, localized func(lang string) any) error {
	l := lang(c)
	k := renderedKey{stamp: stamp, lang: l}
	var r *renderedBody
	ok := false
	if stamp != 0 {
		r, ok = s.rendered.get(k)
	}
	if !ok {
		b, err := json.Marshal(localized(l))
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		r = &renderedBody{body: b, etag: `"` + base64.RawURLEncoding.EncodeToString(sum[:18]) + `"`}
		if stamp != 0 {
			s.rendered.put(k, r)
		}
	}
	h := c.Response().Header()
	h.Set(echo.HeaderCacheControl, "private, no-cache")
	h.Add(echo.HeaderVary, echo.HeaderAcceptEncoding)
	h.Set("ETag", r.etag)
	if etagMatches(c.Request().Header.Get("If-None-Match"), r.etag) {
		return c.NoContent(http.StatusNotModified)
	}
	if len(r.body) >= figuresGzipMin && strings.Contains(c.Request().Header.Get(echo.HeaderAcceptEncoding), "gzip") {
		h.Set(echo.HeaderContentEncoding, "gzip")
		return c.Blob(http.StatusOK, echo.MIMEApplicationJSON, r.compressed())
	}
	return c.JSONBlob(http.StatusOK, r.body)
}

// etagMatches reports whether an If-None-Match header names tag (or is *),
// comparing weakly as RFC 9110 asks.
func etagMatches(header, tag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == "*" || t == tag {
			return true
		}
	}
	return false
}
