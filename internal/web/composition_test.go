package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestThePeopleElectedArePersonalDataShownToTheirUnitOnly(t *testing.T) {
	f := newFixture(t, Options{})
	f.withRound()
	const cell = "HN.HBT.A.1"
	f.holdAPI(cell, "2020-03-20")
	b := f.browser("")
	b.login("secretary", testPassword)
	page := b.send("GET", "/units/"+cell, nil).Body.String()
	m := csrfField.FindStringSubmatch(page)
	if m == nil || !strings.Contains(page, `name="birth_year"`) || !strings.Contains(page, `name="ethnic_minority_0"`) {
		t.Fatalf("no personal fields in the results form")
	}
	form := url.Values{"csrf_token": {m[1]}, "version": {"0"}, "committee_size": {"2"}, "committee_women": {"1"},
		"position": {"secretary", "committee"}, "full_name": {"Nguyễn Thị Hoa", "Lò Văn Pá"},
		"votes_for": {"35", "30"}, "valid_ballots": {"35", "30"}, "delegates_present": {"39", "39"},
		"birth_year": {"1985", ""}, "is_woman_0": {"1"}, "re_elected_0": {"1"}, "ethnic_minority_1": {"1"}}
	if res := b.send("POST", "/units/"+cell+"/results", form); res.Code != http.StatusSeeOther {
		t.Fatalf("%d %s", res.Code, res.Body)
	}
	own := b.send("GET", "/units/"+cell, nil).Body.String()
	for _, want := range []string{"nữ · sinh năm 1985 · tái cử", "dân tộc thiểu số", "35/35/39 = 89,74%",
		"Cơ cấu ban chấp hành (2 đồng chí): nữ 1 (50,00%), dưới 40 tuổi 1 (50,00%), dân tộc thiểu số 1 (50,00%), tái cử 1 (50,00%)."} {
		if !strings.Contains(own, want) {
			t.Errorf("the secretary's page lacks %q", want)
		}
	}
	t.Run("a viewer sees the names, votes and figures, not who they are", func(t *testing.T) {
		v := f.browser("")
		v.login("viewer", testPassword)
		page := v.send("GET", "/units/"+cell, nil).Body.String()
		if !strings.Contains(page, "35/35/39 = 89,74%") || !strings.Contains(page, "Cơ cấu ban chấp hành (2 đồng chí)") {
			t.Errorf("the viewer lacks the results")
		}
		if strings.Contains(page, "sinh năm") || strings.Contains(page, "tái cử ·") || strings.Contains(page, "nữ ·") {
			t.Errorf("the viewer sees personal data")
		}
		res := f.do("GET", "/api/v1/units/"+cell+"/results", f.tokens["viewer"], "")
		body := res.Body.String()
		if res.Code != http.StatusOK || strings.Contains(body, `"birth_year":`) || strings.Contains(body, "is_woman") ||
			!strings.Contains(body, `"personal":false`) || !strings.Contains(body, `"women":1`) {
			t.Errorf("API: %d %s", res.Code, body)
		}
		res = f.do("GET", "/api/v1/units/"+cell+"/results", f.tokens["supervisor"], "")
		if strings.Contains(res.Body.String(), `"birth_year":`) {
			t.Errorf("a supervisor sees personal data: %s", res.Body)
		}
		res = f.do("GET", "/api/v1/units/"+cell+"/results", f.tokens["board"], "")
		if !strings.Contains(res.Body.String(), `"birth_year":1985`) || !strings.Contains(res.Body.String(), `"personal":true`) {
			t.Errorf("the board above lacks personal data: %s", res.Body)
		}
	})
	t.Run("the district's planned composition against the committees elected", func(t *testing.T) {
		if res := f.do("PUT", "/api/v1/units/HN.HBT/composition/plan", f.tokens["secretary"], `{"measure":"women","percent":52,"reason":"x"}`); res.Code != http.StatusNotFound {
			t.Errorf("a secretary below: %d", res.Code)
		}
		if res := f.do("PUT", "/api/v1/units/HN.HBT/composition/plan", f.tokens["board"], `{"measure":"women","percent":52,"reason":"Phương án nhân sự"}`); res.Code != http.StatusOK {
			t.Fatalf("%d %s", res.Code, res.Body)
		}
		if res := f.do("POST", "/api/v1/rounds/1/composition-targets", f.tokens["board"],
			`{"scope_code":"HN.HBT","kind":"cell","measure":"women","comparison":"at_least","percent":15,"reason":"Hướng dẫn"}`); res.Code != http.StatusOK {
			t.Fatalf("%d %s", res.Code, res.Body)
		}
		v := f.browser("")
		v.login("viewer", testPassword)
		page := v.send("GET", "/units/HN.HBT", nil).Body.String()
		for _, want := range []string{"Cơ cấu cấp ủy đã bầu", "Chỉ tiêu: Nữ ít nhất 15%: 50,00% ✔", "Nữ dự kiến 52% — chưa bầu"} {
			if !strings.Contains(page, want) {
				t.Errorf("district page lacks %q", want)
			}
		}
	})
}

func TestTheBoardSetsACompositionTargetOnTheRoundPage(t *testing.T) {
	f := newFixture(t, Options{})
	f.withRound()
	b := f.browser("")
	b.login("board", testPassword)
	page := b.send("GET", "/round", nil).Body.String()
	m := csrfField.FindStringSubmatch(page)
	if m == nil || !strings.Contains(page, `action="/round/targets"`) || !strings.Contains(page, "biên bản đại hội, báo cáo kết quả đại hội") {
		t.Fatalf("no targets form or required papers")
	}
	form := url.Values{"csrf_token": {m[1]}, "scope_code": {"HN.HBT"}, "kind": {"cell"}, "measure": {"women"}, "comparison": {"at_least"},
		"percent": {"15"}, "reason": {"Hướng dẫn nhân sự"}}
	if res := b.send("POST", "/round/targets", form); res.Code != http.StatusSeeOther {
		t.Fatalf("%d %s", res.Code, res.Body)
	}
	if page := b.send("GET", "/round", nil).Body.String(); !strings.Contains(page, "Nữ ít nhất 15%") {
		t.Errorf("the target is not listed")
	}
	form.Set("percent", "150")
	b.send("POST", "/round/targets", form)
	if page := b.send("GET", "/round", nil).Body.String(); !strings.Contains(page, "Tỷ lệ phải từ 0 đến 100") {
		t.Errorf("the refusal is not said")
	}
}
