#!/usr/bin/env bash
# One device call for kernel work (issue 11, part 1; cuda/NOTES.md records each call). Everything it keeps
# goes under $OUT.
#   device_kernels.sh PLAN OWN_SECONDS TORCH_SECONDS [SWEEP_SMS]
# 1. a fresh build of duet_runner and duet_tests (no addon), the kernel tests and the check suite;
# 2. a decode-attention sweep: PLAN's attn_decode experiments on the SWEEP_SMS partitions (default
#    8,24,64,132) under each setting of $SWEEP_SETTINGS (space-separated; a setting is VAR=VALUE[,VAR=VALUE];
#    default DUET_ATTN_DECODE_BLOCKS_PER_SM = 1, 2, 4),
#    into sweep-b1.jsonl, sweep-b2.jsonl, ... (skipped when SWEEP_SMS is "none");
# 3. PLAN on our kernels (duet_runner) for at most OWN_SECONDS, into $OUT/own.jsonl;
# 4. PLAN on the production kernels (cuda/reference/torch_runner.py) for at most TORCH_SECONDS, into
#    $OUT/torch.jsonl (resumed from TORCH_PARTIAL when that is set).
# A kernel that fails its checks is never timed: the runner reports the experiment failed and goes on.
# Optional environment:
#   OWN_ENV="VAR=VALUE,VAR=VALUE"  settings for step 3 only, e.g. DUET_ATTN_PREFILL_IMPL=cudnn,DUET_ATTN_DECODE_IMPL=cudnn
#   PLAN_OPS=attn_prefill,attn_decode  step 3 runs only these ops' experiments (and the copy/GEMM ceilings)
#   SWEEP_OPS=attn_prefill  the ops step 2 sweeps (default attn_decode)
#   SWEEP_TIMEOUT=seconds  each sweep setting's limit (default 60)
#   SKIP_TESTS=1  skip duet_tests (~70 s) when a call needs the time; the check suite still runs
#   DEADLINE_S=seconds  the whole script's budget (default 560, inside a device call's 600-s limit): every later step's
#       limit is cut to what is left, a step with under 20 s left is skipped and said so, and the results are packed
#       before the call ends. Round 14's first call ran its eleven sweep settings at 32-46 s each (prefill experiments,
#       not the 1-2 s of elementwise ones) and was killed at 600 s before anything was packed.
# At the end the result files (*.jsonl) go into $OUT/results.tar.xz (a call brings back at most 8 files; a sweep of
# eleven settings writes fourteen): `tar xJf results.tar.xz` restores them.
# The check suite (`duet_runner --check`, every kernel and, when built with cuDNN, cuDNN's attention) runs after the tests.
set -uo pipefail
cd "$(dirname "$0")/../.."
OUT="${OUT:?OUT must be set}"
L="$OUT/logs"; mkdir -p "$L"  # logs apart: a call brings back at most 8 files, so they travel as one tarball
plan="${1:?plan}"; own_s="${2:?own seconds}"; torch_s="${3:?torch seconds}"; sweep_sms="${4:-8,24,64,132}"
export PYTHONUNBUFFERED=1
note() { echo "== $*" | tee -a "$OUT/summary.txt" >&2; }
deadline="${DEADLINE_S:-560}"
# left WANTED: the seconds a step may take, WANTED capped at what the deadline leaves (less a 15-s margin to pack).
left() { local l=$((deadline - SECONDS - 15)); [ "$1" -lt "$l" ] && echo "$1" || echo "$l"; }

nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.sm,clocks.max.sm,clocks.mem,power.limit,temperature.gpu --format=csv | tee -a "$OUT/summary.txt" >&2
python3 -c "import torch,triton;print('torch',torch.__version__,'cuda',torch.version.cuda,'cudnn',torch.backends.cudnn.version(),'triton',triton.__version__)" 2>&1 | tee -a "$OUT/summary.txt" >&2
nvcc --version | tail -2 | tee -a "$OUT/summary.txt" >&2

