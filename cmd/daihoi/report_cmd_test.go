package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/daihoi/daihoi/internal/testdb"
)

func TestReportWeeklyCommand(t *testing.T) {
	url := testdb.URL(t)
	if _, errOut, err := runCLI(t, url, "", "seed", "demo"); err != nil {
		t.Fatalf("seed demo: %v\n%s", err, errOut)
	}
	dir := t.TempDir()
	for _, tc := range []struct {
		name    string
		args    []string
		wantErr bool
		file    string // written, starting with
		starts  string
		stdout  string
	}{
		{"the demo week as PDF", []string{"--unit", "HN.HBT", "--week", "2020-W15", "--out", filepath.Join(dir, "w15.pdf")}, false, "w15.pdf", "%PDF-", ""},
		{"as XLSX, format from the file name", []string{"--unit", "hn.hbt", "--week", "2020-W15", "--out", filepath.Join(dir, "w15.xlsx")}, false, "w15.xlsx", "PK", ""},
		{"as CSV in English", []string{"--unit", "HN.HBT", "--week", "2020-W15", "--format", "csv", "--lang", "en", "--out", filepath.Join(dir, "w15.csv")}, false, "w15.csv", "\ufeffCode,Unit,Kind", ""},
		{"as HTML on standard output", []string{"--unit", "HN.HBT", "--week", "2020-W15"}, false, "", "", "Đảng bộ quận Hai Bà Trưng"},
		{"a week not yet made is made and stored", []string{"--unit", "HN.HBT.BACHMAI", "--week", "2020-W10", "--format", "html"}, false, "", "", "Đảng bộ phường Bạch Mai"},
		{"every unit the job covers", []string{"--week", "2020-W14"}, false, "", "", "2020-W14: 0 made, 0 replaced, 1 kept as they were"},
		{"forced, every unit", []string{"--week", "2020-W14", "--force"}, false, "", "", "2020-W14: 0 made, 1 replaced"},
		{"a week that does not exist", []string{"--unit", "HN.HBT", "--week", "2020-W60"}, true, "", "", ""},
		{"an unknown format", []string{"--unit", "HN.HBT", "--format", "docx"}, true, "", "", ""},
		{"an unknown unit", []string{"--unit", "HN.NOPE", "--week", "2020-W15"}, true, "", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, errOut, err := runCLI(t, url, "", append([]string{"report", "weekly"}, tc.args...)...)
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, wantErr %v\nstderr: %s", err, tc.wantErr, errOut)
			}
			if !strings.Contains(out, tc.stdout) {
				t.Errorf("stdout %.300q lacks %q", out, tc.stdout)
			}
			if tc.file == "" {
				return
			}
			b, err := os.ReadFile(filepath.Join(dir, tc.file))
			if err != nil || !strings.HasPrefix(string(b), tc.starts) {
				t.Fatalf("%s: %.40q, %v", tc.file, b, err)
			}
			if strings.HasSuffix(tc.file, ".xlsx") {
				x, err := excelize.OpenFile(filepath.Join(dir, tc.file))
				if err != nil {
					t.Fatal(err)
				}
				if v, _ := x.GetCellValue(x.GetSheetList()[0], "A1"); !strings.Contains(v, "tuần 15/2020 (06/04/2020 – 12/04/2020)") {
					t.Errorf("the workbook's first cell is %q", v)
				}
			}
		})
	}
}
