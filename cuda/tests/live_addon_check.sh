#!/usr/bin/env bash
# Builds duet_addon.cpp over the host-only stand-in core (tests/live_stub_core.cpp) with g++ and runs
# tests/live_addon_check.mjs against it: the live-session binding checked without a GPU. Needs g++, Node's
# headers (/usr/include/node, or NODE_API_HEADERS) and node_modules/node-addon-api (npm ci).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
headers="${NODE_API_HEADERS:-/usr/include/node}"
cd "$root/cuda"
g++ -std=c++17 -O1 -shared -fPIC -Wall -Wextra -Werror -I. -I"$headers" -I"$root/node_modules/node-addon-api" \
  -DNAPI_VERSION=8 -DNAPI_CPP_EXCEPTIONS -DNODE_ADDON_API_DISABLE_DEPRECATED -o "$out/duet_addon.node" \
  binding/duet_addon.cpp tests/live_stub_core.cpp core/exec_plan.cpp core/kv_pool.cpp core/plan.cpp core/json.cpp \
  core/live_signals.cpp
node tests/live_addon_check.mjs "$out/duet_addon.node"
for mode in listen twice; do node tests/live_addon_check.mjs "$out/duet_addon.node" "$mode" || test "$mode.$?" = twice.130; done
echo "live addon check: ok"
