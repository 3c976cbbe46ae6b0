package web

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/daihoi/daihoi/internal/core"
	"github.com/daihoi/daihoi/internal/domain"
)

// decodeJSON reads the request body, one JSON object, into v.
//
//   - An empty or malformed body, a body that is not an object or that holds
//     more than one value is a 400.
//   - A value of the wrong type ("members":"abc", a number too large) and an
//     unknown field are a 422 naming the field: the API rejects unknown
//     fields, so that a typo is not silently ignored.
//   - A string holding a NUL character (which PostgreSQL cannot store) is a
//     422 naming the field. Invalid UTF-8 is replaced by U+FFFD by the
//     decoder and then refused by the domain's validation where it matters.
//   - A body over the limit keeps Echo's 413.
func decodeJSON(c echo.Context, v any) error {
	dec := json.NewDecoder(c.Request().Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return decodeError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		var he *echo.HTTPError
		if errors.As(err, &he) {
			return he
		}
		return badRequest("Dữ liệu gửi lên phải là đúng một đối tượng JSON", "the request body must be exactly one JSON object")
	}
	return checkStrings(v)
}

func decodeError(err error) error {
	var (
		he   *echo.HTTPError
		syn  *json.SyntaxError
		typ  *json.UnmarshalTypeError
		vErr domain.Validation
	)
	switch {
	case errors.As(err, &he):
		return he
	case errors.Is(err, io.EOF):
		return badRequest("Thiếu dữ liệu JSON trong yêu cầu", "the request body is empty; a JSON object is expected")
	case errors.As(err, &syn), errors.Is(err, io.ErrUnexpectedEOF):
		return badRequest("Dữ liệu JSON không hợp lệ", "malformed JSON in the request body")
	case errors.As(err, &typ):
		if typ.Field == "" {
			return badRequest("Dữ liệu gửi lên phải là một đối tượng JSON", "the request body must be a JSON object")
		}
		kind := jsonKind(typ.Type)
		vErr.Add(typ.Field, fmt.Sprintf("Giá trị không đúng kiểu (cần %s)", kind.VI),
			fmt.Sprintf("wrong type of value (%s expected)", kind.EN))
		return vErr.Err()
	}
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		name, _ = strconv.Unquote(name)
		vErr.Add(name, "Trường không được hỗ trợ", "unknown field")
		return vErr.Err()
	}
	return badRequest("Dữ liệu JSON không hợp lệ", "malformed JSON in the request body")
}

// jsonKind names, in both languages, the JSON type expected for a Go type.
func jsonKind(t reflect.Type) domain.Text {
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return domain.Text{VI: "số nguyên", EN: "integer"}
	case reflect.Float32, reflect.Float64:
		return domain.Text{VI: "số", EN: "number"}
	case reflect.String:
		return domain.Text{VI: "chuỗi ký tự", EN: "string"}
	case reflect.Bool:
		return domain.Text{VI: "true hoặc false", EN: "boolean"}
	case reflect.Slice, reflect.Array:
		return domain.Text{VI: "danh sách", EN: "array"}
	}
	return domain.Text{VI: "đối tượng", EN: "object"}
}

// checkStrings refuses NUL characters in the string fields (plain, pointer
// or slice) of the decoded struct v, naming the fields by their JSON names.
func checkStrings(v any) error {
	rv := reflect.Indirect(reflect.ValueOf(v))
	if rv.Kind() != reflect.Struct {
		return nil
	}
	var val domain.Validation
	rt := rv.Type()
	for i := range rt.NumField() {
		name, _, _ := strings.Cut(rt.Field(i).Tag.Get("json"), ",")
		if name == "" || name == "-" {
			continue
		}
		bad := false
		switch f := reflect.Indirect(rv.Field(i)); {
		case f.Kind() == reflect.String:
			bad = strings.ContainsRune(f.String(), 0)
		case f.Kind() == reflect.Slice && f.Type().Elem().Kind() == reflect.String:
			for j := range f.Len() {
				bad = bad || strings.ContainsRune(f.Index(j).String(), 0)
			}
		}
		if bad {
			val.Add(name, "Chứa ký tự NUL không hợp lệ", "contains an invalid NUL character")
		}
	}
	return val.Err()
}

// maxCodeLength is the longest unit code the domain accepts.
const maxCodeLength = 64

// codeParam returns the unit code of the path. A code that no unit can have
// (too long, invalid UTF-8, control characters) is not found, without asking
// the database.
func codeParam(c echo.Context) (string, error) {
	code := domain.NormalizeCode(c.Param("code"))
	if code == "" || len(code) > maxCodeLength || !utf8.ValidString(code) ||
		strings.IndexFunc(code, unicode.IsControl) >= 0 {
		shown := strings.ToValidUTF8(strings.Map(printable, code), "?")
		if r := []rune(shown); len(r) > maxCodeLength {
			shown = string(r[:maxCodeLength]) + "…"
		}
		return "", domain.NotFound(domain.UnitText, shown)
	}
	return code, nil
}

func printable(r rune) rune {
	if unicode.IsControl(r) {
		return '?'
	}
	return r
}

// DefaultPageSize is the page size of a subtree listing without ?limit.
const DefaultPageSize = 100

// pageLimit reads ?limit: absent means DefaultPageSize; anything but an
// integer from 1 to core.MaxPageSize is a 422.
func pageLimit(c echo.Context) (int, error) {
	raw := c.QueryParam("limit")
	if raw == "" {
		return DefaultPageSize, nil
	}
	n, err := strconv.Atoi(strings.TrimSpace(raw))
	if err != nil || n < 1 || n > core.MaxPageSize {
		return 0, domain.Invalid("limit", fmt.Sprintf("limit phải là số nguyên từ 1 đến %d", core.MaxPageSize),
			fmt.Sprintf("limit must be an integer between 1 and %d", core.MaxPageSize))
	}
	return n, nil
}

// pathRE matches the store's unit paths (ltree labels of unit ids).
var pathRE = regexp.MustCompile(`^[0-9]+(\.[0-9]+)*$`)

// maxCursorLength bounds a decoded cursor (a path of a few hundred levels).
const maxCursorLength = 4096

// encodeCursor makes the store's path cursor opaque to clients.
func encodeCursor(path string) string {
	if path == "" {
		return ""
	}
	return base64.RawURLEncoding.EncodeToString([]byte(path))
}

// decodeCursor reads ?cursor back into the store's path cursor; a cursor
// this server did not make is a 422.
func decodeCursor(raw string) (string, error) {
	if raw == "" {
		return "", nil
	}
	b, err := base64.RawURLEncoding.DecodeString(raw)
	if err != nil || len(b) > maxCursorLength || !pathRE.Match(b) {
		return "", domain.Invalid("cursor", "Con trỏ trang không hợp lệ", "invalid page cursor")
	}
	return string(b), nil
}
