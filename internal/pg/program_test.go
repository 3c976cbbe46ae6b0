package pg

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fakeBin makes root/version/bin holding the programs (empty scripts).
func fakeBin(t *testing.T, root, version string, programs ...string) string {
	t.Helper()
	bin := filepath.Join(root, version, "bin")
	if err := os.MkdirAll(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, p := range programs {
		if err := os.WriteFile(filepath.Join(bin, p), []byte("#!/bin/sh\n"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return bin
}

func TestFindProgram(t *testing.T) {
	server := append([]string{"pg_dump"}, serverPrograms...)
	tests := []struct {
		name string
		// versions and the programs each bin directory holds
		dirs map[string][]string
		// the program in a directory of PATH
		inPath bool
		want   string // the version whose pg_dump is found, "PATH", or "" for none
	}{
		{"beside the server programs", map[string][]string{"15": server, "16": {"pg_dump"}}, true, "15"},
		{"the highest client without a server", map[string][]string{"13": {"pg_dump"}, "16": {"pg_dump"}, "17": {"psql"}}, true, "16"},
		{"PATH when no versioned directory has it", map[string][]string{"15": {"psql"}}, true, "PATH"},
		{"none", map[string][]string{"15": {"psql"}}, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := t.TempDir()
			for v, progs := range tt.dirs {
				fakeBin(t, root, v, progs...)
			}
			path := t.TempDir()
			if tt.inPath {
				path = fakeBin(t, path, "any", "pg_dump")
			}
			t.Setenv("PATH", path)
			saved := debianRoot
			debianRoot = root
			defer func() { debianRoot = saved }()

			got, err := FindProgram("pg_dump")
			switch tt.want {
			case "":
				if err == nil || !strings.Contains(err.Error(), "postgresql-client") {
					t.Errorf("FindProgram = %q, %v; want an error saying what to install", got, err)
				}
				return
			case "PATH":
				if want := filepath.Join(path, "pg_dump"); got != want || err != nil {
					t.Errorf("FindProgram = %q, %v; want %q", got, err, want)
				}
				return
			}
			if want := filepath.Join(root, tt.want, "bin", "pg_dump"); got != want || err != nil {
				t.Errorf("FindProgram = %q, %v; want %q", got, err, want)
			}
		})
	}
}
