package domain

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestErrorCodes(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want ErrorCode
	}{
		{"not found", NotFound(UnitText, "HN"), ENotFound},
		{"conflict", Conflict("xung đột", "conflict"), EConflict},
		{"stale version is a conflict", StaleVersion(), EConflict},
		{"forbidden", Forbidden(), EForbidden},
		{"unauthorized", Unauthorized(), EUnauthorized},
		{"invalid", Invalid("code", "sai", "wrong"), EInvalid},
		{"unavailable", Unavailable(), EUnavailable},
		{"an unavailable database beside its cause", fmt.Errorf("%w: %w", Unavailable(), errors.New("connection refused")), EUnavailable},
		{"a wrapped error keeps its code", fmt.Errorf("store: x: %w", Forbidden()), EForbidden},
		{"a foreign error is internal", errors.New("boom"), EInternal},
		{"nil is internal", nil, EInternal},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ErrorCodeOf(tt.err); got != tt.want {
				t.Errorf("ErrorCodeOf = %s, want %s", got, tt.want)
			}
			if tt.err != nil && tt.want != EInternal && !IsCode(tt.err, tt.want) {
				t.Errorf("IsCode(err, %s) = false", tt.want)
			}
		})
	}
	if IsCode(nil, EInternal) {
		t.Error("IsCode(nil, EInternal) = true, want false")
	}
}

func TestAsError(t *testing.T) {
	if AsError(errors.New("boom")) != nil {
		t.Error("AsError of a foreign error is not nil")
	}
	e := AsError(fmt.Errorf("wrap: %w", Conflict("a", "b")))
	if e == nil || e.Code != EConflict || e.Message.EN != "b" {
		t.Errorf("AsError = %+v, want the conflict", e)
	}
}

func TestErrorMessage(t *testing.T) {
	var v Validation
	v.Add("name", "Thiếu tên", "name is required")
	v.AddRow(3, "kind", "Sai loại", "bad kind")
	err := v.Err()
	if got, want := err.Error(), "invalid: Invalid input: name: name is required; [row 3] kind: bad kind;"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	nf := NotFound(UnitText, "HN.X")
	if got, want := nf.Error(), `not_found: unit "HN.X" not found`; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if got, want := nf.Message.VI, `Không tìm thấy đơn vị "HN.X"`; got != want {
		t.Errorf("Vietnamese message = %q, want %q", got, want)
	}
}

func TestValidation(t *testing.T) {
	var v Validation
	if !v.OK() || v.Err() != nil {
		t.Fatal("an empty validation is not OK")
	}
	v.Add("code", "a", "b")
	if v.OK() {
		t.Error("OK after Add")
	}
	e := AsError(v.Err())
	if e == nil || e.Code != EInvalid || len(e.Fields) != 1 || e.Fields[0].Field != "code" || e.Fields[0].Row != 0 {
		t.Errorf("Err() = %+v, want one invalid field code", e)
	}
}

func TestTextIn(t *testing.T) {
	tx := Text{VI: "Đơn vị", EN: "Unit"}
	for lang, want := range map[string]string{"vi": "Đơn vị", "": "Đơn vị", "en": "Unit", "en-GB": "Unit", "fr": "Đơn vị"} {
		if got := tx.In(lang); got != want {
			t.Errorf("In(%q) = %q, want %q", lang, got, want)
		}
	}
	if got, want := (Text{VI: "Chỉ tiếng Việt"}).In("en"), "Chỉ tiếng Việt"; got != want {
		t.Errorf("In(en) without English = %q, want %q", got, want)
	}
}

func TestEveryMessageHasBothLanguages(t *testing.T) {
	for _, e := range []*Error{NotFound(UnitText, "X"), Conflict("a", "b"), Forbidden(), Unauthorized(), StaleVersion()} {
		if strings.TrimSpace(e.Message.VI) == "" || strings.TrimSpace(e.Message.EN) == "" {
			t.Errorf("%s: message %+v lacks a language", e.Code, e.Message)
		}
	}
}

func TestClocks(t *testing.T) {
	at := time.Date(2020, 3, 19, 8, 0, 0, 0, Location)
	if got := FixedClock(at).Now(); !got.Equal(at) {
		t.Errorf("FixedClock.Now = %v, want %v", got, at)
	}
	if got, want := Location.String(), "Asia/Ho_Chi_Minh"; got != want {
		t.Errorf("Location = %s, want %s", got, want)
	}
	if _, off := at.Zone(); off != 7*3600 {
		t.Errorf("offset = %d, want +7h", off)
	}
	if SystemClock.Now(SystemClock{}).IsZero() {
		t.Error("SystemClock.Now is zero")
	}
}

func TestAVersionReadIsPositive(t *testing.T) {
	for _, tc := range []struct {
		version int
		want    string // the English message, "" when accepted
	}{
		{3, ""},
		{1, ""},
		{0, "version (the version you read) is required"},
		{-1, "version must be positive: the version you read"},
	} {
		var v Validation
		v.CheckVersion(tc.version)
		got := ""
		if len(v.Fields) == 1 && v.Fields[0].Field == "version" {
			got = v.Fields[0].Message.EN
		}
		if got != tc.want || len(v.Fields) > 1 {
			t.Errorf("version %d: %+v, want %q", tc.version, v.Fields, tc.want)
		}
	}
}

func TestTheSystemIsNamedInTheReadersWords(t *testing.T) {
	for _, tc := range []struct{ user, lang, want string }{
		{SystemUsername, "vi", "hệ thống"},
		{SystemUsername, "en", "the system"},
		{"bachmai", "vi", "bachmai"},
	} {
		if got := ActorName(tc.user, tc.lang); got != tc.want {
			t.Errorf("%s in %s: %q, want %q", tc.user, tc.lang, got, tc.want)
		}
	}
}

func TestOnlyAStaleVersionIsStale(t *testing.T) {
	if !IsStale(StaleVersion()) {
		t.Error("StaleVersion is not stale")
	}
	for _, err := range []error{Conflict("Đã có tổ công tác", "there is a group already"), Invalid("x", "a", "b"), nil} {
		if IsStale(err) {
			t.Errorf("%v is taken as stale", err)
		}
	}
}
