package web

import (
	"bytes"
	"errors"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/labstack/echo/v4"
	"golang.org/x/text/unicode/norm"

	"github.com/daihoi/daihoi/internal/core"
	"github.com/daihoi/daihoi/internal/domain"
)

// requestTypes are the types of the JSON bodies the API reads.
var requestTypes = []func() any{
	func() any { return &loginRequest{} }, func() any { return &domain.UnitInput{} }, func() any { return &domain.UnitPatch{} },
	func() any { return &moveRequest{} }, func() any { return &mergeRequest{} }, func() any { return &domain.DeadlineRuleInput{} },
	func() any { return &core.UnitDeadlineInput{} }, func() any { return &domain.CongressPatch{} }, func() any { return &pilotRequest{} },
	func() any { return &domain.MilestoneInput{} }, func() any { return &domain.ResultsInput{} }, func() any { return &makeReportRequest{} },
	func() any { return &subscriptionRequest{} },
}

// refusal reports whether err is the answer to bad input: a 4xx.
func refusal(err error) bool {
	var he *echo.HTTPError
	if errors.As(err, &he) {
		return he.Code >= 400 && he.Code < 500
	}
	return domain.IsCode(err, domain.EInvalid)
}

// soundStrings fails unless every string in v, at any depth, is sound NFC text.
func soundStrings(t *testing.T, v reflect.Value, path string) {
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			soundStrings(t, v.Elem(), path)
		}
	case reflect.String:
		s := v.String()
		if !utf8.ValidString(s) || strings.ContainsRune(s, utf8.RuneError) || strings.IndexByte(s, 0) >= 0 {
			t.Fatalf("%s = %q taken", path, s)
		}
		if path != ".Password" && !norm.NFC.IsNormalString(s) {
			t.Fatalf("%s = %q is not NFC", path, s)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				soundStrings(t, v.Field(i), path+"."+v.Type().Field(i).Name)
			}
		}
	case reflect.Slice:
		for i := range v.Len() {
			soundStrings(t, v.Index(i), path)
		}
	}
}

// FuzzDecodeJSON: any body, read as any request of the API, is taken with
// sound NFC strings or refused with a 4xx, never a panic.
func FuzzDecodeJSON(f *testing.F) {
	for _, s := range []string{`{"committee_size":null,"committee_women":0,"version":2}`, `{"name":"x\ud800","version":1}`,
		`{"code":"HN.X","name":"Chi bộ","kind":"cell","parent_code":"HN","members":1}`, `{"elected":[{"full_name":"a\u0000"}]}`,
		"{\"note\":\"\xff\"}", `null`, `[]`, `{}{}`, `{"planned_date":null,"version":3}`, `{"UNITS":["HN"],"units":null}`} {
		f.Add([]byte(s), uint8(len(s)))
	}
	e := echo.New()
	f.Fuzz(func(t *testing.T, body []byte, which uint8) {
		v := requestTypes[int(which)%len(requestTypes)]()
		req := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		err := decodeJSON(e.NewContext(req, httptest.NewRecorder()), v)
		if err != nil {
			if !refusal(err) {
				t.Fatalf("%q: %v is not a 4xx", body, err)
			}
			return
		}
		soundStrings(t, reflect.ValueOf(v), "")
	})
}

// FuzzReadForm: any body, sent as a page form of any content type, is
// taken with sound NFC values or refused with a 4xx, never a panic.
func FuzzReadForm(f *testing.F) {
	types := []string{"application/x-www-form-urlencoded", "multipart/form-data; boundary=xyz", "text/plain", ""}
	for _, s := range []string{"%%%", "done_on=2020-01-10&note=a%00", "scope_code=%FF", "a=1&a=2&b=%E1%BB%87",
		"--xyz\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nb\r\n--xyz--\r\n", "password=%20x%20&new=e%CC%82"} {
		for i := range types {
			f.Add([]byte(s), uint8(i))
		}
	}
	e := echo.New()
	f.Fuzz(func(t *testing.T, body []byte, which uint8) {
		req := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
		if ct := types[int(which)%len(types)]; ct != "" {
			req.Header.Set("Content-Type", ct)
		}
		err := readForm(e.NewContext(req, httptest.NewRecorder()))
		if err != nil {
			if !refusal(err) {
				t.Fatalf("%q: %v is not a 4xx", body, err)
			}
			return
		}
		for k, vs := range req.Form {
			for _, v := range vs {
				if !utf8.ValidString(k+v) || strings.ContainsRune(k+v, 0) || strings.ContainsRune(k+v, utf8.RuneError) {
					t.Fatalf("%q = %q taken", k, v)
				}
				if !secretFields[k] && !norm.NFC.IsNormalString(v) {
					t.Fatalf("%q = %q is not NFC", k, v)
				}
			}
		}
	})
}
