package web

import (
	"bytes"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/daihoi/daihoi/internal/domain"
)

// A body that would make the decoder pick one value silently is refused:
// a key twice in one object, a key in another case than the field's, a
// body declared in another charset than UTF-8.
func TestTheDecoderRefusesWhatItWouldOtherwiseReadSilently(t *testing.T) {
	e := echo.New()
	for _, tc := range []struct {
		name, ctype, body string
		status            int    // an HTTP refusal, or
		field             string // a refusal naming a field
	}{
		{"a key twice", "application/json", `{"status":"preparing","status":"held","version":1}`, http.StatusBadRequest, ""},
		{"a key twice in a nested object", "application/json", `{"elected":[{"full_name":"A","full_name":"B"}],"version":1}`, http.StatusBadRequest, ""},
		{"a key in capitals", "application/json", `{"STATUS":"preparing","version":1}`, 0, "STATUS"},
		{"another charset", "application/json; charset=latin1", `{"status":"preparing","version":1}`, http.StatusUnsupportedMediaType, ""},
		{"UTF-8 said aloud is fine", "application/json; charset=UTF-8", `{"status":"preparing","version":1}`, 0, ""},
		{"the same key in two objects is fine", "application/json", `{"committee_size":2,"committee_women":0,"elected":[` +
			`{"position":"secretary","full_name":"A","votes_for":1,"valid_ballots":1,"delegates_present":1},` +
			`{"position":"committee","full_name":"B","votes_for":1,"valid_ballots":1,"delegates_present":1}],"version":1}`, 0, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader([]byte(tc.body)))
			req.Header.Set("Content-Type", tc.ctype)
			var v any = &domain.CongressPatch{}
			if tc.name == "a key twice in a nested object" || tc.name == "the same key in two objects is fine" {
				v = &domain.ResultsInput{}
			}
			err := decodeJSON(e.NewContext(req, httptest.NewRecorder()), v)
			var he *echo.HTTPError
			switch {
			case tc.status != 0:
				if !errors.As(err, &he) || he.Code != tc.status {
					t.Errorf("error %v, want %d", err, tc.status)
				}
				if msg, ok := he.Message.(domain.Text); tc.name == "another charset" && (!ok || !strings.Contains(msg.EN, "UTF-8, not latin1")) {
					t.Errorf("the refusal does not name the charset: %v", he.Message)
				}
			case tc.field != "":
				de := domain.AsError(err)
				if de == nil || len(de.Fields) != 1 || de.Fields[0].Field != tc.field {
					t.Errorf("error %v, want the field %s refused", err, tc.field)
				}
			case err != nil:
				t.Errorf("refused: %v", err)
			}
		})
	}
}
