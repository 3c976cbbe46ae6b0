package domain

import (
	"encoding/json"
	"reflect"
	"testing"
)

func TestPlaceScanReadsAsJSONDoes(t *testing.T) {
	cases := []struct{ name, src string }{
		{"no place", `[]`},
		{"one unit as PostgreSQL writes it", `[{"code": "VN.HN.D01.P01", "kind": "grassroots_committee", "name": "Đảng bộ phường Bạch Đằng"}]`},
		{"two units", `[{"code": "A.1", "kind": "ward", "name": "Phường 1"}, {"code": "A", "kind": "district", "name": "Quận A"}]`},
		{"members in another order", `[{"name":"Chi bộ 3","code":"C3","kind":"cell"}]`},
		{"a member missing", `[{"code": "C3", "name": "Chi bộ 3"}]`},
		{"an escaped quote", `[{"code": "C3", "kind": "cell", "name": "Chi bộ \"Ba\""}]`},
		{"an escaped letter", `[{"code": "C3", "kind": "cell", "name": "Chi b\u1ed9"}]`},
		{"a member of another name", `[{"code": "C3", "kind": "cell", "name": "x", "Code": "D"}]`},
		{"a number", `[{"code": "C3", "kind": "cell", "name": 3}]`},
		{"spaces around", " [ { \"code\" : \"C3\" , \"kind\" : \"cell\" , \"name\" : \"x\" } ] "},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			want := Place{}
			wantErr := json.Unmarshal([]byte(c.src), &want)
			var got Place
			err := got.Scan([]byte(c.src))
			if (err != nil) != (wantErr != nil) {
				t.Fatalf("Scan error %v, json.Unmarshal error %v", err, wantErr)
			}
			if err == nil && !reflect.DeepEqual(got, want) {
				t.Errorf("Scan = %#v, want %#v", got, want)
			}
			if err == nil {
				a, _ := json.Marshal(got)
				b, _ := json.Marshal(want)
				if string(a) != string(b) {
					t.Errorf("written back %s, want %s", a, b)
				}
			}
		})
	}
	t.Run("a place as PostgreSQL writes it is read without encoding/json", func(t *testing.T) {
		if _, ok := readPlace([]byte(cases[1].src)); !ok {
			t.Error("readPlace did not read it")
		}
	})
	t.Run("a place not JSON is an error", func(t *testing.T) {
		var p Place
		if err := p.Scan([]byte(`[{"code": "C3"`)); err == nil {
			t.Error("no error")
		}
	})
}
