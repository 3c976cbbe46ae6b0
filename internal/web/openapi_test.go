package web

import (
	"bytes"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// openAPIDoc is the part of the OpenAPI document the tests read.
type openAPIDoc struct {
	OpenAPI    string                    `yaml:"openapi"`
	Paths      map[string]map[string]any `yaml:"paths"`
	Components struct {
		SecuritySchemes map[string]map[string]any `yaml:"securitySchemes"`
		Schemas         map[string]any            `yaml:"schemas"`
	} `yaml:"components"`
}

var echoParam = regexp.MustCompile(`:([A-Za-z_]+)`)

func TestOpenAPIDocumentsEveryRouteAndNothingElse(t *testing.T) {
	f := newFixture(t, Options{})
	res := f.do("GET", "/api/v1/openapi.yaml", "", "")
	if res.Code != http.StatusOK || !strings.HasPrefix(res.Header().Get("Content-Type"), "application/yaml") {
		t.Fatalf("GET openapi.yaml = %d %s", res.Code, res.Header().Get("Content-Type"))
	}
	if !bytes.Equal(res.Body.Bytes(), openAPI) {
		t.Fatal("served document differs from the embedded one")
	}
	var doc openAPIDoc
	if err := yaml.Unmarshal(openAPI, &doc); err != nil {
		t.Fatalf("openapi.yaml does not parse: %v", err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.0") {
		t.Errorf("openapi = %q, want 3.0.x", doc.OpenAPI)
	}
	if s := doc.Components.SecuritySchemes["bearerAuth"]; s["type"] != "http" || s["scheme"] != "bearer" {
		t.Errorf("bearerAuth scheme = %v", s)
	}
	if doc.Components.Schemas["Error"] == nil {
		t.Error("no Error schema")
	}

	registered := map[string]bool{}
	for _, r := range f.srv.Routes() {
		if !strings.HasPrefix(r.Path, "/api/v1/") && r.Path != "/healthz" && r.Path != "/readyz" {
			continue // the pages and their static files are not the API
		}
		key := strings.ToLower(r.Method) + " " + echoParam.ReplaceAllString(r.Path, "{$1}")
		registered[key] = true
	}
	documented := map[string]bool{}
	for path, item := range doc.Paths {
		for method, op := range item {
			if method == "parameters" {
				continue
			}
			key := method + " " + path
			documented[key] = true
			op, _ := op.(map[string]any)
			if op["responses"] == nil {
				t.Errorf("%s: no responses", key)
			}
			if strings.Contains(path, "{code}") && !strings.Contains(mustYAML(t, item["parameters"])+mustYAML(t, op["parameters"]), "Code") {
				t.Errorf("%s: the code parameter is not declared", key)
			}
		}
	}
	if len(registered) == 0 {
		t.Fatal("no routes registered")
	}
	for _, k := range sortedKeys(registered) {
		if !documented[k] {
			t.Errorf("route %s is not in openapi.yaml", k)
		}
	}
	for _, k := range sortedKeys(documented) {
		if !registered[k] {
			t.Errorf("openapi.yaml documents %s, which is not a route", k)
		}
	}
}

func TestOpenAPIReferencesResolve(t *testing.T) {
	var doc map[string]any
	if err := yaml.Unmarshal(openAPI, &doc); err != nil {
		t.Fatal(err)
	}
	var walk func(v any)
	n := 0
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				if ref, ok := x.(string); ok && k == "$ref" {
					n++
					var node any = doc
					for _, part := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
						m, _ := node.(map[string]any)
						node = m[part]
					}
					if node == nil {
						t.Errorf("unresolved $ref %s", ref)
					}
				}
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	walk(doc)
	if n == 0 {
		t.Error("no $ref found")
	}
}

func mustYAML(t *testing.T, v any) string {
	t.Helper()
	if v == nil {
		return ""
	}
	b, err := yaml.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
