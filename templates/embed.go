// Package templates embeds daihoi's web interface: layout/ holds the frame
// every page shares, pages/ one template per page (each defines "title"
// and "content"), report/ the weekly report (inside a page, or as a
// document of its own), static/ the stylesheet and the vendored scripts (htmx 2,
// Chart.js 4, with their licences). The web package parses the templates at
// start-up and serves static/ under /static/.
package templates

import "embed"

// FS holds the templates and static files under their folder names.
//
//go:embed layout pages report static
var FS embed.FS
