package core_test

import (
	"go/build"
	"io/fs"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/daihoi/daihoi/internal/core"
)

const storePkg = "github.com/daihoi/daihoi/internal/store"

// storeTypeIn returns the name of a type of the store that t is or holds
// (in a field, an element, a key, a parameter), "" when none.
func storeTypeIn(t reflect.Type, seen map[reflect.Type]bool) string {
	if seen[t] {
		return ""
	}
	seen[t] = true
	if t.PkgPath() == storePkg {
		return t.String()
	}
	switch t.Kind() {
	case reflect.Pointer, reflect.Slice, reflect.Array, reflect.Chan:
		return storeTypeIn(t.Elem(), seen)
	case reflect.Map:
		if s := storeTypeIn(t.Key(), seen); s != "" {
			return s
		}
		return storeTypeIn(t.Elem(), seen)
	case reflect.Struct:
		for i := range t.NumField() {
			if f := t.Field(i); f.IsExported() {
				if s := storeTypeIn(f.Type, seen); s != "" {
					return s
				}
			}
		}
	case reflect.Func:
		for i := range t.NumIn() {
			if s := storeTypeIn(t.In(i), seen); s != "" {
				return s
			}
		}
		for i := range t.NumOut() {
			if s := storeTypeIn(t.Out(i), seen); s != "" {
				return s
			}
		}
	}
	return ""
}

func TestTheServicesSpeakNoTypeOfTheStore(t *testing.T) {
	svc := reflect.TypeOf(&core.Service{})
	if svc.NumMethod() < 50 {
		t.Fatalf("only %d methods seen", svc.NumMethod())
	}
	for i := range svc.NumMethod() {
		m := svc.Method(i)
		if s := storeTypeIn(m.Type, map[reflect.Type]bool{}); s != "" {
			t.Errorf("Service.%s takes or returns %s", m.Name, s)
		}
	}
}

// importersOfTheStore are the packages whose code (tests aside) may import
// the store: the services, the job runner (its runs and leases), the
// command (opening the database, migrations, backups) and the benchmark
// (which times the store's own recomputes).
var importersOfTheStore = map[string]bool{
	"internal/core": true, "internal/jobs": true, "cmd/daihoi": true, "internal/bench": true, "internal/store": true,
}

func TestOnlyTheServicesAndTheirRunnersImportTheStore(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	seen := 0
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return err
		}
		if strings.HasPrefix(d.Name(), ".") {
			return filepath.SkipDir
		}
		pkg, err := build.ImportDir(path, 0) // the code, tests aside
		if _, none := err.(*build.NoGoError); none {
			return nil
		}
		if err != nil {
			return err
		}
		seen++
		dir, _ := filepath.Rel(root, path)
		if slices.Contains(pkg.Imports, storePkg) && !importersOfTheStore[filepath.ToSlash(dir)] {
			t.Errorf("%s imports the store: go through the services (package core)", filepath.ToSlash(dir))
		}
		return nil
	})
	if err != nil || seen < 20 {
		t.Fatalf("%d packages read: %v", seen, err)
	}
}
