#!/usr/bin/env bash
# Nsight Compute on chosen experiments of a plan, our kernels and the production kernels side by side (issue 11,
# part 1: what bounds a kernel that misses its kernel-quality target). Run after device_kernels.sh has built
# cuda/build/duet_runner; everything goes under $OUT.
#   device_ncu.sh PLAN SPEC...
# A SPEC is ID@OWN_REGEX@REF_REGEX[@COUNT]: the experiment's id in PLAN and the kernel-name regexes that pick its
# kernel under duet_runner and under cuda/reference/torch_runner.py (an empty regex skips that side). Each side
# runs the one-experiment plan under ncu, skipping the first launches (the correctness check and warm-up; on the
# reference side only launches inside torch_runner's per-experiment NVTX range count, not its start-up probes), and
# profiles one launch: speed of light, memory workload, warp state, scheduler, occupancy and launch sections, and
# each stall reason's warps per issued instruction (the text report prints no stall breakdown otherwise). With
# COUNT > 1 it lists COUNT consecutive matching launches with the speed-of-light section only (which kernels an
# op launches, and each one's duration).
# The clocks are left alone (--clock-control none, as METHOD.md says). Each profile is limited to NCU_TIMEOUT
# seconds (default 150).
# REF_ARGS (default "--attention prefill=cudnn,prefill_cached=flash,decode=cudnn", the backends every reference run on
# the H100 and the H200 chose) is passed to torch_runner.py: under ncu its start-up probe times serialised, profiled
# launches and may pick another backend than the timed runs did (2026-12-07 on an H200: FlashAttention-2's kernel for
# decode, 334 against cuDNN's 340 us under the profiler, where the unprofiled probe measured 202 against 124).
set -uo pipefail
cd "$(dirname "$0")/../.."
OUT="${OUT:?OUT must be set}"
plan="${1:?plan}"; shift
mkdir -p "$OUT"
ncu_bin="$(command -v ncu || ls /opt/nvidia/nsight-compute/*/ncu 2>/dev/null | tail -1)"
[ -n "$ncu_bin" ] || { echo "device_ncu: no ncu on this machine" >&2; exit 1; }
"$ncu_bin" --version | tail -1 | tee -a "$OUT/summary.txt" >&2
sections=(--section SpeedOfLight --section MemoryWorkloadAnalysis --section WarpStateStats --section SchedulerStats
  --section Occupancy --section LaunchStats --section ComputeWorkloadAnalysis
  --metrics 'regex:^smsp__average_warps_issue_stalled_.*_per_issue_active\.ratio$')
for spec in "$@"; do
  IFS='@' read -r id own_re ref_re count <<<"$spec"
  count="${count:-1}"
  what=("${sections[@]}")
  [ "$count" -gt 1 ] && what=(--section SpeedOfLight)
  python3 - "$plan" "$id" "/tmp/ncu-$id.json" <<'PY' || { echo "device_ncu: $id is not in the plan" >&2; continue; }
import json, sys
plan = json.load(open(sys.argv[1]))
plan["experiments"] = [e for e in plan["experiments"] if e["id"] == sys.argv[2]]
if not plan["experiments"]:
    sys.exit(1)
json.dump(plan, open(sys.argv[3], "w"))
PY
  # Each side writes a fresh file: the runners refuse to append to an earlier spec's output without --resume.
  rm -f "/tmp/ncu-own-$id.jsonl" "/tmp/ncu-ref-$id.jsonl"
  if [ -n "$own_re" ]; then
    t0=$SECONDS
    timeout "${NCU_TIMEOUT:-150}" "$ncu_bin" --clock-control none --kernel-name "regex:$own_re" --launch-skip 4 --launch-count "$count" \
      "${what[@]}" cuda/build/duet_runner --plan "/tmp/ncu-$id.json" --out "/tmp/ncu-own-$id.jsonl" >"$OUT/own-$id.txt" 2>&1
    echo "== ncu own $id rc=$? in $((SECONDS - t0)) s" | tee -a "$OUT/summary.txt" >&2
  fi
  if [ -n "$ref_re" ]; then
    t0=$SECONDS
    timeout "${NCU_TIMEOUT:-150}" "$ncu_bin" --clock-control none --kernel-name "regex:$ref_re" --launch-skip 4 --launch-count "$count" \
      --nvtx --nvtx-include "experiment/" "${what[@]}" python3 cuda/reference/torch_runner.py "/tmp/ncu-$id.json" --out "/tmp/ncu-ref-$id.jsonl" \
      ${REF_ARGS---attention prefill=cudnn,prefill_cached=flash,decode=cudnn} >"$OUT/ref-$id.txt" 2>&1
    echo "== ncu ref $id rc=$? in $((SECONDS - t0)) s" | tee -a "$OUT/summary.txt" >&2
  fi
done
# The headline rows of each profile, for the call's output.
for f in "$OUT"/own-*.txt "$OUT"/ref-*.txt; do
  [ -f "$f" ] || continue
  echo "---- $(basename "$f")" >&2
  grep -E "^\s+[a-z_].*\(|Duration|DRAM Throughput|Memory Throughput|Achieved Occupancy|Stall|Warp Cycles Per Issued|Issued Warp|No Eligible|Registers Per|Block Limit|Eligible Warps|==ERR|==WARN|error" "$f" | cut -c1-160 | head -30 >&2
  # Stall reasons above 0.05 warps per issued instruction, largest first.
  grep -E "issue_stalled_" "$f" | awk '{v=$NF+0; if (v > 0.05) print v, $1}' | sort -rn | head -8 >&2
done
