// Package i18n holds daihoi's message catalogs (Vietnamese first, English
// second) and picks the language of a request. Every string a page shows
// comes from the catalogs under locales/; a test checks that both have the
// same messages and that every message a template asks for exists.
package i18n

import (
	"embed"
	"fmt"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/daihoi/daihoi/internal/domain"
	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

//go:embed locales/*.toml
var locales embed.FS

// Languages are the languages daihoi speaks, the default first.
var Languages = []string{"vi", "en"}

// Catalog is the loaded message catalogs.
type Catalog struct {
	bundle     *goi18n.Bundle
	localizers map[string]*goi18n.Localizer
}

// Load reads the embedded catalogs.
func Load() (*Catalog, error) {
	b := goi18n.NewBundle(language.Vietnamese)
	b.RegisterUnmarshalFunc("toml", toml.Unmarshal)
	c := &Catalog{bundle: b, localizers: map[string]*goi18n.Localizer{}}
	for _, lang := range Languages {
		if _, err := b.LoadMessageFileFS(locales, "locales/active."+lang+".toml"); err != nil {
			return nil, fmt.Errorf("i18n: %s: %w", lang, err)
		}
		c.localizers[lang] = goi18n.NewLocalizer(b, lang)
	}
	return c, nil
}

// T returns message id in lang (Vietnamese when lang is not spoken), with
// data filling its template; a missing message is an error, so that a page
// never shows a message id. A message that counts something takes the count
// as data["Count"], which also chooses its plural form ("1 day late", "2
// days late"; Vietnamese has one form).
func (c *Catalog) T(lang, id string, data map[string]any) (string, error) {
	l, ok := c.localizers[lang]
	if !ok {
		l = c.localizers[Languages[0]]
	}
	data = derefs(data)
	lc := &goi18n.LocalizeConfig{MessageID: id, TemplateData: numbers(data, lang)}
	if n, ok := data["Count"]; ok && lang != "vi" { // Vietnamese messages have a single form
		lc.PluralCount = n
	}
	return l.Localize(lc)
}

// derefs is data with its pointers to whole numbers (a template's optional
// count, such as a session's attendance) replaced by their values, so that
// they count and are written as numbers; data itself is left as it is.
func derefs(data map[string]any) map[string]any {
	out, copied := data, false
	for k, v := range data {
		var n any
		switch v := v.(type) {
		case *int:
			if v != nil {
				n = *v
			}
		case *int64:
			if v != nil {
				n = *v
			}
		default:
			continue
		}
		if n == nil {
			continue
		}
		if !copied {
			out, copied = make(map[string]any, len(data)), true
			for k, v := range data {
				out[k] = v
			}
		}
		out[k] = n
	}
	return out
}

// numbers is data with its whole numbers written for a reader of lang
// (domain.Number: 90.781, not 90781); data itself is left as it is.
func numbers(data map[string]any, lang string) map[string]any {
	var out map[string]any
	for k, v := range data {
		var n int
		switch v := v.(type) {
		case int:
			n = v
		case int64:
			n = int(v)
		case int32:
			n = int(v)
		default:
			continue
		}
		if out == nil {
			out = make(map[string]any, len(data))
			for k, v := range data {
				out[k] = v
			}
		}
		out[k] = domain.Number(n, lang)
	}
	if out == nil {
		return data
	}
	return out
}

// Func is the template function t in lang: the message id with its
// arguments as name, value pairs; the first failure is kept in *failed, so
// that the caller refuses the page rather than show a message id.
func (c *Catalog) Func(lang string, failed *error) func(string, ...any) string {
	return func(id string, kv ...any) string {
		args := map[string]any{}
		for i := 0; i+1 < len(kv); i += 2 {
			args[fmt.Sprint(kv[i])] = kv[i+1]
		}
		out, err := c.T(lang, id, args)
		if err != nil && *failed == nil {
			*failed = err
		}
		return out
	}
}

// Pick returns the language for a request: the user's own choice when they
// have one, else the first spoken language of an Accept-Language header,
// else Vietnamese.
func Pick(userLang, acceptLanguage string) string {
	if spoken(userLang) {
		return userLang
	}
	tags, _, err := language.ParseAcceptLanguage(acceptLanguage)
	if err == nil {
		for _, t := range tags {
			base, _ := t.Base()
			if spoken(base.String()) {
				return base.String()
			}
		}
	}
	return Languages[0]
}

func spoken(lang string) bool {
	lang = strings.ToLower(strings.TrimSpace(lang))
	for _, l := range Languages {
		if l == lang {
			return true
		}
	}
	return false
}
