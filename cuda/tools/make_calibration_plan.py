#!/usr/bin/env python3
"""Writes the Hopper calibration plan (calibrate/plans/calibration-hopper.json) and prints a runtime
estimate. Deterministic: the same script gives the same file.

The grid (cuda/README.md says why each part is there):
  ceilings      gemm 8192^3 and a 2 GiB copy on every SM count a 132-SM Hopper split can make
                (8..120 by 8, then 124 and 132: 128 is not a sum of the split's groups)
  ops           every GEMM and elementwise op of Qwen3-8B/14B at n in {1,16,64,256,1024,4096}
                (the LM head only up to 256: it sees one row per sequence);
                prefill attention (new x cached) and decode attention (count x context);
                all on SMs {24,48,72,96,132}
  forwards      both models, prefill-only, decode-only and mixed batches, SMs {24,48,64,96,132}
  concurrent    Qwen3-8B prefill on 32..96 SMs (by 16) beside decode on the rest, k in {1,4}
Ordered by priority (ceilings, ops, Qwen3-8B forwards, concurrent pairs, Qwen3-14B forwards), so a run
cut short still has the most needed parts; `duet_runner --resume` finishes it.

usage: make_calibration_plan.py OUT.json
"""
import json
import sys

MODELS = {
    # Published configs (Qwen/Qwen3-8B and Qwen/Qwen3-14B config.json; /work/shared/DESIGN.md table).
    "qwen3-8b": {"numLayers": 36, "hiddenSize": 4096, "numQHeads": 32, "numKvHeads": 8, "headDim": 128,
                 "ffnSize": 12288, "vocabSize": 151936, "qkNorm": True},
    "qwen3-14b": {"numLayers": 40, "hiddenSize": 5120, "numQHeads": 40, "numKvHeads": 8, "headDim": 128,
                  "ffnSize": 17408, "vocabSize": 151936, "qkNorm": True},
}
CEILING_SMS = list(range(8, 121, 8)) + [124, 132]
OP_SMS = [24, 48, 72, 96, 132]
OP_TOKENS = [1, 16, 64, 256, 1024, 4096]
PREFILL_NEW = [128, 512, 2048, 4096]
PREFILL_CACHED = [0, 2048]
DECODE_COUNT = [1, 16, 64, 128]
DECODE_CONTEXT = [512, 2048, 8192]
FORWARD_SMS = [24, 48, 64, 96, 132]
REPEATS, WARMUP = 8, 1


def forward_batches():
    out = []
    for n in (512, 2048, 4096):
        out.append((f"p{n}", {"prefills": [{"new": n, "cached": 0}]}))
    out.append(("p2048+1024c2048", {"prefills": [{"new": 2048, "cached": 0}, {"new": 1024, "cached": 2048}]}))
    for count in (8, 32, 64, 128):
        for ctx in (1024, 4096):
            out.append((f"d{count}x{ctx}", {"decodes": {"count": count, "context": ctx}}))
    for chunk in (512, 2048):
        for count in (32, 64):
            out.append((f"p{chunk}+d{count}x2048",
                        {"prefills": [{"new": chunk, "cached": 0}], "decodes": {"count": count, "context": 2048}}))
    return out


def experiments():
    ex = []
    for s in CEILING_SMS:
        ex.append({"id": f"ceil-gemm-{s}", "kind": "ceiling_gemm", "sms": s, "m": 8192, "n": 8192, "k": 8192})
        ex.append({"id": f"ceil-bw-{s}", "kind": "ceiling_bandwidth", "sms": s, "bytes": 2147483648})
    for key, m in MODELS.items():
        h, hq, hkv, dh, f, v = (m["hiddenSize"], m["numQHeads"], m["numKvHeads"], m["headDim"], m["ffnSize"],
                                m["vocabSize"])
        gemms = {"qkv": (h, (hq + 2 * hkv) * dh), "o": (hq * dh, h), "gateup": (h, 2 * f), "down": (f, h),
                 "lmhead": (h, v)}
        ew = {"add_rmsnorm": h, "rope": (hq + hkv) * dh, "qk_norm": (hq + hkv) * dh, "silu_mul": f}
        for s in OP_SMS:
            for n in OP_TOKENS:
                for name, (d_in, d_out) in gemms.items():
                    if name == "lmhead" and n > 256:
                        continue  # the LM head sees one row per sequence: batches, not chunks
                    ex.append({"id": f"gemm-{key}-{name}-n{n}-s{s}", "kind": "op", "op": "gemm", "sms": s, "n": n,
                               "d_in": d_in, "d_out": d_out})
                for which, dim in ew.items():
                    ex.append({"id": f"ew-{key}-{which}-n{n}-s{s}", "kind": "op", "op": "elementwise",
                               "which": which, "sms": s, "n": n, "dim": dim})
            for new in PREFILL_NEW:
                for cached in PREFILL_CACHED:
                    ex.append({"id": f"ap-{key}-{new}c{cached}-s{s}", "kind": "op", "op": "attn_prefill", "sms": s,
                               "hq": hq, "hkv": hkv, "dh": dh, "chunks": [{"new": new, "cached": cached}]})
            for count in DECODE_COUNT:
                for ctx in DECODE_CONTEXT:
                    ex.append({"id": f"ad-{key}-{count}x{ctx}-s{s}", "kind": "op", "op": "attn_decode", "sms": s,
                               "hq": hq, "hkv": hkv, "dh": dh, "contexts": [ctx] * count})
    def forwards(key):
        for s in FORWARD_SMS:
            for name, batch in forward_batches():
                if name == "p4096" and s == min(FORWARD_SMS):
                    continue  # the slowest forward of the grid; 24 SMs is covered by p2048 and the two-chunk batch
                ex.append({"id": f"fw-{key}-{name}-s{s}", "kind": "forward", "model": key, "sms": s, "batch": batch})
    forwards("qwen3-8b")
    for p in range(32, 97, 16):
        for count in (32, 64):
            for k in (1, 4):
                ex.append({"id": f"cc-qwen3-8b-p{p}-d{132 - p}-{count}x2048-k{k}", "kind": "concurrent",
                           "model": "qwen3-8b",
                           "prefill": {"sms": p, "batch": {"prefills": [{"new": 2048, "cached": 0}]}},
                           "decode": {"sms": 132 - p, "batch": {"decodes": {"count": count, "context": 2048}},
                                      "k": k}})
    forwards("qwen3-14b")
    return ex


