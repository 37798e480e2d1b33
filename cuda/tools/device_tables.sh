#!/usr/bin/env bash
# One device call for the kernel tables a GPU's calibration records beside its reference plan (calibrate/README.md):
# the remainder-ops plan on both sides, the gemm-rows plan on the last groups, and the gemm-rows plan of each extra
# model on both sides. Each part is packed into $OUT as <part>.tar.xz the moment it ends (a call brings back at most 8
# files, and one cut short by its time limit brings back only what is already there: kernel round 14, cuda/NOTES.md).
#   device_tables.sh GPU_MATCH [PART...]
# GPU_MATCH: a substring of nvidia-smi's name (e.g. H200); on another card the script runs nothing and says so, so a
# call asked for one kind that is given another spends no time. PARTs (default: all, in this order):
#   ro-first ro-last gr-last grl-first grl-last
# Environment: TAG (default: the GPU's short name, e.g. h200) names the runs; SECONDS_EACH caps each part's plan run
# (default 120). Run from the repository root on the GPU host.
set -uo pipefail
cd "$(dirname "$0")/../.."
OUT="${OUT:?OUT must be set}"
match="${1:?GPU_MATCH, e.g. H200}"; shift
parts=("$@"); [ ${#parts[@]} -eq 0 ] && parts=(ro-first ro-last gr-last grl-first grl-last)
for part in "${parts[@]}"; do  # every part named right before anything runs
  case "$part" in ro-first | ro-last | gr-last | grl-first | grl-last) ;;
    *) echo "device_tables: unknown part '$part' (ro-first ro-last gr-last grl-first grl-last)" >&2; exit 2 ;; esac
done
gpu=$(nvidia-smi --query-gpu=name --format=csv,noheader | head -1)
case "$gpu" in *"$match"*) ;; *) echo "device_tables: this card is '$gpu', not $match: running nothing"; exit 0 ;; esac
tag="${TAG:-$(echo "$match" | tr 'A-Z' 'a-z')}"; each="${SECONDS_EACH:-120}"
W=$(mktemp -d)
for part in "${parts[@]}"; do
  case "$part" in
    ro-first) plan=calibrate/plans/remainder-ops-hopper.json; args="--partition-side first" ;;
    ro-last) plan=calibrate/plans/remainder-ops-hopper.json; args="--partition-side last" ;;
    gr-last) plan=calibrate/plans/gemm-rows-hopper.json; args="--kernel-names --partition-side last" ;;
    grl-first) plan=calibrate/plans/gemm-rows-llama-hopper.json; args="--kernel-names --partition-side first" ;;
    grl-last) plan=calibrate/plans/gemm-rows-llama-hopper.json; args="--kernel-names --partition-side last" ;;
  esac
  mkdir -p "$W/$part"
  # No smoke pass (/dev/null as the partial): these plans hold no experiment of the smoke list; every op is still
  # checked against its reference before it is timed.
  OUT="$W/$part" DUET_RUNNER_ARGS="$args" bash cuda/reference/device_reference.sh "$plan" "$tag-$part" "$each" /dev/null >"$W/$part/outer.log" 2>&1
  tar -C "$W" -cJf "$OUT/$part.tar.xz" "$part"
  tail -3 "$W/$part/summary.txt" 2>/dev/null | sed "s/^/$part: /"
done
