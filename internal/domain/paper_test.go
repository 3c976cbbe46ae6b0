package domain

import "testing"

func TestCleanPaperNameEndsInTheExtensionOfItsType(t *testing.T) {
	for _, tc := range []struct{ name, ct, want string }{
		{"Biên bản đại hội.pdf", TypePDF, "Biên bản đại hội.pdf"},
		{`C:\Users\bithu\scan 1.PDF`, TypePDF, "scan 1.pdf"},
		{"../../etc/passwd", TypePNG, "passwd.png"},
		{"ảnh chụp.pdf", TypeJPEG, "ảnh chụp.jpg"},
		{"bao-cao.docx", TypeDOCX, "bao-cao.docx"},
		{"", TypePDF, "van-ban.pdf"},
		{".pdf", TypePDF, "van-ban.pdf"},
		{"a\x00b\nc.pdf", TypePDF, "a\x00b\nc.pdf"},
	} {
		got := CleanPaperName(tc.name, tc.ct)
		if tc.name == "a\x00b\nc.pdf" {
			for _, r := range got {
				if r < ' ' {
					t.Errorf("CleanPaperName(%q) = %q keeps a control character", tc.name, got)
				}
			}
			continue
		}
		if got != tc.want {
			t.Errorf("CleanPaperName(%q, %s) = %q, want %q", tc.name, tc.ct, got, tc.want)
		}
	}
}

func TestDeletingAPaperTheReportedResultsRestOnIsRefused(t *testing.T) {
	reported := Congress{Status: StatusResultsReported}
	held := Congress{Status: StatusHeld}
	minutes := Paper{Kind: PaperMinutes}
	if err := CheckPaperDelete(minutes, reported, DefaultRequiredPapers); !IsCode(err, EInvalid) {
		t.Errorf("reported, required: %v", err)
	}
	if err := CheckPaperDelete(Paper{Kind: PaperResolution}, reported, DefaultRequiredPapers); err != nil {
		t.Errorf("reported, not required: %v", err)
	}
	if err := CheckPaperDelete(minutes, held, DefaultRequiredPapers); err != nil {
		t.Errorf("held: %v", err)
	}
}
