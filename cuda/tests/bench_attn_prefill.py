#!/usr/bin/env python3
"""PyTorch baselines for the prefill attention kernel (cuda/kernels/attn_prefill.cu).

Times, on the shapes that cuda/tests/test_attn_prefill.cu times, every way PyTorch
offers to compute the same function: causal attention of a chunk of `new` tokens
placed after `cached` tokens (query i at absolute position cached + i, the
lower-right causal mask), bf16, GQA, head dim 128, several sequences.

- `sdpa`: torch.nn.functional.scaled_dot_product_attention with enable_gqa, one
  call per sequence, with is_causal when nothing is cached and the
  causal_lower_right bias otherwise (is_causal alone is upper-left aligned, which is
  a different, smaller computation when cached > 0). Run with PyTorch's own backend
  choice, then restricted to flash and to cuDNN (the restriction is entered once,
  outside the timed calls, so its Python cost is not timed).
- `flash-varlen`: aten._flash_attention_forward with cumulative sequence lengths,
  the FlashAttention-2 kernel SDPA's flash backend calls, all sequences in one
  launch like ours (its causal mask is lower-right aligned).

Every baseline's output is first checked against a float32 reference so that the
timed call is known to compute our function. Timing: CUDA events around each call,
3 warm-up calls, median (and p10/p90) of 20. Output: a table on stdout and JSON at
the path given as the first argument (optional).

Usage: python3 cuda/tests/bench_attn_prefill.py [out.json]
"""
import contextlib
import json
import math
import sys
import warnings
from itertools import accumulate

import torch
import torch.nn.functional as F
from torch.nn.attention import SDPBackend, sdpa_kernel
from torch.nn.attention.bias import causal_lower_right

HEAD_DIM = 128
WARMUP = 3
REPS = 20
REL_ERR_LIMIT = 1e-2

# Keep in step with kTimedCases in cuda/tests/test_attn_prefill.cu.
SHAPES = [
    ("1x2048 c0", 32, 8, [(2048, 0)]),
    ("1x512 c1024", 32, 8, [(512, 1024)]),
    ("3 seqs", 32, 8, [(300, 0), (77, 1000), (1000, 45)]),
    ("1x8192 c0", 32, 8, [(8192, 0)]),
    ("8x1024 c0", 32, 8, [(1024, 0)] * 8),
]


def causal_flops(hq, seqs):
    return sum(4.0 * hq * HEAD_DIM * (q * c + q * q / 2.0) for q, c in seqs)