t0=$SECONDS
DUET_BUILD_ADDON=OFF bash cuda/build-addon.sh >"$L/build.log" 2>&1
rc=$?
note "build rc=$rc in $((SECONDS - t0)) s"
[ $rc -eq 0 ] || { tail -40 "$L/build.log" >&2; exit 1; }

if [ "${SKIP_TESTS:-0}" = 1 ]; then
  note "duet_tests skipped (SKIP_TESTS=1; the check suite still runs)"
else
  t0=$SECONDS
  timeout 240 cuda/build/duet_tests >"$L/tests.log" 2>&1
  note "duet_tests rc=$? in $((SECONDS - t0)) s: $(tail -1 "$L/tests.log")"
  grep -E "^FAIL" "$L/tests.log" | head -20 >&2
  grep -E "attn_decode|rope|qk_norm|silu|rmsnorm" "$L/tests.log" | head -40 >&2
fi
grep -i "cudnn" "$L/build.log" | head -3 >&2
t0=$SECONDS
CUDNN_LOGLEVEL_DBG=2 CUDNN_LOGDEST_DBG="$L/cudnn-check.log" DUET_ATTN_CUDNN_DEBUG=1 timeout 180 cuda/build/duet_runner --check --out "$OUT/checks.jsonl" 2>"$L/check.log"
note "check suite rc=$? in $((SECONDS - t0)) s: $(tail -1 "$L/check.log")"
grep -iE "cudnn|FAIL" "$L/check.log" | cut -c1-400 | head -24 >&2

if [ "$sweep_sms" != none ]; then
  python3 - "$plan" "$sweep_sms" /tmp/sweep.json "${SWEEP_OPS:-attn_decode}" <<'PY'
