package main

import (
	"strings"
	"testing"

	"github.com/daihoi/daihoi/internal/testdb"
)

func TestGenCommand(t *testing.T) {
	url := testdb.URL(t)
	small := []string{"gen", "--provinces", "2", "--districts", "4", "--grassroots", "80", "--cells", "300", "--seed", "5", "--as-of", "2020-04-15"}
	t.Run("builds a small tree and a round, and says how long each step took", func(t *testing.T) {
		out, errOut, err := runCLI(t, url, "", small...)
		if err != nil {
			t.Fatalf("gen: %v\n%s", err, errOut)
		}
		for _, want := range []string{"units", "round", "state", "flags", "grassroots_committee", "cell", "done in"} {
			if !strings.Contains(out, want) {
				t.Errorf("output lacks %q:\n%s", want, out)
			}
		}
	})
	t.Run("refuses a database that has units", func(t *testing.T) {
		_, _, err := runCLI(t, url, "", small...)
		if err == nil || !strings.Contains(err.Error(), "already has") {
			t.Errorf("second gen: %v, want a refusal", err)
		}
	})
	t.Run("refuses bad sizes and dates before touching the database", func(t *testing.T) {
		for _, args := range [][]string{
			{"gen", "--districts", "10", "--provinces", "20"},
			{"gen", "--as-of", "2020-02-30"},
			{"gen", "--bogus"},
		} {
			if _, _, err := runCLI(t, url, "", args...); err == nil {
				t.Errorf("%v accepted", args)
			}
		}
	})
}
