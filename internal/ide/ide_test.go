package ide

import (
	"bytes"
	"crypto/sha512"
	"encoding/base64"
	"html"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"contactid/third_party/graphiql"
)

// get sends a GET for target to h and returns the recorded response.
func get(t *testing.T, h http.Handler, target string, header ...string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, target, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

var (
	// refAttr matches src= and href= attributes.
	refAttr = regexp.MustCompile(`(?i)\b(src|href)\s*=\s*"([^"]*)"`)
	// tagRE matches an opening <script> or <link> tag.
	tagRE = regexp.MustCompile(`(?is)<(script|link)\b[^>]*>`)
	// integrityAttr matches an integrity= attribute.
	integrityAttr = regexp.MustCompile(`(?i)\bintegrity\s*=\s*"([^"]*)"`)
)

type ref struct {
	url, integrity string
}

// pageRefs returns the URLs (and integrity values) of every <script src> and
// <link rel="stylesheet" href> in page.
func pageRefs(page string) []ref {
	var refs []ref
	for _, tag := range tagRE.FindAllString(page, -1) {
		m := refAttr.FindStringSubmatch(tag)
		if m == nil || strings.HasPrefix(strings.ToLower(tag), "<link") && !strings.Contains(tag, `rel="stylesheet"`) {
			continue
		}
		r := ref{url: html.UnescapeString(m[2])}
		if im := integrityAttr.FindStringSubmatch(tag); im != nil {
			r.integrity = html.UnescapeString(im[1])
		}
		refs = append(refs, r)
	}
	return refs
}

func TestPageIsServedWithLocalAssetsOnly(t *testing.T) {
	h := Handler("Test API", "/graphql")
	rec := get(t, h, "/")
	if rec.Code != http.StatusOK {
		t.Fatalf("GET / = %d, want 200", rec.Code)
	}
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
		t.Fatalf("Content-Type = %q, want text/html", ct)
	}
	page := rec.Body.String()
	if !strings.Contains(page, "<title>Test API</title>") {
		t.Errorf("page has no title %q", "Test API")
	}
	for _, bad := range []string{"http://", "https://", "cdn.", "unpkg", "plugin-explorer", "GraphiQLPluginExplorer"} {
		if strings.Contains(page, bad) {
			t.Errorf("page contains %q", bad)
		}
	}

	refs := pageRefs(page)
	if len(refs) != 6 {
		t.Fatalf("page references %d scripts/stylesheets, want 6 (React, ReactDOM, GraphiQL js+css, page js+css): %v", len(refs), refs)
	}
	for _, r := range refs {
		u, err := url.Parse(r.url)
		if err != nil {
			t.Fatalf("bad URL %q: %v", r.url, err)
		}
		if u.Scheme != "" || u.Host != "" || !strings.HasPrefix(u.Path, AssetPrefix) {
			t.Errorf("reference %q is not a local URL under %s", r.url, AssetPrefix)
		}
	}
}

