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
var Static = sub(staticFS, "static")

// sub roots fsys at dir; an embedded directory always exists, so an error
// is a broken build.
func sub(fsys fs.FS, dir string) fs.FS {
	f, err := fs.Sub(fsys, dir)
	if err != nil {
		panic("templates: " + err.Error())
	}
	return f
}
