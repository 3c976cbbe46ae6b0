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
	if m == nil || !strings.Contains(page, `name="elected[0].birth_year"`) || !strings.Contains(page, `name="elected[0].ethnic_minority"`) ||
		!strings.Contains(page, `name="elected[0].re_elected"`) {
		t.Fatalf("no personal fields in the results form")
	}
	form := url.Values{"csrf_token": {m[1]}, "version": {"0"}, "committee_size": {"2"},
		"elected[0].position": {"secretary"}, "elected[0].full_name": {"Nguyễn Thị Hoa"}, "elected[0].votes_for": {"35"},
		"elected[0].valid_ballots": {"35"}, "elected[0].delegates_present": {"39"}, "elected[0].birth_year": {"1985"},
		"elected[0].is_woman": {"1"}, "elected[0].re_elected": {"1"},
		"elected[1].position": {"committee"}, "elected[1].full_name": {"Lò Văn Pá"}, "elected[1].votes_for": {"30"},
		"elected[1].valid_ballots": {"30"}, "elected[1].delegates_present": {"39"}, "elected[1].birth_year": {""},
		"elected[1].ethnic_minority": {"1"}}
	if res := b.send("POST", "/units/"+cell+"/results", form); res.Code != http.StatusSeeOther {
		t.Fatalf("%d %s", res.Code, res.Body)
	}
	own := b.send("GET", "/units/"+cell, nil).Body.String()
	for _, want := range []string{"nữ · sinh năm 1985 · tái cử", "dân tộc thiểu số", "89,74% · 35 phiếu đồng ý / 35 phiếu hợp lệ / 39 đại biểu có mặt",
		"Cơ cấu ban chấp hành (2 đồng chí): nữ 1 (50,00%), dưới 40 tuổi 1 (50,00%), dân tộc thiểu số 1 (50,00%), tái cử 1 (50,00%)."} {
		if !strings.Contains(own, want) {
			t.Errorf("the secretary's page lacks %q", want)
		}
	}
	t.Run("a viewer sees the names, votes and figures, not who they are", func(t *testing.T) {
		v := f.browser("")
		v.login("viewer", testPassword)
		page := v.send("GET", "/units/"+cell, nil).Body.String()
		if !strings.Contains(page, "89,74% · 35 phiếu đồng ý / 35 phiếu hợp lệ / 39 đại biểu có mặt") || !strings.Contains(page, "Cơ cấu ban chấp hành (2 đồng chí)") {
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
		res = f.do("GET", "/api/v1/units/"+cell+"/overview", f.tokens["viewer"], "")
		if body := res.Body.String(); res.Code != http.StatusOK || strings.Contains(body, `"birth_year":`) || !strings.Contains(body, `"personal":false`) {
			t.Errorf("the unit's overview shows the viewer personal data: %d %s", res.Code, body)
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
	res := b.send("POST", "/round/targets", form)
	page = res.Body.String()
	if res.Code != http.StatusUnprocessableEntity || !strings.Contains(page, `<p class="field-error" id="percent-target-error" role="alert">Tỷ lệ phải từ 0 đến 100`) {
		t.Errorf("the refusal is not said beside the field: %d", res.Code)
	}
	if !strings.Contains(page, `name="percent" type="text" inputmode="decimal" autocomplete="off" maxlength="6" value="150"`) ||
		!strings.Contains(page, `value="Hướng dẫn nhân sự"`) || !strings.Contains(page, `name="scope_code" type="text" value="HN.HBT"`) {
		t.Errorf("the form does not come back as typed")
	}
}
