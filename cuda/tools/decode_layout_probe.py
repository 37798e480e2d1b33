#!/usr/bin/env python3
"""Is cuDNN's decode-attention lead on small partitions its kernel or its K/V layout? (issue 11; cuda/NOTES.md)

The reference plan times PyTorch SDPA decode on dense K/V ([batch, kv head, token, dim]: each head's keys
contiguous). A paged server cache (vLLM's, ours: [block, token, kv head, dim]) puts a head's consecutive
tokens one row of all kv heads apart (2 KB for 8 heads of 128 bf16). This times cuDNN and FlashAttention
SDPA decode on both layouts (the paged-like one as a strided view, same bytes) on green-context partitions,
CUDA graphs, after checking each output against the dense result. One JSON line per (SMs, layout, backend).

usage: decode_layout_probe.py OUT.jsonl [SMS,...]
"""
import json
import statistics
import sys

import torch

sys.path.insert(0, __import__("os").path.join(__import__("os").path.dirname(__file__), "..", "reference"))
from torch_runner import Partitioner, capture, sdpa, timed_replays  # noqa: E402

BATCH, HQ, HKV, CTX, DH = 64, 32, 8, 4096, 128


def main():
    out = open(sys.argv[1], "w")
    sms_list = [int(s) for s in (sys.argv[2] if len(sys.argv) > 2 else "8,24,64,132").split(",")]
    dev = torch.device("cuda")
    props = torch.cuda.get_device_properties(dev)
    parts = Partitioner(props.multi_processor_count)
    torch.manual_seed(0)
    q = torch.randn(BATCH, HQ, 1, DH, device=dev, dtype=torch.bfloat16)
    dense_k = torch.randn(BATCH, HKV, CTX, DH, device=dev, dtype=torch.bfloat16)
    dense_v = torch.randn(BATCH, HKV, CTX, DH, device=dev, dtype=torch.bfloat16)
    # Same values, paged-like placement: storage [batch, token, kv head, dim], viewed as [batch, kv head, token, dim].
    paged_k = dense_k.transpose(1, 2).contiguous().transpose(1, 2)
    paged_v = dense_v.transpose(1, 2).contiguous().transpose(1, 2)
    kv_bytes = 2 * BATCH * HKV * CTX * DH * 2
    ref = sdpa(q, dense_k, dense_v, 0, "cudnn").float()
    for sms in sms_list:
        part = parts.make(sms)
        for layout, (k, v) in (("dense", (dense_k, dense_v)), ("paged_strided", (paged_k, paged_v))):
            for backend in ("cudnn", "flash"):
                rec = {"sms": sms, "layout": layout, "backend": backend, "batch": BATCH, "hq": HQ, "hkv": HKV, "context": CTX,
                       "k_stride_tokens_elems": k.stride(2)}
                try:
                    with torch.cuda.stream(part.stream):
                        got = sdpa(q, k, v, 0, backend)
                    part.stream.synchronize()
                    err = ((got.float() - ref).norm() / ref.norm()).item()
                    rec["rel_err"] = err
                    if not err < 1e-2:
                        rec["error"] = "wrong result"
                    else:
                        g = capture(part.stream, lambda: sdpa(q, k, v, 0, backend))
                        us = statistics.median(timed_replays(g.replay, part.stream, 3, 20))
                        rec["median_us"] = round(us, 2)
                        rec["kv_gbytes_per_s"] = round(kv_bytes / us / 1e3, 1)
                except Exception as e:  # a backend refusing the layout is a result too
                    rec["error"] = str(e).splitlines()[0][:200]
                print(json.dumps(rec), file=out, flush=True)
                print(json.dumps(rec), file=sys.stderr)


if __name__ == "__main__":
    main()
