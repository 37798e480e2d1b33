#!/usr/bin/env bash
# Reproduces the "DuetServe against the baselines" tables of BENCHMARKS.md: for each trace, the four
# single-GPU designs (and chunked prefill and DuetServe at smaller step budgets) × Qwen3-8B/14B × 8 offered rates on one
# calibrated H100. Writes out/dvb-<trace>.jsonl, out/budgets-<trace>.jsonl and Markdown tables out/dvb-<trace>.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
mkdir -p out
metrics=completed_rps,ttft_p99_ms,tbt_p99_ms,slo_attainment,goodput_rps,split_share
for trace in azure-conv azure-code mooncake-conv; do
  rm -f "out/dvb-$trace.jsonl" "out/budgets-$trace.jsonl"
  node dist/bin/duetsim.js whatif "configs/studies/duetserve-vs-baselines-$trace.yaml" -o "out/dvb-$trace.jsonl" --quiet
  node dist/bin/duetsim.js whatif "configs/studies/budgets-$trace.yaml" -o "out/budgets-$trace.jsonl" --quiet
  { node dist/bin/duetsim.js table "out/dvb-$trace.jsonl" --metrics "$metrics"; echo; node dist/bin/duetsim.js table "out/budgets-$trace.jsonl" --metrics "$metrics"; } > "out/dvb-$trace.md"
  echo "wrote out/dvb-$trace.md"
done
