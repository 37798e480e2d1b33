#!/usr/bin/env bash
# One device call of live runs (issue 15: duetsim serve-gpu), the acceptance plan of calibrate/README.md
# "Live runs". Carry .live-carry (cuda/tools/pack_live_carry.sh: node, dist/, runtime packages, N-API headers).
#   device_live.sh smoke            build, kernel tests and checks, a 20 s live run per policy (fake vs gpu wiring)
#   device_live.sh accept [CAP_S]   build, checks, then Qwen3-8B on the H200: chunked and duetserve on held-out
#                                   windows (60 s from 1,800 s) of azure-conv at 4 / 18 / 24 req/s and azure-code
#                                   at 3 / 7 / 12 req/s (light, near the knee, overloaded: replay sweeps of
#                                   2026-12-04), each capped at CAP_S wall seconds (default 75), with the
#                                   simulated twin of each run written beside it for `calibrate compare`.
# Everything kept goes under $OUT as one tarball per trace (the tool brings back at most 8 files).
# DUET_LIVE_BACKEND=fake: a dry run on a machine without a GPU (no build, no checks; the stand-in backend),
# to check this script's commands before spending device time.
set -uo pipefail
cd "$(dirname "$0")/../.."
OUT="${OUT:?OUT must be set}"
mode="${1:?mode: smoke|accept}"
cap="${2:-75}"

note() { echo "== $*" | tee -a "$OUT/summary.txt" >&2; }

backend="${DUET_LIVE_BACKEND:-gpu}"
if [ "$backend" = gpu ]; then
  nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.sm,clocks.max.sm --format=csv | tee -a "$OUT/summary.txt" >&2
  python3 -c "import lzma,shutil;shutil.copyfileobj(lzma.open('.live-carry/node.xz'),open('/tmp/node','wb'))" && chmod +x /tmp/node || { note "no .live-carry/node.xz: run cuda/tools/pack_live_carry.sh and carry .live-carry"; exit 1; }
  export PATH="/tmp:$PATH"
  tar -xJf .live-carry/dist.tar.xz && tar -xJf .live-carry/node_modules.tar.xz
  note "node $(node --version); duetsim $(node dist/bin/duetsim.js --version 2>/dev/null)"

  t0=$SECONDS
  NODE_API_HEADERS="$PWD/.live-carry/include" NODE_ADDON_API_DIR="$PWD/.live-carry/node-addon-api" bash cuda/build-addon.sh >"$OUT/build.log" 2>&1
  rc=$?; note "build rc=$rc in $((SECONDS - t0)) s"; [ $rc -eq 0 ] || { tail -40 "$OUT/build.log" >&2; exit 1; }
  cuda/build/duet_tests >"$OUT/tests.log" 2>&1; rc=$?; note "duet_tests rc=$rc: $(tail -1 "$OUT/tests.log")"; [ $rc -eq 0 ] || exit 1
  cuda/build/duet_runner --check --out "$OUT/checks.jsonl" --seed 11 2>>"$OUT/tests.log"; note "duet_runner --check rc=$?"
else
  note "dry run: backend $backend, no build"
fi

duet() { node dist/bin/duetsim.js "$@"; }
run_pair() {  # run_pair DIR TRACE RATE POLICY: the live run and its simulated twin
  local dir="$1" trace="$2" rate="$3" policy="$4" t=$SECONDS
  local name="$policy-$trace-r$rate" common=(--model qwen3-8b --hw h200 --policy "$policy" --trace "$trace" --start 1800 --duration "${DUR:-60}" --rate "$rate" --slo-ttft 2000 --slo-tbt 50)
  duet replay "${common[@]}" --out "$dir/$name.sim.json" --requests-csv "$dir/$name.sim.csv" --iterations-csv "$dir/$name.sim-it.csv" --quiet > /dev/null
  timeout $((cap + 60)) node dist/bin/duetsim.js serve-gpu --backend "$backend" "${common[@]}" --max-seconds "$cap" --out "$dir/$name.live.json" --requests-csv "$dir/$name.live.csv" \
    --iterations-csv "$dir/$name.live-it.csv" --step-records "$dir/$name.step-records.jsonl" > "$dir/$name.live.txt" 2> "$dir/$name.live.log"
  local rc=$?
  note "$name rc=$rc in $((SECONDS - t)) s: $(grep -E 'live run|model vs|STOPPED' "$dir/$name.live.txt" | tr '\n' ' ')"
  [ -f "$dir/$name.live.json" ] && duet calibrate compare --simulated "$dir/$name.sim.json" --live "$dir/$name.live.json" \
    --simulated-requests "$dir/$name.sim.csv" --live-requests "$dir/$name.live.csv" --simulated-steps "$dir/$name.sim-it.csv" --live-steps "$dir/$name.live-it.csv" \
    --step-records "$dir/$name.step-records.jsonl" --json > "$dir/$name.compare.json" 2>> "$dir/$name.live.log" || note "$name: compare failed (see log)"
}

case "$mode" in
  smoke)
    mkdir -p "$OUT/smoke"
    for p in chunked duetserve; do DUR=20 cap=40 run_pair "$OUT/smoke" azure-conv 8 "$p"; done
    tar -cJf "$OUT/smoke.tar.xz" -C "$OUT" smoke && rm -rf "$OUT/smoke"
    ;;
  accept)
    for trace in azure-conv azure-code; do
      mkdir -p "$OUT/$trace"
      case "$trace" in azure-conv) rates="4 18 24" ;; azure-code) rates="3 7 12" ;; esac
      for rate in $rates; do for p in chunked duetserve; do run_pair "$OUT/$trace" "$trace" "$rate" "$p"; done; done
      tar -cJf "$OUT/$trace.tar.xz" -C "$OUT" "$trace" && rm -rf "$OUT/$trace"
    done
    ;;
  *) note "unknown mode $mode"; exit 2 ;;
esac
