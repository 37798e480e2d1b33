#!/usr/bin/env python3
"""Kernel-quality tables (markdown) from a calibration JSONL and its PyTorch reference file.

Achieved rates are counted the way the latency model counts work (/work/shared/DESIGN.md):
  gemm          2*n*d_in*d_out FLOPs; bytes (n*d_in + d_in*d_out + n*d_out)*2
  elementwise   bytes read + written (add_rmsnorm 4 rows incl. the residual write-back, rope 2,
                qk_norm 2, silu_mul 3 rows of dim)
  attn_decode   K and V bytes of every context: count*context*hkv*128*2*2
  attn_prefill  causal FLOPs 4*hq*new*(new/2 + cached)*128
and compared with the measured ceilings (ceil-gemm-S, ceil-bw-S) on the same SM count.

usage: kernel_quality.py RESULTS.jsonl TORCH.json [SAME_GPU_OTHER_RUN.jsonl]
(the third file, a second run on the same kind of GPU, adds a run-to-run repeatability line)
"""
import json
import statistics
import sys


def load(path):
    recs = [json.loads(l) for l in open(path) if l.strip()]
    return recs[0], {r["id"]: r for r in recs[1:]}


# Model shapes, as in calibrate/plans/calibration-hopper.json.
MODELS = {
    "qwen3-8b": {"numLayers": 36, "hiddenSize": 4096, "numQHeads": 32, "numKvHeads": 8, "ffnSize": 12288,
                 "vocabSize": 151936},
    "qwen3-14b": {"numLayers": 40, "hiddenSize": 5120, "numQHeads": 40, "numKvHeads": 8, "ffnSize": 17408,
                  "vocabSize": 151936},
}


def params(m):
    h, hq, hkv, f = m["hiddenSize"], m["numQHeads"], m["numKvHeads"], m["ffnSize"]
    return m["numLayers"] * (h * (hq + 2 * hkv) * 128 + hq * 128 * h + 3 * h * f) + h * m["vocabSize"]


def ceil_at(by, kind, sms):
    r = by.get(f"ceil-{kind}-{sms}")
    if r is None:
        return None
    return r["flops_per_s"] if kind == "gemm" else r["bytes_per_s"]


def ew_bytes(r):
    rows = {"add_rmsnorm": 4, "rope": 2, "qk_norm": 2, "silu_mul": 3}[r["which"]]
    return rows * r["n"] * r["dim"] * 2