func TestReferencedAssetsMatchEmbeddedFiles(t *testing.T) {
	h := Handler("Test API", "/graphql")
	refs := pageRefs(get(t, h, "/").Body.String())
	seen := map[string]bool{}
	for _, r := range refs {
		t.Run(r.url, func(t *testing.T) {
			rec := get(t, h, r.url)
			if rec.Code != http.StatusOK {
				t.Fatalf("GET %s = %d, want 200", r.url, rec.Code)
			}
			u, _ := url.Parse(r.url)
			name := strings.TrimPrefix(u.Path, AssetPrefix)
			seen[name] = true
			var fsys fs.FS = graphiql.FS
			if strings.HasPrefix(name, "static/") {
				fsys = staticFS
			}
			want, err := fs.ReadFile(fsys, name)
			if err != nil {
				t.Fatalf("reading embedded %s: %v", name, err)
			}
			body := rec.Body.Bytes()
			if len(body) == 0 {
				t.Fatalf("GET %s: empty body", r.url)
			}
			if !bytes.Equal(body, want) {
				t.Fatalf("GET %s: body (%d bytes) differs from embedded %s (%d bytes)", r.url, len(body), name, len(want))
			}
			wantType := map[string]string{".js": "text/javascript", ".css": "text/css"}[name[strings.LastIndex(name, "."):]]
			if ct := rec.Header().Get("Content-Type"); wantType == "" || !strings.HasPrefix(ct, wantType) {
				t.Errorf("GET %s: Content-Type = %q, want %q", r.url, ct, wantType)
			}
			if cc := rec.Header().Get("Cache-Control"); !strings.Contains(cc, "max-age=") || !strings.Contains(cc, "immutable") {
				t.Errorf("GET %s: Cache-Control = %q, want a long immutable max-age", r.url, cc)
			}
			if rec.Header().Get("X-Content-Type-Options") != "nosniff" {
				t.Errorf("GET %s: missing X-Content-Type-Options: nosniff", r.url)
			}
			sum := sha512.Sum384(body)
			if sri := "sha384-" + base64.StdEncoding.EncodeToString(sum[:]); r.integrity != sri {
				t.Errorf("%s: integrity = %q, want %q", r.url, r.integrity, sri)
			}
		})
	}
	for _, name := range []string{graphiql.ReactJS, graphiql.ReactDOMJS, graphiql.GraphiQLJS, graphiql.GraphiQLCSS, initJS, pageCSS} {
		if !seen[name] {
			t.Errorf("page does not reference %s", name)
		}
	}
}

func TestPageConfiguresGraphiQL(t *testing.T) {
	page := get(t, Handler("Test <API>", "/graphql"), "/").Body.String()
	for _, want := range []string{
		`<title>Test &lt;API&gt;</title>`,
		`data-endpoint="/graphql"`,
		`<div id="graphiql"`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page does not contain %q", want)
		}
	}
	// The start-up script runs GraphiQL with its default localStorage, saved
	// headers, the headers editor open, no pre-filled headers (only a hint
	// with a placeholder), and a default query of this API.
	js, err := fs.ReadFile(staticFS, initJS)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"GraphiQL.createFetcher(",
		"ReactDOM.createRoot(container)",
		"shouldPersistHeaders: true",
		"isHeadersEditorEnabled: true",
		"defaultEditorToolsVisibility: 'headers'",
		"defaultQuery: defaultQuery",
		"query Contacts {",
		"mutation PreviewMerge(",
		`{"Authorization": "Bearer <token>"}`,
	} {
		if !bytes.Contains(js, []byte(want)) {
			t.Errorf("%s does not contain %q", initJS, want)
		}
	}
	for _, bad := range []string{"storage:", "defaultHeaders", "http://", "https://"} {
		if bytes.Contains(js, []byte(bad)) || strings.Contains(page, bad) {
			t.Errorf("page or %s contains %q", initJS, bad)
		}
	}
	if n, hint := bytes.Count(js, []byte("Bearer")), bytes.Count(js, []byte("Bearer <token>")); n != hint || strings.Contains(page, "Bearer") {
		t.Errorf("%s names Bearer %d times, %d of them the placeholder hint", initJS, n, hint)
	}
}

func TestContentSecurityPolicy(t *testing.T) {
	rec := get(t, Handler("Test API", "/graphql"), "/")
	csp := rec.Header().Get("Content-Security-Policy")
	directives := map[string]string{}
	for _, d := range strings.Split(csp, ";") {
		name, value, _ := strings.Cut(strings.TrimSpace(d), " ")
		directives[name] = value
	}
	if directives["default-src"] != "'none'" {
		t.Errorf("default-src = %q, want 'none'", directives["default-src"])
	}
	scriptSrc := directives["script-src"]
	if !strings.HasPrefix(scriptSrc, "'self'") {
		t.Errorf("script-src = %q, want 'self' first", scriptSrc)
	}
	for _, bad := range []string{"unsafe-inline", "unsafe-eval", "*", "http", "data:"} {
		if strings.Contains(scriptSrc, bad) {
			t.Errorf("script-src = %q allows %s", scriptSrc, bad)
		}
	}
	if directives["connect-src"] != "'self'" {
		t.Errorf("connect-src = %q, want 'self'", directives["connect-src"])
	}

	if scriptSrc != "'self'" {
		t.Errorf("script-src = %q, want 'self'", scriptSrc)
	}
	// The page has no inline script, which the policy would block.
	for _, tag := range tagRE.FindAllString(rec.Body.String(), -1) {
		if strings.HasPrefix(tag, "<script") && !strings.Contains(tag, " src=") {
			t.Errorf("page has an inline script: %s", tag)
		}
	}
}

