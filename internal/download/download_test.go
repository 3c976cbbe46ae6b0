package download

import (
	"mime"
	"strings"
	"testing"
)

func TestAttachmentNamesAnyTextSafely(t *testing.T) {
	tests := []struct {
		name, in       string
		want, fallback string
	}{
		{"Vietnamese letters stay in filename*, lose their marks in the fallback",
			"Đảng bộ quận Hai Bà Trưng HN-HBT-2020-04-15.csv",
			"Đảng bộ quận Hai Bà Trưng HN-HBT-2020-04-15.csv", "Dang-bo-quan-Hai-Ba-Trung-HN-HBT-2020-04-15.csv"},
		{"quotes cannot end the quoted fallback", `Chi bộ "Đoàn Kết".xlsx`, "Chi bộ -Đoàn Kết-.xlsx", "Chi-bo-Doan-Ket-.xlsx"},
		{"line breaks cannot start a header", "a\r\nSet-Cookie: x=1.csv", "a--Set-Cookie- x=1.csv", "a-Set-Cookie-x-1.csv"},
		{"semicolons cannot add a parameter", "a; filename=evil.exe; b.csv", "a; filename=evil.exe; b.csv", "a-filename-evil.exe-b.csv"},
		{"path separators cannot climb out of the folder", "../../etc/passwd", "etc-passwd", "etc-passwd"},
		{"a backslash path too", `..\..\Windows\a.csv`, "Windows-a.csv", "Windows-a.csv"},
		{"a hidden file name loses its dot", ".bashrc", "bashrc", "bashrc"},
		{"NUL and other controls", "a\x00b\x1bc.pdf", "a-b-c.pdf", "a-b-c.pdf"},
		{"text that is not UTF-8", "a\xffb.csv", "a-b.csv", "a-b.csv"},
		{"percent signs are encoded, not decoded", "100%25.csv", "100%25.csv", "100-25.csv"},
		{"nothing left", ` /\"`, "download", "download"},
		{"only marks", "Đ ồ", "Đ ồ", "D-o"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := Attachment(tt.in)
			if strings.ContainsAny(v, "\r\n\x00") {
				t.Fatalf("header value holds a line break or NUL: %q", v)
			}
			for i := 0; i < len(v); i++ {
				if v[i] < 0x20 || v[i] >= 0x7f {
					t.Fatalf("header value is not printable ASCII: %q", v)
				}
			}
			if n := strings.Count(v, ";"); n != 2 {
				t.Errorf("%q has %d parameters, want filename and filename*", v, n)
			}
			kind, params, err := mime.ParseMediaType(v)
			if err != nil || kind != "attachment" {
				t.Fatalf("ParseMediaType(%q) = %q, %v", v, kind, err)
			}
			// Go reads filename* (RFC 2231/8187) over filename.
			if got := params["filename"]; got != tt.want {
				t.Errorf("filename* = %q, want %q (%s)", got, tt.want, v)
			}
			if want := `filename="` + tt.fallback + `"`; !strings.Contains(v, want) {
				t.Errorf("%q lacks the fallback %s", v, want)
			}
		})
	}
}

func TestInlineKeepsTheName(t *testing.T) {
	kind, params, err := mime.ParseMediaType(Inline("Báo cáo tuần.html"))
	if err != nil || kind != "inline" || params["filename"] != "Báo cáo tuần.html" {
		t.Fatalf("%q %v %v", kind, params, err)
	}
}
