package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/jmoiron/sqlx"
	"golang.org/x/text/unicode/norm"

	"github.com/daihoi/daihoi/internal/testdb"
)

// Vietnamese typed decomposed (NFD, as macOS sends it) is stored composed
// (NFC) from the command line and its unit files.
func TestVietnameseIsStoredComposedFromTheCommandLine(t *testing.T) {
	url := testdb.URL(t)
	ward, person := "Đảng bộ phường Bạch Đằng", "Nguyễn Thị Thuỷ Tiên"
	path := filepath.Join(t.TempDir(), "units.csv")
	csv := "code,name,kind,parent_code,category,members\n" +
		"HN,Hà Nội,city,,,0\n" +
		"HN.BD," + norm.NFD.String(ward) + ",grassroots_committee,HN,,0\n"
	if err := os.WriteFile(path, []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, errOut, err := runCLI(t, url, "", "import", "units", path); err != nil {
		t.Fatalf("import: %v\n%s\n%s", err, out, errOut)
	}
	if out, errOut, err := runCLI(t, url, "mat-khau-dai\n", "user", "add", "tien", "--name", norm.NFD.String(person)); err != nil {
		t.Fatalf("user add: %v\n%s\n%s", err, out, errOut)
	}
	db, err := sqlx.Connect("postgres", url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var name, full string
	if err := db.Get(&name, `SELECT name FROM units WHERE code = 'HN.BD'`); err != nil || name != ward {
		t.Errorf("import: stored %q (%v), want NFC %q", name, err, ward)
	}
	if err := db.Get(&full, `SELECT full_name FROM users WHERE username = 'tien'`); err != nil || full != person {
		t.Errorf("user add: stored %q (%v), want NFC %q", full, err, person)
	}
}
