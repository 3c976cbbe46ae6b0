package web

import (
	"net/http"
	"strings"
	"testing"
)

func TestUnitPage(t *testing.T) {
	f := newFixture(t, Options{})
	f.withRound()
	f.holdAPI("HN.HBT.A.1", "2020-03-20")
	f.englishUser("lan", "viewer", "HN.HBT")
	tests := []struct {
		name, user, path string
		status           int
		want, never      []string
	}{
		{"a held cell, for the district board", "board", "/units/HN.HBT.A.1", http.StatusOK,
			[]string{`<li><a href="/units/HN.HBT">Đảng bộ quận Hai Bà Trưng</a></li>`, `<li><a href="/units/HN.HBT.A">`,
				"<h1>Chi bộ tổ dân phố 1</h1>", "Đã đại hội", "20/03/2020", "Các bước chuẩn bị", "✔", "Trạng thái: Đã duyệt phương án → Đã đại hội; ngày đại hội 20/03/2020", "secretary"},
			[]string{"congress.update", "milestone.done"}},
		{"a ward with its cells", "board", "/units/HN.HBT.A", http.StatusOK,
			[]string{`<a href="/units/HN.HBT.A.1">Chi bộ tổ dân phố 1</a>`, "Chưa bắt đầu", "trễ"}, nil},
		{"in English", "lan", "/units/HN.HBT.A", http.StatusOK,
			[]string{`<html lang="en">`, "Preparation steps", "Not started", "Change history"}, []string{"Các bước chuẩn bị"}},
		{"a held cell's history in English", "lan", "/units/HN.HBT.A.1", http.StatusOK,
			[]string{"Status: Plan approved → Held; held on 20/03/2020", "Done: Congress plan approved by the superior (on "}, []string{"congress.update", "Trạng thái"}},
		{"another ward, for a ward's secretary", "secretary", "/units/HN.HBT.B", http.StatusNotFound,
			[]string{"Không tìm thấy trang."}, []string{"Bách Khoa"}},
		{"a city above, for a ward's secretary: not in their breadcrumb either", "secretary", "/units/HN.HBT.A", http.StatusOK,
			[]string{"<h1>Đảng bộ phường Bạch Mai</h1>"}, []string{`href="/units/HN"`, `href="/units/HN.HBT"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := f.browser("")
			b.login(tt.user, testPassword)
			res := b.send("GET", tt.path, nil)
			body := res.Body.String()
			if res.Code != tt.status {
				t.Fatalf("%d, want %d: %s", res.Code, tt.status, body)
			}
			for _, w := range tt.want {
				if !strings.Contains(body, w) {
					t.Errorf("lacks %q", w)
				}
			}
			for _, n := range tt.never {
				if strings.Contains(body, n) {
					t.Errorf("shows %q", n)
				}
			}
		})
	}
}
