package web

import (
	"reflect"
	"sort"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/daihoi/daihoi/internal/core"
	"github.com/daihoi/daihoi/internal/domain"
)

// The fields the API requires and those it lets be null are one contract:
// the input tags of the request types, which decodeJSON enforces, are what
// the OpenAPI document says.
func TestRequiredAndNullableFieldsAreWhatTheDocumentSays(t *testing.T) {
	var doc openAPIDoc
	if err := yaml.Unmarshal(openAPI, &doc); err != nil {
		t.Fatal(err)
	}
	ops := map[string]map[string]any{}
	for _, item := range doc.Paths {
		for _, op := range item {
			if op, ok := op.(map[string]any); ok && op["operationId"] != nil {
				ops[op["operationId"].(string)] = op
			}
		}
	}
	types := map[string]any{
		"login": loginRequest{}, "createUnit": domain.UnitInput{}, "updateUnit": domain.UnitPatch{}, "moveUnit": moveRequest{},
		"mergeUnits": mergeRequest{}, "setDeadlineRule": domain.DeadlineRuleInput{}, "setUnitDeadline": core.UnitDeadlineInput{},
		"updateCongress": domain.CongressPatch{}, "setPilot": pilotRequest{}, "tickMilestone": domain.MilestoneInput{},
		"setResults": domain.ResultsInput{}, "makeWeeklyReport": makeReportRequest{}, "setReportSubscription": subscriptionRequest{},
		"holdCongresses": domain.HoldInput{},
	}
	schemaOf := func(s map[string]any) map[string]any {
		if ref, ok := s["$ref"].(string); ok {
			s, _ = doc.Components.Schemas[strings.TrimPrefix(ref, "#/components/schemas/")].(map[string]any)
		}
		return s
	}
	var check func(name string, typ reflect.Type, schema map[string]any)
	check = func(name string, typ reflect.Type, schema map[string]any) {
		var required, nullable, docRequired, docNullable []string
		props, _ := schema["properties"].(map[string]any)
		for i := range typ.NumField() {
			f := typ.Field(i)
			n := jsonName(f)
			if n == "" {
				continue
			}
			if inputTag(f, "required") {
				required = append(required, n)
			}
			if inputTag(f, "nullable") {
				nullable = append(nullable, n)
				if k := f.Type.Kind(); k != reflect.String && !(k == reflect.Pointer && f.Type.Elem().Kind() == reflect.String) {
					t.Errorf("%s.%s: only a string may be nullable (null clears it like \"\")", name, n)
				}
			}
			p, _ := props[n].(map[string]any)
			if p == nil {
				t.Errorf("%s: field %s is not in the document", name, n)
				continue
			}
			if p["nullable"] == true {
				docNullable = append(docNullable, n)
			}
			if items, ok := p["items"].(map[string]any); ok && f.Type.Kind() == reflect.Slice && f.Type.Elem().Kind() == reflect.Struct {
				check(name+"."+n, f.Type.Elem(), schemaOf(items))
			}
		}
		for _, r := range schema["required"].([]any) {
			docRequired = append(docRequired, r.(string))
		}
		for _, l := range [][]string{required, nullable, docRequired, docNullable} {
			sort.Strings(l)
		}
		if strings.Join(required, ",") != strings.Join(docRequired, ",") {
			t.Errorf("%s: required %v, the document says %v", name, required, docRequired)
		}
		if strings.Join(nullable, ",") != strings.Join(docNullable, ",") {
			t.Errorf("%s: nullable %v, the document says %v", name, nullable, docNullable)
		}
	}
	for id, v := range types {
		op := ops[id]
		if op == nil {
			t.Errorf("no operation %s", id)
			continue
		}
		rb, _ := op["requestBody"].(map[string]any)
		content, _ := rb["content"].(map[string]any)
		media, _ := content["application/json"].(map[string]any)
		schema, _ := media["schema"].(map[string]any)
		schema = schemaOf(schema)
		if schema["required"] == nil {
			schema["required"] = []any{}
		}
		check(id, reflect.TypeOf(v), schema)
	}
}