def main():
    meta, by = load(sys.argv[1])
    torch = json.load(open(sys.argv[2]))
    tref = {(t["op"], t["hq"], json.dumps(t["seqs"])): t for t in torch["results"]}
    print(f"GPU: {meta['gpu']}, {meta['sm_count']} SMs, driver {meta['driver']}, CUDA {meta['cuda_runtime']}; "
          f"PyTorch {torch['meta']['torch']}\n")

    print("Ceilings (cuBLASLt bf16 8192^3 GEMM; 2 GiB device copy, bytes read + written):\n")
    print("| SMs | GEMM TFLOP/s | copy TB/s |\n|---:|---:|---:|")
    for s in (8, 16, 24, 32, 48, 64, 72, 96, 120, 124, 132):
        g, b = ceil_at(by, "gemm", s), ceil_at(by, "bw", s)
        if g and b:
            print(f"| {s} | {g / 1e12:.0f} | {b / 1e12:.2f} |")

    print("\nGEMM (Qwen3-8B shapes): n=4096 as share of the GEMM ceiling, n=1 as share of the copy ceiling:\n")
    print("| shape | SMs | n=4096 TFLOP/s | % ceiling | n=1 TB/s | % ceiling |\n|---|---:|---:|---:|---:|---:|")
    for name in ("qkv", "o", "gateup", "down"):
        for s in (24, 48, 96, 132):
            big, one = by.get(f"gemm-qwen3-8b-{name}-n4096-s{s}"), by.get(f"gemm-qwen3-8b-{name}-n1-s{s}")
            if not big or not one:
                continue
            f = 2 * big["n"] * big["d_in"] * big["d_out"] / (big["median_us"] * 1e-6)
            b = (one["d_in"] + one["d_in"] * one["d_out"] + one["d_out"]) * 2 / (one["median_us"] * 1e-6)
            print(f"| {name} {big['d_in']}x{big['d_out']} | {s} | {f / 1e12:.0f} | {100 * f / ceil_at(by, 'gemm', s):.0f}% "
                  f"| {b / 1e12:.2f} | {100 * b / ceil_at(by, 'bw', s):.0f}% |")

    print("\nElementwise kernels (Qwen3-8B, n=4096 tokens), bandwidth as share of the copy ceiling:\n")
    print("| kernel | SMs | µs | TB/s | % ceiling |\n|---|---:|---:|---:|---:|")
    for which in ("add_rmsnorm", "rope", "qk_norm", "silu_mul"):
        for s in (24, 132):
            r = by.get(f"ew-qwen3-8b-{which}-n4096-s{s}")
            if r:
                b = ew_bytes(r) / (r["median_us"] * 1e-6)
                print(f"| {which} | {s} | {r['median_us']:.1f} | {b / 1e12:.2f} | {100 * b / ceil_at(by, 'bw', s):.0f}% |")

    print("\nDecode attention (ours: paged cache, CUDA graph; PyTorch: SDPA enable_gqa on contiguous K/V, eager, "
          "whole GPU):\n")
    print("| model | seqs x context | SMs | ours µs | TB/s | % copy ceiling | PyTorch µs | ours / PyTorch |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for key in ("qwen3-8b", "qwen3-14b"):
        for count in (1, 16, 64, 128):
            for ctx in (512, 2048, 8192):
                for s in (48, 132):
                    r = by.get(f"ad-{key}-{count}x{ctx}-s{s}")
                    if not r:
                        continue
                    b = count * ctx * r["hkv"] * 128 * 4 / (r["median_us"] * 1e-6)
                    t = tref.get(("attn_decode", r["hq"], json.dumps([[1, c - 1] for c in r["contexts"]])), {})
                    tu = t.get("median_us") if s == 132 else None
                    ratio = f"{r['median_us'] / tu:.2f}" if tu else ""
                    print(f"| {key} | {count} x {ctx} | {s} | {r['median_us']:.1f} | {b / 1e12:.2f} | "
                          f"{100 * b / ceil_at(by, 'bw', s):.0f}% | {tu if tu else ''} | {ratio} |")

    print("\nPrefill attention (cuda/kernels/attn_prefill.cu, written by another engineer; PyTorch SDPA "
          "flash path, lower-right causal mask when cached > 0):\n")
    print("| model | new + cached | SMs | ours µs | TFLOP/s | % GEMM ceiling | PyTorch µs | ours / PyTorch |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for key in ("qwen3-8b", "qwen3-14b"):
        for new in (128, 512, 2048, 4096):
            for cached in (0, 2048):
                for s in (48, 132):
                    r = by.get(f"ap-{key}-{new}c{cached}-s{s}")
                    if not r:
                        continue
                    f = 4 * r["hq"] * new * (new / 2 + cached) * 128 / (r["median_us"] * 1e-6)
                    t = tref.get(("attn_prefill", r["hq"], json.dumps([[new, cached]])), {})
                    tu = t.get("median_us") if s == 132 else None
                    ratio = f"{r['median_us'] / tu:.2f}" if tu else ""
                    print(f"| {key} | {new} + {cached} | {s} | {r['median_us']:.1f} | {f / 1e12:.0f} | "
                          f"{100 * f / ceil_at(by, 'gemm', s):.0f}% | {tu if tu else ''} | {ratio} |")

    print("\nConcurrent pairs (Qwen3-8B, prefill 2048 tokens beside decodes at context 2048): slowdown = "
          "together / alone, medians:\n")
    print("| prefill SMs | decode SMs | decodes | k | decode alone µs | decode slowdown | prefill alone µs | "
          "prefill slowdown | SMs disjoint |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for r in by.values():
        if r.get("kind") != "concurrent":
            continue
        d = r["decode"]
        print(f"| {r['prefill']['sms']} | {d['sms']} | {d['batch']['decodes']['count']} | {d['k']} | "
              f"{r['decode_alone_us']:.0f} | {r['decode_concurrent_us'] / r['decode_alone_us']:.2f} | "
              f"{r['prefill_alone_us']:.0f} | {r['prefill_concurrent_us'] / r['prefill_alone_us']:.2f} | "
              f"{r['smids_disjoint']} ({r['prefill_smid_count']}+{r['decode_smid_count']}) |")

    print("\nWhole forwards (CUDA graph replay; decode-only as HBM bytes of weights + KV cache over time, "
          "prefill-only as 2*params*tokens + causal attention FLOPs over time):\n")
    print("| model | batch | SMs | ms | achieved | % ceiling | eager / graph |\n|---|---|---:|---:|---:|---:|---:|")
    for r in by.values():
        if r.get("kind") != "forward" or r["sms"] not in (48, 132):
            continue
        m = MODELS[r["model"]]
        b = r["batch"]
        name = r["id"].split("-")[3]
        if "prefills" not in b:
            d = b["decodes"]
            byts = 2 * params(m) + d["count"] * d["context"] * m["numKvHeads"] * 128 * 4 * m["numLayers"]
            rate = byts / (r["median_us"] * 1e-6)
            print(f"| {r['model']} | {name} | {r['sms']} | {r['median_us'] / 1e3:.2f} | {rate / 1e12:.2f} TB/s | "
                  f"{100 * rate / ceil_at(by, 'bw', r['sms']):.0f}% | {r['eager_median_us'] / r['median_us']:.2f} |")
        elif "decodes" not in b:
            toks = sum(c["new"] for c in b["prefills"])
            attn = sum(4 * m["numQHeads"] * c["new"] * (c["new"] / 2 + c["cached"]) * 128 for c in b["prefills"])
            flops = 2 * params(m) * toks + attn * m["numLayers"]
            rate = flops / (r["median_us"] * 1e-6)
            print(f"| {r['model']} | {name} | {r['sms']} | {r['median_us'] / 1e3:.2f} | {rate / 1e12:.0f} TFLOP/s | "
                  f"{100 * rate / ceil_at(by, 'gemm', r['sms']):.0f}% | {r['eager_median_us'] / r['median_us']:.2f} |")

    fails = [r["id"] for r in by.values() if "check" in r and not r["check"]["passed"]]
    errs = [r["check"]["rel_err"] for r in by.values() if "check" in r]
    print(f"\nOp checks: {len(errs)} run, {len(fails)} failed, largest rel_err {max(errs):.2e} "
          f"(threshold 1e-2).")
    smid_bad = [r["id"] for r in by.values() if r.get("kind") == "forward" and not r["smids_ok"]]
    print(f"Forwards whose %smid set exceeded the partition: {len(smid_bad)}.")

    if len(sys.argv) > 3:
        _, other = load(sys.argv[3])
        diffs = []
        for i, r in by.items():
            o = other.get(i)
            if o and "median_us" in r and "median_us" in o:
                diffs.append(abs(r["median_us"] - o["median_us"]) / r["median_us"])
        diffs.sort()
        print(f"\nRun-to-run repeatability against {sys.argv[3].split('/')[-1]} ({len(diffs)} experiments): "
              f"|difference| / median: median {100 * statistics.median(diffs):.2f}%, "
              f"90th percentile {100 * diffs[int(0.9 * len(diffs))]:.2f}%, max {100 * diffs[-1]:.1f}%.")


if __name__ == "__main__":
    main()
