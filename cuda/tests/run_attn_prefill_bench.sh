#!/usr/bin/env bash
# Builds (unless a binary is already there), checks and times the prefill
# attention kernel, then times the PyTorch baselines on the same GPU.
# Usage: cuda/tests/run_attn_prefill_bench.sh OUT_DIR   (run from the repository root)
# Writes to OUT_DIR: gpu.txt, sass.txt, ours.txt/.jsonl, torch.txt/.json,
# racecheck.txt and memcheck.txt (compute-sanitizer on the untimed cases).
set -u -o pipefail
out=${1:?usage: $0 OUT_DIR}
bin=cuda/build/attn_prefill/test_attn_prefill
if [ ! -x "$bin" ]; then
  mkdir -p "$(dirname "$bin")"
  nvcc -std=c++17 -O3 -gencode=arch=compute_90a,code=sm_90a -gencode=arch=compute_90,code=sm_90 \
    -Icuda/kernels -Xcompiler -O3 cuda/tests/test_attn_prefill.cu cuda/kernels/attn_prefill.cu -o "$bin" || exit 2
fi
nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.max.sm,temperature.gpu --format=csv | tee "$out/gpu.txt"
date -u +%FT%TZ | tee -a "$out/gpu.txt"
cuobjdump -sass "$bin" | grep -oE "HMMA[.A-Z0-9]*|LDSM[.A-Z0-9]*|LDL[.A-Z0-9]*|STL[.A-Z0-9]*|LDGSTS[.A-Z0-9]*|MUFU.EX2" \
  | sort | uniq -c > "$out/sass.txt"
timeout 90 "$bin" "$out/ours.jsonl" 2> "$out/ours.err" | tee "$out/ours.txt"
ours_rc=$?
PYTHONUNBUFFERED=1 timeout 100 python3 cuda/tests/bench_attn_prefill.py "$out/torch.json" 2>&1 | tee "$out/torch.txt"
timeout 40 compute-sanitizer --tool racecheck "$bin" --small > "$out/racecheck.txt" 2>&1; echo "racecheck rc=$?"
tail -n 2 "$out/racecheck.txt"
timeout 30 compute-sanitizer --tool memcheck "$bin" --small > "$out/memcheck.txt" 2>&1; echo "memcheck rc=$?"
tail -n 2 "$out/memcheck.txt"
cat "$out/sass.txt"
exit $ours_rc