def time_us(fn):
    for _ in range(WARMUP):
        fn()
    torch.cuda.synchronize()
    times = []
    for _ in range(REPS):
        start = torch.cuda.Event(enable_timing=True)
        end = torch.cuda.Event(enable_timing=True)
        start.record()
        fn()
        end.record()
        end.synchronize()
        times.append(start.elapsed_time(end) * 1000.0)
    times.sort()
    pick = lambda f: times[min(len(times) - 1, int(f * len(times)))]
    return {"median_us": times[len(times) // 2], "p10_us": pick(0.1), "p90_us": pick(0.9)}


def reference(q, k, v, cached, scale):
    """float32 attention of q [1,hq,n,d] over k,v [1,hkv,cached+n,d], lower-right causal."""
    hq, n = q.shape[1], q.shape[2]
    group = hq // k.shape[1]
    kv_len = k.shape[2]
    allowed = torch.arange(kv_len, device=q.device)[None, :] <= (cached + torch.arange(n, device=q.device))[:, None]
    out = torch.empty(q.shape, dtype=torch.float32, device=q.device)
    for h in range(hq):  # one head at a time keeps the n x kv_len score matrix small
        s = (q[0, h].float() @ k[0, h // group].float().T) * scale
        s = s.masked_fill(~allowed, float("-inf"))
        out[0, h] = torch.softmax(s, dim=-1) @ v[0, h // group].float()
    return out


def rel_err(out, ref):
    out = out.float()
    if not torch.isfinite(out).all():
        return float("nan")
    return ((out - ref).norm() / ref.norm()).item()


def main():
    warnings.simplefilter("ignore")  # per-call backend warnings would also cost host time inside the timings
    out_path = sys.argv[1] if len(sys.argv) > 1 else None
    torch.manual_seed(20261127)
    dev = torch.device("cuda")
    props = torch.cuda.get_device_properties(dev)
    meta = {"gpu": props.name, "sm_count": props.multi_processor_count, "torch": torch.__version__,
            "cuda": torch.version.cuda, "cudnn": torch.backends.cudnn.version()}
    print(json.dumps(meta))
    scale = 1.0 / math.sqrt(HEAD_DIM)
    results = []
    for name, hq, hkv, seqs in SHAPES:
        qs = [torch.randn(1, hq, n, HEAD_DIM, device=dev, dtype=torch.bfloat16) for n, _ in seqs]
        ks = [torch.randn(1, hkv, c + n, HEAD_DIM, device=dev, dtype=torch.bfloat16) for n, c in seqs]
        vs = [torch.randn(1, hkv, c + n, HEAD_DIM, device=dev, dtype=torch.bfloat16) for n, c in seqs]
        masks = [None if c == 0 else causal_lower_right(n, c + n) for n, c in seqs]
        # Check against the first sequence only when it is small enough to be quick.
        check_ref = reference(qs[0], ks[0], vs[0], seqs[0][1], scale) if seqs[0][0] <= 2048 else None

        def sdpa_all():
            return [F.scaled_dot_product_attention(q, k, v, attn_mask=m, is_causal=m is None, scale=scale,
                                                   enable_gqa=True)
                    for q, k, v, m in zip(qs, ks, vs, masks)]

        # label -> (backends SDPA may use or None for its own choice, function)
        variants = {"sdpa": (None, sdpa_all),
                    "sdpa-flash": ([SDPBackend.FLASH_ATTENTION], sdpa_all),
                    "sdpa-cudnn": ([SDPBackend.CUDNN_ATTENTION], sdpa_all)}

        # Varlen layout: [tokens, heads, dim], all sequences back to back.
        q_var = torch.cat([q[0].transpose(0, 1) for q in qs]).contiguous()
        k_var = torch.cat([k[0].transpose(0, 1) for k in ks]).contiguous()
        v_var = torch.cat([v[0].transpose(0, 1) for v in vs]).contiguous()
        cu_q = torch.tensor(list(accumulate([n for n, _ in seqs], initial=0)), dtype=torch.int32, device=dev)
        cu_k = torch.tensor(list(accumulate([n + c for n, c in seqs], initial=0)), dtype=torch.int32, device=dev)
        max_q = max(n for n, _ in seqs)
        max_k = max(n + c for n, c in seqs)

        def flash_varlen():
            out = torch.ops.aten._flash_attention_forward(q_var, k_var, v_var, cu_q, cu_k, max_q, max_k, 0.0, True,
                                                          False, scale=scale)[0]
            return [out[: seqs[0][0]].transpose(0, 1).unsqueeze(0)]

        variants["flash-varlen"] = (None, flash_varlen)

        flops = causal_flops(hq, seqs)
        for label, (backends, fn) in variants.items():
            row = {"shape": name, "hq": hq, "hkv": hkv, "seqs": seqs, "baseline": label, "flops": flops}
            try:
                with sdpa_kernel(backends) if backends else contextlib.nullcontext():
                    first = fn()[0]
                    torch.cuda.synchronize()
                    if check_ref is not None:
                        row["rel_err"] = rel_err(first, check_ref)
                        row["check_passed"] = row["rel_err"] <= REL_ERR_LIMIT
                    row.update(time_us(fn))
                row["tflops"] = flops / (row["median_us"] * 1e-6) / 1e12
            except Exception as exc:  # a backend that refuses these inputs is reported, not fatal
                row["error"] = f"{type(exc).__name__}: {str(exc).splitlines()[0][:160]}"
            results.append(row)
        del qs, ks, vs, q_var, k_var, v_var, check_ref
        torch.cuda.empty_cache()

    print(f"{'shape':<13} {'baseline':<15} {'median_us':>10} {'TFLOP/s':>8} {'rel_err':>9} check")
    for r in results:
        if "error" in r:
            print(f"{r['shape']:<13} {r['baseline']:<15} {'-':>10} {'-':>8} {'-':>9} {r['error']}")
            continue
        err = f"{r['rel_err']:.2e}" if "rel_err" in r else "-"
        ok = ("ok" if r["check_passed"] else "FAIL") if "rel_err" in r else "not checked"
        print(f"{r['shape']:<13} {r['baseline']:<15} {r['median_us']:>10.1f} {r['tflops']:>8.1f} {err:>9} {ok}")
    if out_path:
        with open(out_path, "w") as f:
            json.dump({"meta": meta, "results": results}, f, indent=1)


if __name__ == "__main__":
    main()