# --- runtime estimate (seconds): ~3.9 TFLOP/s per SM for a whole prefill forward (the H100 smoke run,
# calibrate/data/h100-sxm-2026-11-27/smoke-runner.jsonl: 544 tokens of Qwen3-8B in 17.1 ms on 132 SMs),
# bandwidth ~3e12 B/s saturating near 56 SMs (hardware-notes); plus a fixed cost per experiment.
def rate_flops(s):
    return 3.9e12 * s


def rate_bytes(s):
    return min(3.0e12, 55e9 * s)


def params(m):
    h, hq, hkv, dh, f = m["hiddenSize"], m["numQHeads"], m["numKvHeads"], m["headDim"], m["ffnSize"]
    return m["numLayers"] * (h * (hq + 2 * hkv) * dh + hq * dh * h + 3 * h * f) + h * m["vocabSize"]


def forward_s(m, batch, s):
    n = sum(c["new"] for c in batch.get("prefills", []))
    d = batch.get("decodes", {})
    n += d.get("count", 0)
    kv = (sum(c["new"] + c["cached"] for c in batch.get("prefills", [])) + d.get("count", 0) * d.get("context", 0))
    kv_bytes = kv * m["numKvHeads"] * 128 * 4 * m["numLayers"]
    return max(2 * params(m) * n / rate_flops(s), (2 * params(m) + kv_bytes) / rate_bytes(s))


def estimate(ex):
    total = 0.0
    for e in ex:
        reps = REPEATS + WARMUP
        if e["kind"] == "ceiling_gemm":
            total += (2 * 8192 ** 3 / rate_flops(e["sms"])) * (reps + 5) + 0.1
        elif e["kind"] == "ceiling_bandwidth":
            total += (e["bytes"] / rate_bytes(e["sms"])) * (reps + 5) + 0.1
        elif e["kind"] == "op":
            total += 0.06 + reps * 300e-6 * 2
            if e["op"] == "gemm":
                total += (2 * e["n"] * e["d_in"] * e["d_out"] / rate_flops(e["sms"])) * (reps + 5)
            elif e["op"] == "attn_prefill":
                c = e["chunks"][0]
                total += 0.3 + 4 * e["hq"] * c["new"] * (c["new"] / 2 + c["cached"]) * 128 / (0.6 * rate_flops(e["sms"])) * (reps + 5)
            elif e["op"] == "attn_decode":
                total += 0.05 * len(e["contexts"]) ** 0 + 1e-9 * sum(e["contexts"]) * e["hq"] * 256 / 4
        elif e["kind"] == "forward":
            m = MODELS[e["model"]]
            total += 0.3 + forward_s(m, e["batch"], e["sms"]) * (reps + 3)
        else:
            m = MODELS[e["model"]]
            tp = forward_s(m, e["prefill"]["batch"], e["prefill"]["sms"])
            td = forward_s(m, e["decode"]["batch"], e["decode"]["sms"]) * e["decode"]["k"]
            total += 1.0 + (tp + td) * 2 * reps + reps * 0.002
    return total


def main():
    ex = experiments()
    plan = {"version": 1, "models": MODELS, "repeats": REPEATS, "warmup": WARMUP, "experiments": ex}
    with open(sys.argv[1], "w") as f:
        f.write('{"version":1,\n "models":' + json.dumps(MODELS, separators=(",", ":")) + ',\n "repeats":' +
                str(REPEATS) + ',"warmup":' + str(WARMUP) + ',\n "experiments":[\n')
        f.write(",\n".join("  " + json.dumps(e, separators=(",", ":")) for e in ex))
        f.write("\n ]}\n")
    kinds = {}
    for e in ex:
        kinds[e["kind"]] = kinds.get(e["kind"], 0) + 1
    print(f"{len(ex)} experiments {kinds}; estimated {estimate(ex) / 60:.1f} min", file=sys.stderr)
    for k in ("ceiling_gemm", "ceiling_bandwidth", "op", "forward", "concurrent"):
        print(f"  {k}: {estimate([e for e in ex if e['kind'] == k]):.0f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