func TestAbsoluteEndpointIsAllowedToConnect(t *testing.T) {
	rec := get(t, Handler("Test API", "https://api.example.test/graphql"), "/")
	csp := rec.Header().Get("Content-Security-Policy")
	if !strings.Contains(csp, "connect-src 'self' https://api.example.test wss://api.example.test") {
		t.Errorf("CSP = %q, want connect-src for the endpoint's origin", csp)
	}
}

func TestAssetCaching(t *testing.T) {
	h := Handler("Test API", "/graphql")
	target := AssetPrefix + graphiql.ReactJS

	rec := get(t, h, target) // no ?v=: may change, so revalidate
	if rec.Code != http.StatusOK {
		t.Fatalf("GET %s = %d", target, rec.Code)
	}
	if cc := rec.Header().Get("Cache-Control"); cc != "no-cache" {
		t.Errorf("unversioned Cache-Control = %q, want no-cache", cc)
	}
	etag := rec.Header().Get("ETag")
	if etag == "" {
		t.Fatal("no ETag")
	}
	if rec := get(t, h, target, "If-None-Match", etag); rec.Code != http.StatusNotModified {
		t.Errorf("conditional GET = %d, want 304", rec.Code)
	}
}

func TestNotFound(t *testing.T) {
	h := Handler("Test API", "/graphql")
	for _, target := range []string{"/nope", AssetPrefix, AssetPrefix + "graphiql", AssetPrefix + "missing.js", AssetPrefix + "graphiql/graphiql.min.js.map"} {
		if rec := get(t, h, target); rec.Code != http.StatusNotFound {
			t.Errorf("GET %s = %d, want 404", target, rec.Code)
		}
	}
}

func TestHead(t *testing.T) {
	h := Handler("Test API", "/graphql")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodHead, "/", nil))
	if rec.Code != http.StatusOK || rec.Body.Len() != 0 {
		t.Errorf("HEAD / = %d with %d body bytes, want 200 and none", rec.Code, rec.Body.Len())
	}
}

// TestVendoredBundlesLoadNothingExternal guards re-vendoring: the bundles
// must not fetch scripts, styles or fonts from elsewhere at run time.
func TestVendoredBundlesLoadNothingExternal(t *testing.T) {
	for _, name := range []string{graphiql.ReactJS, graphiql.ReactDOMJS, graphiql.GraphiQLJS, graphiql.GraphiQLCSS} {
		body, err := fs.ReadFile(graphiql.FS, name)
		if err != nil {
			t.Fatal(err)
		}
		for _, host := range []string{"jsdelivr.net", "unpkg.com", "cdnjs.", "esm.sh", "googleapis.com", "gstatic.com"} {
			if bytes.Contains(body, []byte(host)) {
				t.Errorf("%s mentions %s", name, host)
			}
		}
		if strings.HasSuffix(name, ".css") {
			for _, m := range regexp.MustCompile(`url\(\s*["']?([^"')]{0,16})`).FindAllSubmatch(body, -1) {
				if !bytes.HasPrefix(m[1], []byte("data:")) {
					t.Errorf("%s loads url(%s…)", name, m[1])
				}
			}
			if bytes.Contains(body, []byte("@import")) {
				t.Errorf("%s has an @import", name)
			}
		}
	}
}
