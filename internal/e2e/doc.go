// Package e2e holds the browser tests of the web pages: chromedp drives
// Debian's chromium (headless) against a real daihoi server on a real
// PostgreSQL. They build only with the e2e tag: `make e2e` runs them and
// writes screenshots of the main pages, at phone and desktop sizes, to the
// folder it names (E2E_SCREENSHOTS, default e2e-screenshots/).
package e2e
