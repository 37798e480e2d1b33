#!/usr/bin/env bash
# Builds duet_addon.cpp over the host-only stand-in core (tests/live_stub_core.cpp) with g++ and runs
# tests/live_addon_check.mjs against it, then duet_runner --live-stdio over the same stand-in: both live
# front ends checked without a GPU. Needs g++, Node's headers (/usr/include/node, or NODE_API_HEADERS)
# and node_modules/node-addon-api (npm ci).
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
for mode in listen twice late; do node tests/live_addon_check.mjs "$out/duet_addon.node" "$mode" || test "$mode.$?" = twice.130; done

# duet_runner --live-stdio: a result or error line per step line, a done line; exit 2 on a bad header.
host=(tests/live_stub_core.cpp core/exec_plan.cpp core/kv_pool.cpp core/plan.cpp core/json.cpp core/live_signals.cpp)
g++ -std=c++17 -O1 -Wall -Wextra -Werror -I. -o "$out/duet_runner" runner/duet_runner.cpp "${host[@]}"
model='"model":{"numLayers":2,"hiddenSize":256,"numQHeads":4,"numKvHeads":2,"headDim":128,"ffnSize":512,"vocabSize":1024,"qkNorm":true}'
echo '{"format":"duetsim-live","version":1,"model_name":"tiny",'"$model"',"block_tokens":16,"kv_blocks":6,"splits":[],"max_batch_tokens":64,"max_seqs":4,"max_lookahead":4}' >"$out/h.json"
step='"mode":"aggregated","prefill_sms":0,"decode_sms":0,"k":1,"free":[]'
got="$(printf '%s\n' '{"step":0,'"$step"',"prefills":[[0,20,0]],"decodes":[],"release":[]}' 'garbage' '' \
  '{"step":1,'"$step"',"prefills":[],"decodes":[[0,21,1]],"release":[0]}' | "$out/duet_runner" --live-stdio "$out/h.json" 2>/dev/null)"
kinds="$(printf '%s\n' "$got" | sed 's/^{"kind":"\([a-z]*\)".*/\1/' | tr '\n' ' ')"
test "$kinds" = "meta step error step done " || { echo "runner --live-stdio answered: $got" >&2; exit 1; }
# SIGTERM while it waits for a line (a background job ignores SIGINT): the next line is not run, a done line
# says interrupted.
mkfifo "$out/in"
"$out/duet_runner" --live-stdio "$out/h.json" <"$out/in" >"$out/int.out" 2>/dev/null &
pid=$!
exec 3>"$out/in"
printf '%s\n' '{"step":0,'"$step"',"prefills":[[0,20,0]],"decodes":[],"release":[0]}' >&3
for _ in $(seq 100); do test "$(wc -l <"$out/int.out")" -ge 2 && break; sleep 0.05; done
kill -TERM "$pid"
sleep 0.2
printf '%s\n' '{"step":1,'"$step"',"prefills":[[1,20,0]],"decodes":[],"release":[1]}' >&3
exec 3>&-
wait "$pid"
kinds="$(sed 's/^{"kind":"\([a-z]*\)".*/\1/' "$out/int.out" | tr '\n' ' ')"
test "$kinds" = "meta step done " && grep -q '"interrupted":true' "$out/int.out" ||
  { echo "runner --live-stdio after SIGTERM answered: $(cat "$out/int.out")" >&2; exit 1; }
sed 's/"kv_blocks":6/"kv_blocks":0/' "$out/h.json" >"$out/bad.json"
rc=0
"$out/duet_runner" --live-stdio "$out/bad.json" </dev/null 2>/dev/null || rc=$?
test "$rc" = 2 || { echo "runner --live-stdio: a bad header exited $rc, not 2" >&2; exit 1; }
echo "live addon check: ok"
