// Package ide serves the in-browser GraphQL IDE (GraphiQL) with every script
// and stylesheet it needs embedded in the binary, so it works without
// internet access.
//
// The page loads the vendored GraphiQL, React and ReactDOM bundles (package
// contactid/third_party/graphiql) and a small start-up script of its own, all
// from this server under AssetPrefix, with Subresource Integrity hashes
// computed from the embedded files. It is sent with a Content-Security-Policy
// that allows scripts from this origin only and no inline script.
package ide

import (
	"bytes"
	"crypto/sha256"
	"crypto/sha512"
	"embed"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"

	"contactid/third_party/graphiql"
)

// AssetPrefix is the URL path prefix under which Handler serves the IDE's
// scripts, stylesheets and the vendored packages' licenses. The page refers
// to them by absolute path, so Handler must be mounted at the server root
// (for example for both "/" and AssetPrefix).
const AssetPrefix = "/ide/"

// staticFS holds the page's own start-up script and stylesheet.
//
//go:embed static
var staticFS embed.FS

// Paths of the page's own files in staticFS.
const (
	initJS  = "static/ide.js"
	pageCSS = "static/ide.css"
)

// page is the IDE page; it has no inline script, so the CSP can forbid them.
var page = template.Must(template.New("ide").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="{{.GraphiQLCSS.URL}}" integrity="{{.GraphiQLCSS.SRI}}" crossorigin="anonymous">
<link rel="stylesheet" href="{{.PageCSS.URL}}" integrity="{{.PageCSS.SRI}}" crossorigin="anonymous">
</head>
<body>
<div id="graphiql" data-endpoint="{{.Endpoint}}"><div class="ide-loading">Loading…</div></div>
<noscript>The GraphQL IDE needs JavaScript.</noscript>
<script src="{{.React.URL}}" integrity="{{.React.SRI}}" crossorigin="anonymous"></script>
<script src="{{.ReactDOM.URL}}" integrity="{{.ReactDOM.SRI}}" crossorigin="anonymous"></script>
<script src="{{.GraphiQLJS.URL}}" integrity="{{.GraphiQLJS.SRI}}" crossorigin="anonymous"></script>
<script src="{{.InitJS.URL}}" integrity="{{.InitJS.SRI}}" crossorigin="anonymous"></script>
</body>
</html>
`))

// pageData is what the page template renders.
type pageData struct {
	Title, Endpoint                     string
	GraphiQLCSS, PageCSS                *asset
	React, ReactDOM, GraphiQLJS, InitJS *asset
}

// asset is one embedded file as served under AssetPrefix.
type asset struct {
	URL         string // versioned URL the page uses
	SRI         string // Subresource Integrity value, "sha384-…"
	body        []byte
	contentType string
	version     string // hex prefix of the SHA-256 of body, the URL's ?v=
}

// Handler returns the http.Handler serving the GraphiQL page at "/" and its
// assets under AssetPrefix, with GraphiQL sending its requests to endpoint
// (for example "/graphql", or an absolute URL).
//
// GraphiQL keeps its state (tabs, query, variables and headers) in the
// browser's localStorage, so it survives a reload. The page starts with no
// headers and with the headers editor open, so a user can add an
// Authorization header. Any other path gets 404.
func Handler(title, endpoint string) http.Handler {
	assets := make(map[string]*asset)
	for _, fsys := range []fs.FS{graphiql.FS, staticFS} {
		if err := loadAssets(fsys, assets); err != nil {
			// The files are embedded at build time; failing here is a build defect.
			panic(fmt.Sprintf("ide: loading embedded assets: %v", err))
		}
	}
	data := pageData{Title: title, Endpoint: endpoint}
	for _, f := range []struct {
		dst  **asset
		name string
	}{
		{&data.GraphiQLCSS, graphiql.GraphiQLCSS},
		{&data.PageCSS, pageCSS},
		{&data.React, graphiql.ReactJS},
		{&data.ReactDOM, graphiql.ReactDOMJS},
		{&data.GraphiQLJS, graphiql.GraphiQLJS},
		{&data.InitJS, initJS},
	} {
		a := assets[f.name]
		if a == nil || len(a.body) == 0 {
			panic(fmt.Sprintf("ide: embedded asset %s is missing or empty", f.name))
		}
		*f.dst = a
	}
	var buf bytes.Buffer
	if err := page.Execute(&buf, data); err != nil {
		panic(fmt.Sprintf("ide: rendering page: %v", err))
	}
	body := buf.Bytes()
	csp := contentSecurityPolicy(endpoint)

	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Type", "text/html; charset=utf-8")
		h.Set("Content-Security-Policy", csp)
		h.Set("Cache-Control", "no-cache")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		if r.Method == http.MethodHead {
			return
		}
		_, _ = w.Write(body)
	})
	mux.HandleFunc("GET "+AssetPrefix+"{file...}", func(w http.ResponseWriter, r *http.Request) {
		a, ok := assets[r.PathValue("file")]
		if !ok {
			http.NotFound(w, r)
			return
		}
		h := w.Header()
		h.Set("Content-Type", a.contentType)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("ETag", `"`+a.version+`"`)
		if r.URL.Query().Get("v") == a.version {
			// The URL names this exact content, so it never changes.
			h.Set("Cache-Control", "public, max-age=31536000, immutable")
		} else {
			h.Set("Cache-Control", "no-cache")
		}
		http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(a.body))
	})
	return mux
}

// loadAssets adds every file of fsys to assets, keyed by its path.
func loadAssets(fsys fs.FS, assets map[string]*asset) error {
	return fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := fs.ReadFile(fsys, name)
		if err != nil {
			return err
		}
		sum256 := sha256.Sum256(body)
		sum384 := sha512.Sum384(body)
		version := hex.EncodeToString(sum256[:8])
		assets[name] = &asset{
			URL:         AssetPrefix + name + "?v=" + version,
			SRI:         "sha384-" + base64.StdEncoding.EncodeToString(sum384[:]),
			body:        body,
			contentType: contentType(name),
			version:     version,
		}
		return nil
	})
}

// contentType returns the Content-Type for an embedded file. It does not use
// package mime, whose answers depend on the host's configuration.
func contentType(name string) string {
	switch path.Ext(name) {
	case ".js":
		return "text/javascript; charset=utf-8"
	case ".css":
		return "text/css; charset=utf-8"
	default: // LICENSE files
		return "text/plain; charset=utf-8"
	}
}

// contentSecurityPolicy returns the page's policy: scripts, styles and fonts
// from this origin only (fonts and images also as data: URLs, which
// GraphiQL's stylesheet uses), and requests only to this origin and to
// endpoint's origin.
func contentSecurityPolicy(endpoint string) string {
	connect := []string{"'self'"}
	if u, err := url.Parse(endpoint); err == nil && u.Scheme != "" && u.Host != "" {
		ws := "ws"
		if u.Scheme == "https" {
			ws = "wss"
		}
		connect = append(connect, u.Scheme+"://"+u.Host, ws+"://"+u.Host)
	}
	return strings.Join([]string{
		"default-src 'none'",
		"script-src 'self'",
		// GraphiQL's dialogs add <style> elements at run time.
		"style-src 'self' 'unsafe-inline'",
		"font-src 'self' data:",
		"img-src 'self' data:",
		"connect-src " + strings.Join(connect, " "),
		"base-uri 'none'",
		"form-action 'none'",
		"frame-ancestors 'self'",
	}, "; ")
}
