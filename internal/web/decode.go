package web

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/daihoi/daihoi/internal/core"
	"github.com/daihoi/daihoi/internal/domain"
)

// decodeJSON reads the request body, one JSON object, into v, a pointer to
// a request struct. It is the one door of every JSON body:
//
//   - An empty or malformed body, a body that is not an object (null, an
//     array, a string) or that holds more than one value is a 400.
//   - A value of the wrong type ("members":"abc", a number too large) and an
//     unknown field are a 422 naming the field: the API rejects unknown
//     fields, so that a typo is not silently ignored.
//   - Absent and null are told apart (checkFields): a field tagged
//     input:"required" must be present; null is refused on every field but
//     those tagged input:"nullable" (a date that null, like "", clears). In a
//     PATCH an absent field stays as it is.
//   - Every string, at any depth, is a text (domain.CleanText): NUL,
//     control characters, invalid UTF-8 and U+FFFD (what the decoder makes
//     of invalid bytes and of a lone surrogate escape such as "\ud800") are
//     a 422 naming the field; the others are stored NFC and trimmed, but for
//     fields tagged input:"secret" (passwords), kept as typed.
//   - A body sent as another content type than JSON (a form, text), or as
//     JSON in another charset than UTF-8, is a 415; a body without a
//     content type is read as JSON.
//   - A key given twice in one object is a 400, and a key that matches a
//     field only when case is ignored ("STATUS") a 422 naming it: either
//     would otherwise pick one value silently.
//   - A body over the limit keeps Echo's 413.
func decodeJSON(c echo.Context, v any) error {
	if ct := c.Request().Header.Get(echo.HeaderContentType); ct != "" {
		mt, params, err := mime.ParseMediaType(ct)
		if cs, ok := params["charset"]; ok && err == nil && !strings.EqualFold(cs, "utf-8") && !strings.EqualFold(cs, "utf8") {
			return &echo.HTTPError{Code: http.StatusUnsupportedMediaType, Message: domain.Text{
				VI: fmt.Sprintf("Dữ liệu JSON phải ở mã UTF-8, không phải %s", domain.ShowText(cs, 40)),
				EN: fmt.Sprintf("JSON must be sent in UTF-8, not %s", domain.ShowText(cs, 40))}}
		}
		if err != nil || mt != echo.MIMEApplicationJSON && !strings.HasSuffix(mt, "+json") {
			return &echo.HTTPError{Code: http.StatusUnsupportedMediaType, Message: domain.Text{
				VI: "Dữ liệu gửi lên phải là JSON (Content-Type: application/json)",
				EN: "the request body must be JSON (Content-Type: application/json)"}}
		}
	}
	body, err := io.ReadAll(c.Request().Body)
	if err != nil {
		var he *echo.HTTPError
		if errors.As(err, &he) {
			return he
		}
		return badRequest("Không đọc được dữ liệu gửi lên", "the request body could not be read")
	}
	if key, twice := keyTwice(body); twice {
		return badRequest(fmt.Sprintf("Khóa %q có hai lần trong cùng một đối tượng JSON", domain.ShowText(key, 60)),
			fmt.Sprintf("the key %q appears twice in one JSON object", domain.ShowText(key, 60)))
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return decodeError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return badRequest("Dữ liệu gửi lên phải là đúng một đối tượng JSON", "the request body must be exactly one JSON object")
	}
	var raw any
	rd := json.NewDecoder(bytes.NewReader(body))
	rd.UseNumber()
	if err := rd.Decode(&raw); err != nil {
		return badRequest("Dữ liệu JSON không hợp lệ", "malformed JSON in the request body")
	}
	obj, ok := raw.(map[string]any)
	if !ok {
		return badRequest("Dữ liệu gửi lên phải là một đối tượng JSON", "the request body must be a JSON object")
	}
	var val domain.Validation
	checkFields(reflect.ValueOf(v).Elem(), obj, "", &val)
	if err := val.Err(); err != nil {
		return err
	}
	if !utf8.Valid(body) { // invalid bytes outside any string field
		return badRequest("Dữ liệu gửi lên không phải UTF-8 hợp lệ", "the request body is not valid UTF-8")
	}
	return nil
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

// inputTag reads the input:"..." options of a request field: required,
// nullable, secret.
func inputTag(f reflect.StructField, opt string) bool {
	for _, o := range strings.Split(f.Tag.Get("input"), ",") {
		if o == opt {
			return true
		}
	}
	return false
}

// jsonName is the JSON name of a struct field, "" when it has none.
func jsonName(f reflect.StructField) string {
	if !f.IsExported() {
		return ""
	}
	name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	if name == "-" {
		return ""
	}
	if name == "" {
		name = f.Name
	}
	return name
}

// rawField finds the raw value of a field in a JSON object as encoding/json
// matches it (the name, else any case of it): present, and null when any
// value given for it is null.
func rawField(obj map[string]any, name string) (val any, present, null bool) {
	if x, ok := obj[name]; ok {
		val, present, null = x, true, x == nil
	}
	return val, present, null
}

// keyTwice reports the first key given twice in one object of the JSON
// body (which must be well formed; a malformed one reports none).
func keyTwice(body []byte) (string, bool) {
	dec := json.NewDecoder(bytes.NewReader(body))
	type level struct {
		object bool
		keys   map[string]bool
		key    bool // the next token of an object is a key
	}
	var stack []*level
	for {
		tok, err := dec.Token()
		if err != nil {
			return "", false
		}
		var top *level
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		if top != nil && top.object && top.key {
			if k, ok := tok.(string); ok {
				if top.keys[k] {
					return k, true
				}
				top.keys[k] = true
				top.key = false
				continue
			}
		}
		switch tok {
		case json.Delim('{'):
			stack = append(stack, &level{object: true, keys: map[string]bool{}, key: true})
			continue
		case json.Delim('['):
			stack = append(stack, &level{})
			continue
		case json.Delim('}'), json.Delim(']'):
			stack = stack[:len(stack)-1]
		}
		// A value ended: in an object, a key comes next.
		if len(stack) > 0 && stack[len(stack)-1].object {
			stack[len(stack)-1].key = true
		}
	}
}

// checkFields checks the struct rv decoded from the JSON object obj: the
// required fields are present, null only where nullable (where it clears a
// string), and every string a sound text, cleaned in place. Fields are named
// by their JSON path: "elected[2].full_name".
func checkFields(rv reflect.Value, obj map[string]any, prefix string, val *domain.Validation) {
	rt := rv.Type()
	names := map[string]bool{}
	for i := range rt.NumField() {
		if name := jsonName(rt.Field(i)); name != "" {
			names[name] = true
		}
	}
	for k := range obj {
		if names[k] {
			continue
		}
		for name := range names { // the decoder took it, ignoring case
			if strings.EqualFold(k, name) {
				val.Add(prefix+k, fmt.Sprintf("Tên trường phân biệt chữ hoa và chữ thường: hãy viết %q", name),
					fmt.Sprintf("field names are case-sensitive: write %q", name))
			}
		}
	}
	for i := range rt.NumField() {
		sf := rt.Field(i)
		name := jsonName(sf)
		if name == "" {
			continue
		}
		path := prefix + name
		raw, present, null := rawField(obj, name)
		switch {
		case !present:
			if inputTag(sf, "required") {
				val.Add(path, "Thiếu trường bắt buộc", "this field is required")
			}
		case null && inputTag(sf, "nullable"):
			clearString(rv.Field(i))
		case null:
			val.Add(path, "Không được để null; hãy bỏ trường này hoặc cho một giá trị", "null is not allowed here; leave the field out or give a value")
		default:
			kind := domain.MultiLine
			if inputTag(sf, "secret") {
				kind = domain.Secret
			}
			checkValue(rv.Field(i), raw, path, kind, val)
		}
	}
}

// checkValue checks one decoded value f and its raw JSON value.
func checkValue(f reflect.Value, raw any, path string, kind domain.TextKind, val *domain.Validation) {
	switch f.Kind() {
	case reflect.Pointer:
		if !f.IsNil() {
			checkValue(f.Elem(), raw, path, kind, val)
		}
	case reflect.String:
		s := domain.CheckText(val, 0, path, f.String(), kind)
		if f.CanSet() {
			f.SetString(s)
		}
	case reflect.Struct:
		if obj, ok := raw.(map[string]any); ok {
			checkFields(f, obj, path+".", val)
		}
	case reflect.Slice:
		items, _ := raw.([]any)
		for j := range f.Len() {
			p := fmt.Sprintf("%s[%d]", path, j)
			if j < len(items) && items[j] == nil {
				val.Add(p, "Không được để null", "null is not allowed here")
				continue
			}
			var item any
			if j < len(items) {
				item = items[j]
			}
			checkValue(f.Index(j), item, p, kind, val)
		}
	}
}

// clearString sets a nullable string field (string or *string) given null
// to "", which clears what it names.
func clearString(f reflect.Value) {
	switch {
	case f.Kind() == reflect.String:
		f.SetString("")
	case f.Kind() == reflect.Pointer && f.Type().Elem().Kind() == reflect.String:
		f.Set(reflect.New(f.Type().Elem()))
	}
}

// codeParam returns the unit code of the path. A code that no unit can have
// (domain.ParseCode: too long, NUL, invalid UTF-8, control characters) is
// not found, without asking the database. Every route with a :code reads
// it here.
func codeParam(c echo.Context) (string, error) {
	return parseCode(c.Param("code"))
}

// parseCode reads a unit code given in a request (path, query or form).
func parseCode(raw string) (string, error) {
	code, ok := domain.ParseCode(raw)
	if !ok {
		return "", domain.NotFound(domain.UnitText, domain.ShowText(code, 64))
	}
	return code, nil
}

// usernameParam returns the :username of the path; a name no account can
// have is not found, without asking the database.
func usernameParam(c echo.Context) (string, error) {
	name := domain.NormalizeUsername(c.Param("username"))
	if !domain.ValidUsername(name) {
		return "", domain.NotFound(domain.Text{VI: "người dùng", EN: "user"}, domain.ShowText(name, 64))
	}
	return name, nil
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
