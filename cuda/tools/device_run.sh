#!/usr/bin/env bash
# What one device call runs (cuda/NOTES.md records each call). Everything it
# keeps goes under $OUT (at most 8 files come back).
#   device_run.sh first               build, tests, --check, smoke plan on both front ends, PyTorch refs of the smoke shapes, binaries
#   device_run.sh calibrate PLAN TAG [PARTIAL.jsonl]
#                                     (carried or fresh build) run PLAN with --resume into $OUT/TAG.jsonl,
#                                     starting from PARTIAL (an earlier call's cut-short results) if given;
#                                     PyTorch refs of its attention shapes
#   device_run.sh execute DIR [SECONDS]
#                                     (fresh build) kernel tests and checks, then the closed-loop plans in DIR
#                                     for this GPU: smoke-<gpu>-<policy>.exec.jsonl on the runner (and one on
#                                     the addon), then <gpu>-<policy>.exec.jsonl for duetserve and chunked,
#                                     each capped at SECONDS (default 200) and resumed from DIR/partial/ if there
# Env: DUET_RUN_SECONDS caps the plan run (default 480) so the call ends cleanly; --resume continues it.
set -uo pipefail
cd "$(dirname "$0")/../.."
OUT="${OUT:?OUT must be set}"
mode="${1:?mode}"
export PYTHONUNBUFFERED=1

note() { echo "== $*" | tee -a "$OUT/summary.txt" >&2; }

setup_node() {
  if [ -f .node-carry/node.xz ]; then
    python3 -c "import lzma,shutil;shutil.copyfileobj(lzma.open('.node-carry/node.xz'),open('/tmp/node','wb'))" && chmod +x /tmp/node
    export PATH="/tmp:$PATH"
    note "node $(/tmp/node --version)"
  fi
}

build() {
  if [ -x cuda/build/duet_runner ] && [ -x cuda/build/duet_tests ]; then
    note "using carried build in cuda/build"
    return 0
  fi
  local t0=$SECONDS
  NODE_API_HEADERS="$PWD/.node-carry/include" NODE_ADDON_API_DIR="$PWD/.node-carry/node-addon-api" \
    bash cuda/build-addon.sh >"$OUT/build.log" 2>&1
  local rc=$?
  note "build rc=$rc in $((SECONDS - t0)) s"
  [ $rc -eq 0 ] || { tail -40 "$OUT/build.log" >&2; exit 1; }
}

nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.sm,clocks.max.sm --format=csv | tee -a "$OUT/summary.txt" >&2
setup_node
build

gpu="$(nvidia-smi --query-gpu=name --format=csv,noheader | head -1)"
if [ "$mode" = "h200-or-sanitize" ]; then
  # An H200 is asked for but an H100 may come: then spend the call on
  # compute-sanitizer instead of a third H100 calibration.
  case "$gpu" in
    *H200*) mode=calibrate; set -- calibrate "$2" "$3" ;;
    *) mode=sanitize ;;
  esac
fi

