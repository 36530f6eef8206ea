#!/usr/bin/env bash
# Re-fetches the browser bundles vendored in third_party/graphiql/ from the
# npm registry with `npm pack`, and copies the needed files into place
# byte for byte (no edits). The copied files are then checked against the
# SHA-256 sums pinned below, so a run either reproduces exactly the vendored
# bytes or fails.
#
# Usage: bash third_party/fetch.sh   (needs npm, tar and sha256sum)
#
# To move to a new version: change the version below, run the script with
# PIN_CHECK=0, review the diff, then update the pinned sums here and the
# versions in graphiql/README.md and graphiql/assets.go.
set -euo pipefail

GRAPHIQL_VERSION=4.1.2
REACT_VERSION=18.2.0

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
dest="$here/graphiql"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# unpack NAME VERSION: npm pack NAME@VERSION into $work and unpack it into
# $work/NAME (the tarball's top directory is "package/").
unpack() {
	local name=$1 version=$2
	(cd "$work" && npm pack --silent "$name@$version" >/dev/null)
	mkdir -p "$work/$name"
	tar -xzf "$work/$name-$version.tgz" -C "$work/$name"
}

# put NAME SRC DST: copy $work/NAME/package/SRC to $dest/NAME/DST.
put() {
	local name=$1 src=$2 dst=$3
	mkdir -p "$dest/$name"
	cp "$work/$name/package/$src" "$dest/$name/$dst"
}

unpack graphiql "$GRAPHIQL_VERSION"
unpack react "$REACT_VERSION"
unpack react-dom "$REACT_VERSION"

# graphiql.min.js and graphiql.min.css are the package's published UMD build
# (identical to dist/index.umd.js and dist/style.css).
put graphiql graphiql.min.js graphiql.min.js
put graphiql graphiql.min.css graphiql.min.css
put graphiql LICENSE LICENSE
put react umd/react.production.min.js react.production.min.js
put react LICENSE LICENSE
put react-dom umd/react-dom.production.min.js react-dom.production.min.js
put react-dom LICENSE LICENSE

if [ "${PIN_CHECK:-1}" != 0 ]; then
	(cd "$dest" && sha256sum --check --strict --quiet) <<'SUMS'
867226ba8af5ce7949903fc53932f78dac9f4bfc6cc8da0fd3869b8bc6c5256b  graphiql/graphiql.min.js
30487e07635d312a63f647b140d37740a73c53332b0975bf4b1fe985ca6ec885  graphiql/graphiql.min.css
4b4969fa4ef3594324da2c6d78ce8766fbbc2fd121fff395aedf997db0a99a06  react/react.production.min.js
21758ed084cd0e37e735722ee4f3957ea960628a29dfa6c3ce1a1d47a2d6e4f7  react-dom/react-dom.production.min.js
SUMS
fi

echo "vendored graphiql@$GRAPHIQL_VERSION, react@$REACT_VERSION, react-dom@$REACT_VERSION into $dest"
