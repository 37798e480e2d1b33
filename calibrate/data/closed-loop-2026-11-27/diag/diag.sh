# Diagnostic: does a forward run faster in the executor than in the calibration runner, and why?
# Samples SM clock and power (read-only nvidia-smi queries) while each part runs.
set -u
D=calibrate/data/closed-loop-2026-11-27/exec
[ -x cuda/build/duet_runner ] || bash cuda/build-addon.sh >"$OUT/build.log" 2>&1 || DUET_BUILD_ADDON=OFF bash cuda/build-addon.sh >>"$OUT/build.log" 2>&1
for part in calib sustained interleaved; do
  nvidia-smi --query-gpu=timestamp,clocks.sm,power.draw,clocks_event_reasons.sw_power_cap --format=csv,noheader -lms 50 >"$OUT/smi-$part.csv" &
  smi=$!
  case $part in
    calib) cuda/build/duet_runner --plan $D/diag-plan.json --out "$OUT/diag-calib.jsonl" 2>"$OUT/diag-calib.log" ;;
    *) cuda/build/duet_runner --execute $D/diag-$part-prefill.exec.jsonl --out "$OUT/diag-$part.jsonl" 2>"$OUT/diag-$part.log" ;;
  esac
  echo "$part rc=$?"
  kill $smi
done
