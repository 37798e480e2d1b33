#!/usr/bin/env bash
# One device call of the reference backend (cuda/NOTES.md records each call). Keeps everything under $OUT.
#   device_reference.sh PLAN TAG SECONDS [PARTIAL.jsonl]
# DUET_RUNNER_ARGS: more torch_runner.py flags for the plan's run (e.g. --kernel-names for the gemm-rows plan).
# A smoke pass first (one experiment of each kind; correctness checks and %smid must pass, or the call stops),
# then PLAN with --resume into $OUT/TAG.jsonl for at most SECONDS, starting from PARTIAL (an earlier call's
# results) when given. GPU state (clocks, power, driver) is recorded read-only before and after.
set -uo pipefail
cd "$(dirname "$0")/../.."
OUT="${OUT:?OUT must be set}"
plan="${1:?plan}"; tag="${2:?tag}"; seconds="${3:?seconds}"; partial="${4:-}"
export PYTHONUNBUFFERED=1
note() { echo "== $*" | tee -a "$OUT/summary.txt" >&2; }

nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.sm,clocks.max.sm,clocks.mem,power.limit,temperature.gpu --format=csv | tee -a "$OUT/summary.txt" >&2
python3 -c "import torch,triton;print('torch',torch.__version__,'cuda',torch.version.cuda,'cudnn',torch.backends.cudnn.version(),'triton',triton.__version__)" 2>&1 | tee -a "$OUT/summary.txt" >&2

if [ -z "$partial" ]; then
  smoke_ids="ceil-gemm-s16,ceil-bw-s132,gemm-n128-4096x6144-s24,ap-32q8kv-p1024+3072-s72,ap-32q8kv-p2048+0-s132,ad-32q8kv-64x4096-s24,ew-add_rmsnorm-n512-d4096-s24,ew-rope-n512-d5120-s24,ew-qk_norm-n16-d5120-s132,ew-silu_mul-n4096-d12288-s132,fw-qwen3-8b-s16-p512+0,fw-qwen3-8b-s132-d6,cc-qwen3-8b-p112-p2048+0-d20-d128x1024"
  t0=$SECONDS
  timeout 200 python3 cuda/reference/torch_runner.py "$plan" --out "$OUT/smoke.jsonl" --ids "$smoke_ids" 2>"$OUT/smoke.log"
  rc=$?
  note "smoke rc=$rc in $((SECONDS - t0)) s"
  grep -E "SDPA|FAILED|done:" "$OUT/smoke.log" | cut -c1-400 >&2
  python3 - "$OUT/smoke.jsonl" <<'PY' >&2 || { note "smoke gate failed: not running the plan"; exit 1; }
import json, sys
bad = []
for line in open(sys.argv[1]):
    r = json.loads(line)
    if r["kind"] == "meta":
        continue
    c = r.get("check")
    if c is not None and not c["passed"]:
        bad.append((r["id"], "check", c))
    if r.get("partner_covered") is False:
        print("NOT COVERED", r["id"], r.get("spans"))
    for key in ("smids_ok", "decode_smids_ok", "prefill_smids_ok"):
        if key in r and not r[key]:
            bad.append((r["id"], key, r.get("smid_count", r.get("decode_smids"))))
    print(r["id"], r.get("median_us", r.get("decode_concurrent_us")), r.get("check", {}) and r["check"].get("rel_err"),
          {k: r[k] for k in ("smid_count", "decode_smid_count", "prefill_smid_count", "prefill_concurrent_us", "decode_alone_us", "prefill_alone_us") if k in r})
print("gate problems:", bad)
sys.exit(1 if bad else 0)
PY
else
  cp "$partial" "$OUT/$tag.jsonl"
fi

t0=$SECONDS
timeout $((seconds + 60)) python3 cuda/reference/torch_runner.py "$plan" --out "$OUT/$tag.jsonl" --resume --max-seconds "$seconds" ${DUET_RUNNER_ARGS:-} 2>"$OUT/$tag.log"
note "plan rc=$? in $((SECONDS - t0)) s: $(($(wc -l <"$OUT/$tag.jsonl") - 1)) records; $(grep -c FAILED "$OUT/$tag.log") failed"
grep FAILED "$OUT/$tag.log" | head -8 | cut -c1-300 >&2
tail -3 "$OUT/$tag.log" >&2
nvidia-smi --query-gpu=clocks.sm,clocks.mem,power.draw,temperature.gpu,clocks_throttle_reasons.active --format=csv >>"$OUT/summary.txt" 2>&1
