// Package templates holds the HTML page templates and static assets (CSS,
// JavaScript) of the service, embedded in the binary: no build step, no CDN.
package templates

import (
	"embed"
	"io/fs"
)

//go:embed pages
var Pages embed.FS

//go:embed static
var staticFS embed.FS

// Static is the static assets, served under /static/.
var Static, _ = fs.Sub(staticFS, "static")
