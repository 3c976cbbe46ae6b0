package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestResultsAreEnteredFromTheUnitPage(t *testing.T) {
	f := newFixture(t, Options{})
	f.withRound()
	const cell = "HN.HBT.A.1"
	f.holdAPI(cell, "2020-03-20")
	b := f.browser("")
	b.login("secretary", testPassword)
	submit := func(form url.Values, want int) response {
		t.Helper()
		page := b.send("GET", "/units/"+cell, nil).Body.String()
		m := csrfField.FindStringSubmatch(page)
		if m == nil || !strings.Contains(page, `action="/units/`+cell+`/results"`) {
			t.Fatalf("no results form: %s", page)
		}
		form.Set("csrf_token", m[1])
		res := b.send("POST", "/units/"+cell+"/results", form)
		if res.Code != want {
			t.Fatalf("%d, want %d: %s", res.Code, want, res.Body)
		}
		return res
	}
	// sheet is the form with three rows of people, the first filled.
	sheet := func(votes, version string) url.Values {
		v := url.Values{"version": {version}, "committee_size": {"3"}, "secretary_name": {"Nguyễn Thị An"}, "delegates_elected": {"2"}}
		for i, row := range [][]string{{"secretary", "Nguyễn Thị An", "1", votes, "35", "39"}, {"", "", "", "", "", ""}, {"", "", "", "", "", ""}} {
			for j, name := range []string{"position", "full_name", "is_woman", "votes_for", "valid_ballots", "delegates_present"} {
				if row[j] != "" || name != "is_woman" {
					v.Set(personField(i, name), row[j])
				}
			}
		}
		return v
	}
	t.Run("a blank form offers no value typed for the user: no 0, no position chosen", func(t *testing.T) {
		page := b.send("GET", "/units/"+cell, nil).Body.String()
		if strings.Contains(page, `maxlength="6" value="0"`) || strings.Contains(page, `<option value="secretary" selected>`) {
			t.Errorf("the blank form is pre-filled")
		}
	})
	t.Run("votes above the valid ballots are refused beside the field, as typed, and nothing is written", func(t *testing.T) {
		before := f.roundDigest()
		body := submit(sheet("36", "0"), http.StatusUnprocessableEntity).Body.String()
		if f.roundDigest() != before {
			t.Error("wrote")
		}
		for _, want := range []string{`id="elected[0].votes_for-p0-error" role="alert"`, "vượt quá số phiếu hợp lệ", `value="36"`, `value="Nguyễn Thị An"`,
			`<option value="secretary" selected>`, "Kết quả đại hội chưa được lưu: hãy sửa các ô báo lỗi"} {
			if !strings.Contains(body, want) {
				t.Errorf("lacks %q", want)
			}
		}
	})
	t.Run("a person without a position is refused on its row", func(t *testing.T) {
		v := sheet("35", "0")
		v.Set(personField(0, "position"), "")
		body := submit(v, http.StatusUnprocessableEntity).Body.String()
		if !strings.Contains(body, `id="p0-pos-error" role="alert"`) || !strings.Contains(body, "Chọn chức danh") {
			t.Errorf("no refusal beside the position: %s", body)
		}
	})
	t.Run("a checkbox sent with a value no checkbox sends is refused beside it, not read as unticked", func(t *testing.T) {
		for _, bad := range []string{"yes", "2", "x"} {
			before := f.roundDigest()
			v := sheet("35", "0")
			v.Set(personField(0, "is_woman"), bad)
			body := submit(v, http.StatusUnprocessableEntity).Body.String()
			if f.roundDigest() != before {
				t.Errorf("%q: wrote", bad)
			}
			if !strings.Contains(body, `id="p0-woman-error" role="alert">Ô đánh dấu chỉ nhận 1 (đã đánh dấu) hoặc để trống`) || !strings.Contains(body, `value="Nguyễn Thị An"`) {
				t.Errorf("%q: no refusal or the typed values lost: %s", bad, body)
			}
		}
	})
	t.Run("a good sheet is saved and shown with its percentage, the women counted from the people", func(t *testing.T) {
		v := sheet("35", "0")
		v.Set(personField(0, "is_woman"), "on") // a box without a value attribute sends "on"
		submit(v, http.StatusSeeOther)
		page := b.send("GET", "/units/"+cell, nil).Body.String()
		for _, want := range []string{"Đã lưu kết quả đại hội.", "Nguyễn Thị An", "89,74% · 35 phiếu đồng ý / 35 phiếu hợp lệ / 39 đại biểu có mặt", "Ban chấp hành: 3 đồng chí, trong đó 1 nữ",
			"— Người dùng secretary (secretary) lúc"} { // the history names who, by name and login
			if !strings.Contains(page, want) {
				t.Errorf("lacks %q", want)
			}
		}
	})
	t.Run("a sheet from a stale page is refused", func(t *testing.T) {
		before := f.roundDigest()
		page := submit(sheet("34", "0"), http.StatusUnprocessableEntity).Body.String() // read before the save above
		if !strings.Contains(page, `class="error" role="alert"`) || f.roundDigest() != before || !strings.Contains(page, "35 phiếu đồng ý / 35 phiếu hợp lệ / 39 đại biểu có mặt") {
			t.Errorf("a stale sheet wrote or said nothing")
		}
	})
}
