// Package templates embeds daihoi's HTML templates: pages/ holds one
// template per page. The web package parses them at start-up.
package templates

import "embed"

// FS holds the templates, under their folder names (pages/home.html).
//
//go:embed pages
var FS embed.FS