case "$mode" in
  execute)
    dir="${2:?dir}"; cap="${3:-200}"
    case "$gpu" in *H200*) tag=h200 ;; *H100*) tag=h100-sxm ;; *) note "no closed-loop plans for $gpu"; exit 1 ;; esac
    mkdir -p "$OUT/extra"
    for f in "$dir"/*.exec.jsonl.xz; do [ -f "$f" ] && python3 -c "import lzma,shutil,sys;shutil.copyfileobj(lzma.open(sys.argv[1]),open(sys.argv[1][:-3],'wb'))" "$f"; done
    cuda/build/duet_tests >"$OUT/extra/tests.log" 2>&1
    rc=$?
    note "duet_tests rc=$rc: $(tail -1 "$OUT/extra/tests.log")"
    if [ $rc -ne 0 ]; then grep -E "^FAIL" "$OUT/extra/tests.log" | head -20 >&2; exit 1; fi
    cuda/build/duet_runner --check --out "$OUT/extra/checks.jsonl" --seed 11 2>>"$OUT/extra/tests.log"
    note "duet_runner --check rc=$?"
    smoke() {  # smoke POLICY: a 15 s schedule end to end on the runner
      local p="$1" t0=$SECONDS
      timeout 150 cuda/build/duet_runner --execute "$dir/smoke-$tag-$p.exec.jsonl" --out "$OUT/extra/smoke-$tag-$p.measured.jsonl" 2>"$OUT/extra/smoke-$tag-$p.log"
      local rc=$?
      note "smoke $p rc=$rc in $((SECONDS - t0)) s: $(tail -2 "$OUT/extra/smoke-$tag-$p.log" | tr '\n' ' ')"
      return $rc
    }
    if [ "${DUET_SKIP_SMOKE:-0}" = 1 ]; then
      note "smoke runs skipped (DUET_SKIP_SMOKE=1)"
    elif ! smoke duetserve; then
      # Pin the failure down: every kernel synchronised and checked, then compute-sanitizer.
      DUET_DEBUG_SYNC=1 timeout 120 cuda/build/duet_runner --execute "$dir/smoke-$tag-duetserve.exec.jsonl" --out "$OUT/extra/debug.jsonl" --max-seconds 5 2>"$OUT/extra/debug-sync.log"
      note "debug-sync rc=$?: $(tail -4 "$OUT/extra/debug-sync.log" | tr '\n' ' ')"
      timeout 240 compute-sanitizer --tool memcheck --print-limit 5 cuda/build/duet_runner --execute "$dir/smoke-$tag-duetserve.exec.jsonl" --out "$OUT/extra/memcheck.jsonl" --max-seconds 5 >"$OUT/extra/memcheck.log" 2>&1
      note "memcheck rc=$?: $(grep -m1 -A12 "=========" "$OUT/extra/memcheck.log" | cut -c1-200 | tr '\n' ' ')"
      tar czf "$OUT/extra.tar.gz" -C "$OUT" extra; rm -rf "$OUT/extra"; exit 1
    fi
    [ "${DUET_SKIP_SMOKE:-0}" = 1 ] || smoke chunked
    if [ "${DUET_SKIP_SMOKE:-0}" != 1 ] && [ -f cuda/build/duet_addon.node ] && command -v node >/dev/null; then
      t0=$SECONDS
      timeout 120 node cuda/tools/exec_addon_smoke.mjs "$dir/smoke-$tag-chunked.exec.jsonl" "$OUT/extra/smoke-addon-$tag-chunked.measured.jsonl" 2>"$OUT/extra/smoke-addon.log"
      note "addon smoke rc=$? in $((SECONDS - t0)) s: $(grep -E "argument check|FAIL|ran" "$OUT/extra/smoke-addon.log" | tr '\n' ' ' | cut -c1-600)"
    fi
    for p in duetserve chunked; do
      f="$tag-$p.measured.jsonl"
      [ -f "$dir/partial/$f" ] && cp "$dir/partial/$f" "$OUT/$f"
      t0=$SECONDS
      timeout $((cap + 90)) cuda/build/duet_runner --execute "$dir/$tag-$p.exec.jsonl" --out "$OUT/$f" --resume --max-seconds "$cap" 2>"$OUT/extra/$tag-$p.log"
      note "execute $p rc=$? in $((SECONDS - t0)) s: $(grep -c '"kind":"step"' "$OUT/$f") steps; $(tail -2 "$OUT/extra/$tag-$p.log" | tr '\n' ' ')"
    done
    nvidia-smi -q -d CLOCK,POWER,TEMPERATURE,PERFORMANCE >"$OUT/extra/gpu-state-after.txt" 2>&1
    tar czf "$OUT/extra.tar.gz" -C "$OUT" extra && rm -rf "$OUT/extra"
    ;;
  sanitize)
    for tool in memcheck racecheck; do
      t0=$SECONDS
      timeout 200 compute-sanitizer --tool $tool --error-exitcode 3 cuda/build/duet_runner --check --seed 5 >"$OUT/sanitize-$tool.log" 2>&1
      note "compute-sanitizer $tool rc=$? in $((SECONDS - t0)) s: $(grep -E "ERROR SUMMARY|RACECHECK SUMMARY" "$OUT/sanitize-$tool.log" | tail -1)"
    done
    ;;
  first)
    t0=$SECONDS
    cuda/build/duet_tests >"$OUT/tests.log" 2>&1
    note "duet_tests rc=$? in $((SECONDS - t0)) s: $(tail -1 "$OUT/tests.log")"
    grep -E "^FAIL" "$OUT/tests.log" | head -20 >&2
    cuda/build/duet_runner --check --out "$OUT/checks.jsonl" --seed 99 2>>"$OUT/tests.log"
    note "duet_runner --check rc=$?"
    t0=$SECONDS
    cuda/build/duet_runner --plan calibrate/plans/smoke.json --out "$OUT/smoke-runner.jsonl" 2>"$OUT/smoke.log"
    note "smoke (runner) rc=$? in $((SECONDS - t0)) s"
    tail -20 "$OUT/smoke.log" >&2
    if [ -f cuda/build/duet_addon.node ] && command -v node >/dev/null; then
      t0=$SECONDS
      node cuda/tools/addon_smoke.mjs calibrate/plans/smoke.json "$OUT/smoke-addon.jsonl" 2>>"$OUT/smoke.log"
      note "smoke (addon) rc=$? in $((SECONDS - t0)) s"
      grep -E "deviceInfo|argument check|runChecks|runPlan ran|FAIL" "$OUT/smoke.log" | head >&2
    fi
    t0=$SECONDS
    timeout 120 python3 cuda/tools/torch_attention_ref.py calibrate/plans/smoke.json "$OUT/torch-smoke.json" 2>>"$OUT/smoke.log"
    note "torch ref rc=$? in $((SECONDS - t0)) s"
    tar czf "$OUT/bin.tar.gz" -C cuda/build duet_runner duet_tests $( [ -f cuda/build/duet_addon.node ] && echo duet_addon.node)
    ;;
  calibrate)
    plan="${2:?plan}"; tag="${3:?tag}"
    if [ -n "${4:-}" ]; then cp "$4" "$OUT/$tag.jsonl"; fi
    # Never calibrate with a kernel that fails its checks.
    cuda/build/duet_tests >"$OUT/tests.log" 2>&1
    rc=$?
    note "duet_tests rc=$rc: $(tail -1 "$OUT/tests.log")"
    if [ $rc -ne 0 ]; then grep -E "^FAIL" "$OUT/tests.log" | head -20 >&2; exit 1; fi
    t0=$SECONDS
    timeout "${DUET_RUN_SECONDS:-480}" cuda/build/duet_runner --plan "$plan" --out "$OUT/$tag.jsonl" --resume 2>"$OUT/$tag.log"
    note "plan rc=$? in $((SECONDS - t0)) s, $(($(wc -l <"$OUT/$tag.jsonl") - 1)) results"
    grep -c FAILED "$OUT/$tag.log" >&2
    grep FAILED "$OUT/$tag.log" | head -5 >&2
    tail -3 "$OUT/$tag.log" >&2
    t0=$SECONDS
    timeout "${DUET_TORCH_SECONDS:-90}" python3 cuda/tools/torch_attention_ref.py "$plan" "$OUT/$tag-torch-attention.json" 2>>"$OUT/$tag.log"
    note "torch ref rc=$? in $((SECONDS - t0)) s"
    ;;
esac
