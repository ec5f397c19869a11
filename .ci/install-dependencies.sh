#!/usr/bin/env bash
# Installs the dependencies exactly as the lockfile says (npm ci) with the Node on PATH, keeping
# one thing across runs: better-sqlite3's native module. Without a prebuilt binary to download,
# its install script compiles SQLite from source, minutes on a 2-core machine, on every run.
#
# The build is cached under $GRIDMARK_CI_CACHE (default ~/.cache/gridmark-ci), keyed by
# better-sqlite3's version, the Node ABI, the platform, the architecture and the C library; a
# cached module that does not load is thrown away and built again. The other install scripts
# the package allows (package.json "allowScripts") run as npm ci would run them.
#
#   bash .ci/install-dependencies.sh                     (in the package's root)
#   bash .ci/install-dependencies.sh --better-sqlite3-only  only its native module, into an
#                                                        existing node_modules
set -euo pipefail

if [ "${1:-}" != "--better-sqlite3-only" ]; then
  npm ci --no-audit --no-fund --ignore-scripts
  npm rebuild --no-audit --no-fund esbuild protobufjs @apollo/protobufjs >/dev/null
fi

version="$(node -p "require('./node_modules/better-sqlite3/package.json').version")"
runtime="$(node -p "[
  'node-abi' + process.versions.modules, process.platform, process.arch,
  'glibc' + (process.report.getReport().header.glibcVersionRuntime ?? 'none'),
].join('-')")"
cache_root="${GRIDMARK_CI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/gridmark-ci}"
cache="$cache_root/better-sqlite3-$version-$runtime"
module=node_modules/better-sqlite3/build/Release/better_sqlite3.node
loads() { node -e "new (require('better-sqlite3'))(':memory:').prepare('select 1').get()"; }

if [ -f "$cache/better_sqlite3.node" ]; then
  mkdir -p "$(dirname "$module")"
  cp "$cache/better_sqlite3.node" "$module"
  if loads 2>/dev/null; then
    echo "better-sqlite3 $version ($runtime): native module from the cache, $cache"
    exit 0
  fi
  echo "better-sqlite3 $version ($runtime): the cached module does not load; building it again"
  rm -rf "$cache" node_modules/better-sqlite3/build
fi

echo "better-sqlite3 $version ($runtime): building the native module (npm rebuild better-sqlite3)"
start=$SECONDS
npm rebuild --no-audit --no-fund better-sqlite3
loads
echo "better-sqlite3 $version ($runtime): built in $((SECONDS - start)) s, cached in $cache"
mkdir -p "$cache"
cp "$module" "$cache/better_sqlite3.node.partial"
mv "$cache/better_sqlite3.node.partial" "$cache/better_sqlite3.node"