import json, sys
plan = json.load(open(sys.argv[1]))
sms = {int(s) for s in sys.argv[2].split(",")}
ops = set(sys.argv[4].split(","))
plan["experiments"] = [e for e in plan["experiments"] if (e.get("op") in ops and e["sms"] in sms) or (e["kind"] == "ceiling_bandwidth" and e["sms"] in sms)]
json.dump(plan, open(sys.argv[3], "w"))
PY
  i=0
  for setting in ${SWEEP_SETTINGS:-DUET_ATTN_DECODE_BLOCKS_PER_SM=1 DUET_ATTN_DECODE_BLOCKS_PER_SM=2 DUET_ATTN_DECODE_BLOCKS_PER_SM=4}; do
    i=$((i + 1)); t0=$SECONDS
    budget=$(left "${SWEEP_TIMEOUT:-60}")
    if [ "$budget" -lt 20 ]; then note "sweep $i ($setting) skipped: $budget s left of DEADLINE_S=$deadline"; continue; fi
    env ${setting//,/ } DUET_ATTN_DECODE_DEBUG=1 timeout "$budget" cuda/build/duet_runner --plan /tmp/sweep.json --out "$OUT/sweep-b$i.jsonl" 2>"$L/sweep-b$i.log"
    note "sweep $i ($setting) rc=$? in $((SECONDS - t0)) s: $(grep -c FAILED "$L/sweep-b$i.log") failed; $(grep -m3 'blocks per SM' "$L/sweep-b$i.log" | tr '\n' ' ')"
  done
  python3 - "$OUT" <<'PY' >&2
import json, sys, glob
rows = {}
for f in sorted(glob.glob(sys.argv[1] + "/sweep-b*.jsonl")):
    b = f.split("sweep-b")[1].split(".")[0]
    for line in open(f):
        r = json.loads(line)
        if r.get("kind") == "meta": continue
        rows.setdefault(r["id"], {})[b] = r.get("median_us")
for i, v in rows.items(): print(i, v)
PY
fi

# With PICK_FROM_SWEEP=1 the plan runs under the sweep setting with the least geometric-mean decode time (named in
# summary.txt; a plain sum would be the few longest shapes' noise: round12/call2);
# a setting with any failed or missing decode experiment is never picked.
if [ "${PICK_FROM_SWEEP:-0}" = 1 ] && [ "$sweep_sms" != none ]; then
  best=$(python3 - "$OUT" ${SWEEP_SETTINGS:-} <<'PY'
import json, math, sys
totals, ids = [], None
for i, setting in enumerate(sys.argv[2:], 1):
    try:
        rows = [json.loads(l) for l in open(f"{sys.argv[1]}/sweep-b{i}.jsonl")]
    except OSError:
        continue
    rows = [r for r in rows if r.get("op") == "attn_decode" or str(r.get("id", "")).startswith("ad-")]
    if not rows:
        continue  # a setting that timed no decode (it failed before its first) is never picked
    if any(r.get("median_us") is None for r in rows):
        continue
    got = {r["id"] for r in rows}
    if ids is None or len(got) > len(ids):
        ids, totals = got, []  # a setting cut short is compared with none that ran more experiments
    elif got != ids:
        continue
    totals.append((sum(math.log(r["median_us"]) for r in rows) / len(rows), setting))
print(min(totals)[1] if totals else "DUET_SWEEP_NONE=1")
PY
)
  note "own plan runs with $best (least geometric-mean decode time in the sweep)"
  export ${best//,/ }
fi
own_plan="$plan"
if [ -n "${PLAN_OPS:-}" ]; then
  python3 - "$plan" "$PLAN_OPS" /tmp/own-plan.json <<'PY'
import json, sys
plan = json.load(open(sys.argv[1]))
ops = set(sys.argv[2].split(","))
plan["experiments"] = [e for e in plan["experiments"] if e.get("op") in ops or e["kind"].startswith("ceiling")]
json.dump(plan, open(sys.argv[3], "w"))
PY
  own_plan=/tmp/own-plan.json
fi
t0=$SECONDS
own_s=$(left "$own_s"); [ "$own_s" -lt 1 ] && own_s=1  # the runner's --resume keeps what a cut run wrote
env ${OWN_ENV:+${OWN_ENV//,/ }} DUET_ATTN_CUDNN_DEBUG=1 timeout "$own_s" cuda/build/duet_runner --plan "$own_plan" --out "$OUT/own.jsonl" --resume 2>"$L/own.log"
note "own plan rc=$? in $((SECONDS - t0)) s, $(($(wc -l <"$OUT/own.jsonl") - 1)) results, $(grep -c FAILED "$L/own.log") failed"
grep FAILED "$L/own.log" | cut -c1-600 | head -5 >&2
grep -m4 "attn_cudnn:" "$L/own.log" | cut -c1-300 >&2

# The runner stops itself after --max-seconds; 30 s more covers its start (import, backend probe) before the kill.
if [ "$torch_s" -gt 0 ]; then
  torch_s=$(($(left $((torch_s + 30))) - 30))
  [ "$torch_s" -lt 20 ] && { note "torch plan skipped: $torch_s s left of DEADLINE_S=$deadline"; torch_s=0; }
fi
if [ "$torch_s" -gt 0 ]; then
  [ -n "${TORCH_PARTIAL:-}" ] && cp "$TORCH_PARTIAL" "$OUT/torch.jsonl"
  t0=$SECONDS
  timeout $((torch_s + 30)) python3 cuda/reference/torch_runner.py "$plan" --out "$OUT/torch.jsonl" --resume --max-seconds "$torch_s" 2>"$L/torch.log"
  note "torch plan rc=$? in $((SECONDS - t0)) s, $(($(wc -l <"$OUT/torch.jsonl") - 1)) results"
  grep -E "SDPA|FAILED" "$L/torch.log" | cut -c1-300 | head -8 >&2
fi
nvidia-smi --query-gpu=clocks.sm,clocks.mem,power.draw,temperature.gpu --format=csv | tee -a "$OUT/summary.txt" >&2
tar czf "$OUT/logs.tar.gz" -C "$OUT" logs && rm -rf "$L"
(cd "$OUT" && ls ./*.jsonl >/dev/null 2>&1 && tar -cJf results.tar.xz ./*.jsonl && rm -f ./*.jsonl && note "results packed: $(tar -tJf results.tar.xz | tr '\n' ' ')")
