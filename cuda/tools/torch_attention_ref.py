#!/usr/bin/env python3
"""PyTorch reference timings for the attention shapes of a measurement plan.

For every attn_prefill and attn_decode experiment of the plan (shapes deduplicated, whole GPU only,
as PyTorch cannot be confined to a partition here) this times
  prefill: torch.nn.functional.scaled_dot_product_attention, bf16, causal; a chunk with cached
           context uses the lower-right causal mask (query i sees keys 0..cached+i), GQA through
           enable_gqa=True (or repeated K/V where a backend refuses it); several chunks are run one
           after another (PyTorch has no varlen SDPA), timed as one.
  decode:  SDPA with one query per sequence over its whole context, enable_gqa=True.
Contiguous K/V (PyTorch's own layout), not our paged cache. Inputs rotate through enough sets to
exceed 3x L2, as the runner does. Median of CUDA-event timings.

Writes {"meta": {...}, "results": [{shape, baseline, hq, hkv, seqs: [[new, cached], ...],
median_us | error}]} (the format calibrate/parse-torch-ref.ts reads).

usage: torch_attention_ref.py PLAN.json OUT.json [--repeats N]
"""
import argparse
import json
import math
import statistics
import sys

import torch
import torch.nn.functional as F


def time_us(fn, sets, repeats, warmup=3):
    for i in range(warmup):
        fn(sets[i % len(sets)])
    torch.cuda.synchronize()
    samples = []
    for i in range(repeats):
        start, stop = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        start.record()
        fn(sets[i % len(sets)])
        stop.record()
        stop.synchronize()
        samples.append(start.elapsed_time(stop) * 1000.0)
    return statistics.median(samples)


def n_sets(bytes_per_set, l2):
    return max(1, min(16, math.ceil(3 * l2 / max(bytes_per_set, 1))))


def sdpa_chunk(q, k, v, cached, hq, hkv, backend):
    """q [1, hq, new, dh]; k, v [1, hkv, cached+new, dh]."""
    new = q.shape[2]
    if cached == 0:
        return F.scaled_dot_product_attention(q, k, v, is_causal=True, enable_gqa=True)
    from torch.nn.attention.bias import causal_lower_right
    rep = hq // hkv
    kk = k.repeat_interleave(rep, dim=1) if backend == "repeat" else k
    vv = v.repeat_interleave(rep, dim=1) if backend == "repeat" else v
    mask = causal_lower_right(new, cached + new)
    if backend == "repeat":
        return F.scaled_dot_product_attention(q, kk, vv, attn_mask=mask)
    return F.scaled_dot_product_attention(q, kk, vv, attn_mask=mask, enable_gqa=True)


def prefill_case(hq, hkv, chunks, repeats, l2):
    dev, dt = "cuda", torch.bfloat16
    per_set = sum((c[0] * hq + 2 * (c[0] + c[1]) * hkv) * 128 * 2 for c in chunks)
    sets = []
    for _ in range(n_sets(per_set, l2)):
        s = []
        for new, cached in chunks:
            s.append((torch.randn(1, hq, new, 128, device=dev, dtype=dt),
                      torch.randn(1, hkv, cached + new, 128, device=dev, dtype=dt),
                      torch.randn(1, hkv, cached + new, 128, device=dev, dtype=dt), cached))
        sets.append(s)
    errors = []
    for backend in ("gqa", "repeat"):
        try:
            def run(s, backend=backend):
                for q, k, v, cached in s:
                    sdpa_chunk(q, k, v, cached, hq, hkv, backend)
            return "sdpa-" + backend, time_us(run, sets, repeats), None
        except Exception as e:  # a backend refusing a shape is a result too
            errors.append(f"{backend}: {str(e).splitlines()[0]}")
    return "sdpa", None, "; ".join(errors)


def decode_case(hq, hkv, contexts, repeats, l2):
    dev, dt = "cuda", torch.bfloat16
    if len(set(contexts)) != 1:
        return "sdpa-gqa-decode", None, "ragged decode contexts are not timed (SDPA needs one length per batch)"
    b, ctx = len(contexts), contexts[0]
    per_set = (b * hq + 2 * b * hkv * ctx) * 128 * 2
    sets = [(torch.randn(b, hq, 1, 128, device=dev, dtype=dt),
             torch.randn(b, hkv, ctx, 128, device=dev, dtype=dt),
             torch.randn(b, hkv, ctx, 128, device=dev, dtype=dt)) for _ in range(n_sets(per_set, l2))]
    try:
        t = time_us(lambda s: F.scaled_dot_product_attention(*s, enable_gqa=True), sets, repeats)
        return "sdpa-gqa-decode", t, None
    except Exception as e:
        return "sdpa-gqa-decode", None, str(e).splitlines()[0]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("plan")
    ap.add_argument("out")
    ap.add_argument("--repeats", type=int, default=20)
    a = ap.parse_args()
    plan = json.load(open(a.plan))
    props = torch.cuda.get_device_properties(0)
    sms, l2 = props.multi_processor_count, props.L2_cache_size
    seen, results = set(), []
    for e in plan["experiments"]:
        if e.get("kind") != "op" or e.get("op") not in ("attn_prefill", "attn_decode"):
            continue
        if e["op"] == "attn_prefill":
            seqs = [[c["new"], c.get("cached", 0)] for c in e["chunks"]]
        else:
            seqs = [[1, c - 1] for c in e["contexts"]]
        key = (e["op"], e["hq"], e["hkv"], json.dumps(seqs))
        if key in seen:
            continue
        seen.add(key)
        if e["op"] == "attn_prefill":
            baseline, t, err = prefill_case(e["hq"], e["hkv"], seqs, a.repeats, l2)
            shape = "prefill " + ",".join(f"{n}+{c}" for n, c in seqs)
        else:
            baseline, t, err = decode_case(e["hq"], e["hkv"], e["contexts"], a.repeats, l2)
            shape = f"decode {len(seqs)}x{e['contexts'][0]}"
        row = {"shape": shape, "op": e["op"], "baseline": baseline, "hq": e["hq"], "hkv": e["hkv"], "seqs": seqs}
        if err is None:
            row["median_us"] = round(t, 3)
        else:
            row["error"] = err
        results.append(row)
        print(f"{shape} hq={e['hq']} hkv={e['hkv']} {baseline}: {row.get('median_us', err)}", file=sys.stderr)
        torch.cuda.empty_cache()
    meta = {"gpu": props.name, "sm_count": sms, "torch": torch.__version__, "cuda": torch.version.cuda,
            "repeats": a.repeats}
    json.dump({"meta": meta, "results": results}, open(a.out, "w"), indent=1)


if __name__ == "__main__":
    main()
