// Package graphiql embeds unmodified browser bundles of GraphiQL, React and
// ReactDOM, so the GraphQL IDE can be served by the binary itself without
// loading anything from a CDN. README.md lists the versions and checksums;
// ../fetch.sh re-fetches the files from the npm registry.
package graphiql

import "embed"

// Versions of the vendored npm packages.
const (
	// GraphiQLVersion is the version of the npm package graphiql.
	GraphiQLVersion = "4.1.2"
	// ReactVersion is the version of the npm packages react and react-dom.
	ReactVersion = "18.2.0"
)

// Paths of the vendored bundles inside FS.
const (
	// GraphiQLJS is GraphiQL's UMD build; it defines the global GraphiQL and
	// needs the globals React and ReactDOM.
	GraphiQLJS = "graphiql/graphiql.min.js"
	// GraphiQLCSS is GraphiQL's stylesheet, with its fonts inlined.
	GraphiQLCSS = "graphiql/graphiql.min.css"
	// ReactJS is React's production UMD build; it defines the global React.
	ReactJS = "react/react.production.min.js"
	// ReactDOMJS is ReactDOM's production UMD build; it defines the global
	// ReactDOM.
	ReactDOMJS = "react-dom/react-dom.production.min.js"
)

// FS holds the vendored files: the directories graphiql, react and react-dom,
// each with its package's bundles and LICENSE.
//
//go:embed graphiql react react-dom
var FS embed.FS
