#!/usr/bin/env python3
"""duetsim reference backend: a calibration plan run with the kernels production servers use.

`duet_runner` (cuda/) times our own CUDA kernels. A serving engine (vLLM, SGLang) runs cuBLAS GEMMs and
FlashAttention-class attention, so a latency model fitted to our kernels predicts our kernels. This runner
takes the same plan JSON and writes the same measurement JSONL (cuda/README.md, "Results format"), but every
operator is a production kernel:

  GEMMs          torch.nn.functional.linear -> cuBLAS/cuBLASLt (what vLLM runs for unquantised bf16 linears)
  attention      torch scaled_dot_product_attention with the fastest backend PyTorch has for the shape
                 (cuDNN fused attention, FlashAttention-2, memory-efficient), chosen by measurement at
                 start-up and recorded in the meta line; decode attends over contiguous per-sequence K/V
  elementwise    fused Triton kernels (add+RMSNorm, q/k RMSNorm, NeoX RoPE, SiLU*mul), the fusions vLLM's
                 torch.compile path generates; each checked against an fp32 PyTorch reference
  forwards       every layer with its own weights, captured as one CUDA graph on the partition's stream; the
                 record's `clock` holds the NVML SM clock and power sampled while its replays ran (each lane's
                 window of a concurrent pair: `spans.*.clock`)

Partitions are CUDA green contexts made through cuda-bindings exactly as cuda/core/partition.cpp makes them
(cuDevSmResourceSplitByCount groups, the GPC remainder last), so a pair's two sides get disjoint SMs; each
side's stream is wrapped with torch.cuda.ExternalStream. A %smid probe (Triton inline PTX) runs inside each
timed graph and the record says whether the work stayed on its SMs.

Beyond duet_runner's kinds this runner measures
  concurrent (method "continuous"): each lane timed while the partner lane runs back to back for the whole
      measurement, so the slowdown is the steady-state one DuetServe sees, not a start-up overlap;
  clock_regime: the same prefill forward repeated back to back (power-capped clock) and interleaved with
      decode steps on the same SMs (serving), with NVML SM-clock and power samples during each.

usage: torch_runner.py PLAN.json --out OUT.jsonl [--resume] [--max-seconds S] [--only KIND,...] [--smoke]
Progress goes to stderr, one line per experiment; a run stopped by --max-seconds resumes with --resume.
"""
import argparse
import datetime
import json
import math
import os
import socket
import statistics
import sys
import threading
import time

import torch
import torch.nn.functional as F
import triton
import triton.language as tl
from torch.nn.attention import SDPBackend, sdpa_kernel

ROTATE_L2_MULTIPLE = 3.0  # input sets cycle through >= 3x L2 so every op reads from HBM
MAX_SETS = 32
MIN_GRAPH_US = 300.0  # a timed op graph holds at least this much work (event overhead < 1%)
MAX_OPS_PER_GRAPH = 256
KV_COPY_L2_MULTIPLE = 4.0
RESERVE_BYTES = 3 << 30
CHECK_ROWS = 64
# A concurrent pair's partner lane runs this many times the measured lane's alone time (lanes slow <= 1.6x).
MARGIN = 1.8
MAX_PARTNER_REPLAYS = 3000
NORM_EPS = 1e-6
ROPE_THETA = 1e6
MAX_POSITIONS = 65536
DH = 128

# ----------------------------------------------------------------------------------------------- Triton


@triton.jit
def _smid_kernel(out_ptr):
    pid = tl.program_id(0)
    z = tl.zeros([1], dtype=tl.int32)
    smid = tl.inline_asm_elementwise("mov.u32 $0, %smid;", "=r,r", [z], dtype=tl.int32, is_pure=False, pack=1)
    tl.store(out_ptr + pid + tl.arange(0, 1), smid)


@triton.jit
def _add_rmsnorm_kernel(res_ptr, x_ptr, w_ptr, out_ptr, D, eps, HAS_X: tl.constexpr, BLOCK: tl.constexpr):
    row = tl.program_id(0).to(tl.int64)
    offs = tl.arange(0, BLOCK)
    m = offs < D
    r = tl.load(res_ptr + row * D + offs, mask=m, other=0.0).to(tl.float32)
    if HAS_X:
        r += tl.load(x_ptr + row * D + offs, mask=m, other=0.0).to(tl.float32)
        tl.store(res_ptr + row * D + offs, r.to(tl.bfloat16), mask=m)
    var = tl.sum(r * r, axis=0) / D
    w = tl.load(w_ptr + offs, mask=m, other=0.0).to(tl.float32)
    tl.store(out_ptr + row * D + offs, (r * tl.rsqrt(var + eps) * w).to(tl.bfloat16), mask=m)


@triton.jit
def _qk_norm_kernel(qkv_ptr, qw_ptr, kw_ptr, row_stride, HQ, HKV, eps, DHC: tl.constexpr, HP: tl.constexpr):
    t = tl.program_id(0).to(tl.int64)
    h = tl.arange(0, HP)[:, None]
    d = tl.arange(0, DHC)[None, :]
    m = (h < HQ + HKV) & (d < DHC)
    ptr = qkv_ptr + t * row_stride + h * DHC + d
    x = tl.load(ptr, mask=m, other=0.0).to(tl.float32)
    var = tl.sum(x * x, axis=1)[:, None] / DHC
    wq = tl.load(qw_ptr + d).to(tl.float32)
    wk = tl.load(kw_ptr + d).to(tl.float32)
    w = tl.where(h < HQ, wq, wk)
    tl.store(ptr, (x * tl.rsqrt(var + eps) * w).to(tl.bfloat16), mask=m)


@triton.jit
def _rope_kernel(qkv_ptr, pos_ptr, cos_ptr, sin_ptr, row_stride, NH, DHC: tl.constexpr, HALF: tl.constexpr, HP: tl.constexpr):
    t = tl.program_id(0).to(tl.int64)
    pos = tl.load(pos_ptr + t).to(tl.int64)
    h = tl.arange(0, HP)[:, None]
    d = tl.arange(0, HALF)[None, :]
    m = (h < NH) & (d < HALF)
    base = qkv_ptr + t * row_stride + h * DHC
    x1 = tl.load(base + d, mask=m, other=0.0).to(tl.float32)
    x2 = tl.load(base + HALF + d, mask=m, other=0.0).to(tl.float32)
    c = tl.load(cos_ptr + pos * HALF + d)
    s = tl.load(sin_ptr + pos * HALF + d)
    tl.store(base + d, (x1 * c - x2 * s).to(tl.bfloat16), mask=m)
    tl.store(base + HALF + d, (x2 * c + x1 * s).to(tl.bfloat16), mask=m)


@triton.jit
def _silu_mul_kernel(gu_ptr, out_ptr, FF, BLOCK: tl.constexpr):
    row = tl.program_id(0).to(tl.int64)
    col = tl.program_id(1) * BLOCK + tl.arange(0, BLOCK)
    m = col < FF
    g = tl.load(gu_ptr + row * 2 * FF + col, mask=m, other=0.0).to(tl.float32)
    u = tl.load(gu_ptr + row * 2 * FF + FF + col, mask=m, other=0.0).to(tl.float32)
    tl.store(out_ptr + row * FF + col, (g / (1.0 + tl.exp(-g)) * u).to(tl.bfloat16), mask=m)


def smid_probe(out):
    _smid_kernel[(out.numel(),)](out)


def add_rmsnorm(res, x, w, out):
    n, d = res.shape
    _add_rmsnorm_kernel[(n,)](res, x if x is not None else res, w, out, d, NORM_EPS, HAS_X=x is not None,
                              BLOCK=triton.next_power_of_2(d), num_warps=8)


def qk_norm(qkv, qw, kw, hq, hkv):
    n = qkv.shape[0]
    _qk_norm_kernel[(n,)](qkv, qw, kw, qkv.stride(0), hq, hkv, NORM_EPS, DHC=DH, HP=triton.next_power_of_2(hq + hkv), num_warps=4)


def rope(qkv, pos, cos, sin, heads):
    n = qkv.shape[0]
    _rope_kernel[(n,)](qkv, pos, cos, sin, qkv.stride(0), heads, DHC=DH, HALF=DH // 2, HP=triton.next_power_of_2(heads), num_warps=4)


def silu_mul(gu, out):
    n, ff = out.shape
    _silu_mul_kernel[(n, triton.cdiv(ff, 1024))](gu, out, ff, BLOCK=1024, num_warps=4)


def rope_tables(device):
    inv = 1.0 / (ROPE_THETA ** (torch.arange(0, DH // 2, device=device, dtype=torch.float64) * 2 / DH))
    ang = torch.arange(MAX_POSITIONS, device=device, dtype=torch.float64)[:, None] * inv[None, :]
    return torch.cos(ang).float().contiguous(), torch.sin(ang).float().contiguous()


# ------------------------------------------------------------------------------------------ partitions


class Partitioner:
    """Green contexts over the device's SM groups (cuda/core/partition.cpp's layout and choice rule)."""

    def __init__(self, sm_count, side="first"):
        from cuda.bindings import driver as cu
        if side not in ("first", "last"):
            raise ValueError(f"partition side {side!r}: 'first' or 'last'")
        # Which end of the group list a single partition takes (pairs always put the prefill at the front and the
        # decode at the back): on an H100 a partition holding the remainder runs clustered GEMMs up to 1.25x faster
        # from the last groups than from the first (calibrate/data/h100-2026-12-05-reference-validation/README.md).
        self.side = side
        self.cu = cu
        self.sm_count = sm_count
        self._check(cu.cuInit(0))
        self.dev = self._check(cu.cuDeviceGet(0))
        full = self._check(cu.cuDeviceGetDevResource(self.dev, cu.CUdevResourceType.CU_DEV_RESOURCE_TYPE_SM))
        self.min_sms = int(full.sm.minSmPartitionSize)
        self.alignment = int(full.sm.smCoscheduledAlignment)
        capacity = int(full.sm.smCount) // self.min_sms
        groups, count, rest = self._check(cu.cuDevSmResourceSplitByCount(capacity, full, 0, self.min_sms))
        self.groups = list(groups)[: int(count)]  # entries past the returned count are not valid
        self.group_sms = [int(g.sm.smCount) for g in self.groups]
        self.remainder = rest
        self.remainder_sms = int(rest.sm.smCount)
        self.cache = {}

    def _check(self, res):
        err, *vals = res
        if int(err) != 0:
            name = self.cu.cuGetErrorName(err)[1]
            raise RuntimeError(f"CUDA driver error {int(err)} ({name.decode() if isinstance(name, bytes) else name})")
        return vals[0] if len(vals) == 1 else tuple(vals)

    def choose(self, sms):
        n = len(self.groups)
        total = 0
        for j in range(n + 1):
            if j > 0:
                total += self.group_sms[j - 1] if self.side == "first" else self.group_sms[n - j]
            first = 0 if self.side == "first" else n - j
            if j > 0 and total == sms:
                return (first, j, False)
            if self.remainder_sms > 0 and total + self.remainder_sms == sms:
                return (first, j, True)
        return None

    def choose_pair(self, psms, dsms):
        n = len(self.groups)
        for rem_to in (0, 1, 2):
            if rem_to and self.remainder_sms == 0:
                continue
            for a in range(n + 1):
                front = sum(self.group_sms[:a]) + (self.remainder_sms if rem_to == 1 else 0)
                if front != psms:
                    continue
                for b in range(n - a + 1):
                    back = sum(self.group_sms[n - b:]) + (self.remainder_sms if rem_to == 2 else 0)
                    if back != dsms:
                        continue
                    p, d = (0, a, rem_to == 1), (n - b, b, rem_to == 2)
                    if (p[1] or p[2]) and (d[1] or d[2]):
                        return p, d
        return None

    def _build(self, sms, choice):
        cu = self.cu
        if choice is None:  # the whole device: an ordinary stream in the primary context
            return Partition(sms, torch.cuda.Stream(), None)
        first, count, rem = choice
        parts = self.groups[first:first + count] + ([self.remainder] if rem else [])
        desc = self._check(cu.cuDevResourceGenerateDesc(parts, len(parts)))
        green = self._check(cu.cuGreenCtxCreate(desc, self.dev, cu.CUgreenCtxCreate_flags.CU_GREEN_CTX_DEFAULT_STREAM))
        got = self._check(cu.cuGreenCtxGetDevResource(green, cu.CUdevResourceType.CU_DEV_RESOURCE_TYPE_SM))
        if int(got.sm.smCount) != sms:
            raise RuntimeError(f"green context has {int(got.sm.smCount)} SMs, asked for {sms}")
        raw = self._check(cu.cuGreenCtxStreamCreate(green, cu.CUstream_flags.CU_STREAM_NON_BLOCKING, 0))
        stream = torch.cuda.ExternalStream(int(raw))
        return Partition(sms, stream, (green, raw))

    def make(self, sms):
        key = ("one", sms)
        if key not in self.cache:
            if sms == self.sm_count:
                self.cache[key] = self._build(sms, None)
            else:
                c = self.choose(sms)
                if c is None:
                    raise ValueError(f"no green-context partition of {sms} SMs; groups {self.group_sms} + remainder {self.remainder_sms}")
                self.cache[key] = self._build(sms, c)
        return self.cache[key]

    def make_pair(self, psms, dsms):
        key = ("pair", psms, dsms)
        if key not in self.cache:
            c = self.choose_pair(psms, dsms)
            if c is None:
                raise ValueError(f"no disjoint pair prefill {psms} + decode {dsms} SMs; groups {self.group_sms} + remainder {self.remainder_sms}")
            self.cache[key] = (self._build(psms, c[0]), self._build(dsms, c[1]))
        return self.cache[key]


class Partition:
    def __init__(self, sms, stream, handles):
        self.sms = sms
        self.stream = stream
        self.handles = handles  # keeps the green context and its stream alive


# -------------------------------------------------------------------------------------------- timing


def pct(xs, q):
    s = sorted(xs)
    if not s:
        return float("nan")
    pos = q * (len(s) - 1)
    lo = int(math.floor(pos))
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (pos - lo)


def stats(xs):
    return {"median_us": round(pct(xs, 0.5), 3), "p10_us": round(pct(xs, 0.1), 3), "p90_us": round(pct(xs, 0.9), 3), "reps": len(xs)}


def timed_replays(fn, stream, warmup, reps, per=1):
    """fn() enqueues one unit on `stream`; returns µs per unit (÷ per) of `reps` timed units after warm-up."""
    with torch.cuda.stream(stream):
        for _ in range(warmup):
            fn()
        evs = [(torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)) for _ in range(reps)]
        for a, b in evs:
            a.record(stream)
            fn()
            b.record(stream)
    stream.synchronize()
    return [a.elapsed_time(b) * 1000.0 / per for a, b in evs]


def settle_replays(fn, stream, seconds):
    """fn() enqueued back to back, untimed, for about `seconds` (in batches of 8 between syncs): the clock settles."""
    end = time.time() + seconds
    with torch.cuda.stream(stream):
        while time.time() < end:
            for _ in range(8):
                fn()
            stream.synchronize()


def settle_seconds_for(settle_seconds, settle_min_sms, sms):
    """How long a forward alone on `sms` SMs settles (--settle-seconds), none below --settle-min-sms: on an H100 no
    partition under 96 SMs meets the 700 W cap (every forward on 16-64 SMs read 1,950-1,980 MHz), so settling there
    only spends device time."""
    return float(settle_seconds) if sms >= settle_min_sms else 0.0


def capture(stream, fn):
    """One CUDA graph of fn() captured on `stream` (warm-up run first, outside the capture)."""
    with torch.cuda.stream(stream):
        fn()
    stream.synchronize()
    g = torch.cuda.CUDAGraph()
    with torch.cuda.graph(g, stream=stream):
        fn()
    stream.synchronize()
    return g


class ClockSampler:
    """NVML SM clock (MHz) and power (W) sampled every 5 ms while active (read-only queries)."""

    def __init__(self):
        self.ok = False
        try:
            import pynvml
            pynvml.nvmlInit()
            self.nv = pynvml
            self.h = pynvml.nvmlDeviceGetHandleByIndex(0)
            self.ok = True
        except Exception as e:  # no NVML: records carry null clocks
            print(f"NVML unavailable: {e}", file=sys.stderr)

    def info(self):
        if not self.ok:
            return {}
        nv, h = self.nv, self.h
        out = {"driver": nv.nvmlSystemGetDriverVersion()}
        for key, fn in (("sm_clock_max_mhz", lambda: nv.nvmlDeviceGetMaxClockInfo(h, nv.NVML_CLOCK_SM)),
                        ("mem_clock_max_mhz", lambda: nv.nvmlDeviceGetMaxClockInfo(h, nv.NVML_CLOCK_MEM)),
                        ("power_limit_w", lambda: nv.nvmlDeviceGetEnforcedPowerLimit(h) / 1000.0)):
            try:
                out[key] = fn()
            except Exception:
                out[key] = None
        return out

    def __enter__(self):
        self.samples = []
        self.stop = False
        if self.ok:
            def loop():
                while not self.stop:
                    try:
                        self.samples.append((self.nv.nvmlDeviceGetClockInfo(self.h, self.nv.NVML_CLOCK_SM),
                                             self.nv.nvmlDeviceGetPowerUsage(self.h) / 1000.0))
                    except Exception:
                        pass
                    time.sleep(0.005)
            self.t = threading.Thread(target=loop, daemon=True)
            self.t.start()
        return self

    def __exit__(self, *a):
        self.stop = True
        if self.ok:
            self.t.join()

    def summary(self):
        if not self.samples:
            return {"sm_clock_mhz": None, "power_w": None, "samples": 0}
        return {"sm_clock_mhz": statistics.median(s[0] for s in self.samples),
                "power_w": round(statistics.median(s[1] for s in self.samples), 1), "samples": len(self.samples)}


# ------------------------------------------------------------------------------------------- attention


def rel_err(out, ref):
    out = out.double()
    ref = ref.double()
    if not torch.isfinite(out).all():
        return float("inf")
    return float((out - ref).norm() / ref.norm().clamp_min(1e-30))


def ref_attention(q, k, v, cached):
    """fp32 reference: q [hq, m, dh] (the LAST m queries of a chunk), k/v [hkv, cached+new, dh], lower-right causal."""
    hq, m, _ = q.shape
    hkv, total, _ = k.shape
    rep = hq // hkv
    kk = k.float().repeat_interleave(rep, 0)
    vv = v.float().repeat_interleave(rep, 0)
    s = torch.einsum("hmd,hnd->hmn", q.float(), kk) / math.sqrt(q.shape[-1])
    qpos = torch.arange(total - m, total, device=q.device)[:, None]
    kpos = torch.arange(total, device=q.device)[None, :]
    s = s.masked_fill(kpos > qpos, float("-inf"))
    return torch.einsum("hmn,hnd->hmd", torch.softmax(s, -1), vv)


BACKENDS = {"cudnn": SDPBackend.CUDNN_ATTENTION, "flash": SDPBackend.FLASH_ATTENTION, "efficient": SDPBackend.EFFICIENT_ATTENTION}


def sdpa(q, k, v, cached, backend):
    """q [b, hq, new, dh], k/v [b, hkv, cached+new, dh]; causal aligned to the end (query i sees keys <= cached+i)."""
    with sdpa_kernel([BACKENDS[backend]]):
        new = q.shape[2]
        if new == 1:
            return F.scaled_dot_product_attention(q, k, v, enable_gqa=True)
        if cached == 0:
            return F.scaled_dot_product_attention(q, k, v, is_causal=True, enable_gqa=True)
        from torch.nn.attention.bias import causal_lower_right
        return F.scaled_dot_product_attention(q, k, v, attn_mask=causal_lower_right(new, cached + new), enable_gqa=True)


class AttentionChoice:
    """Which SDPA backend runs each attention kind: the fastest that is correct, measured at start-up."""

    def __init__(self, device, forced):
        self.choice = {}
        self.table = {}
        probes = {"prefill": (1, 32, 8, 2048, 0), "prefill_cached": (1, 32, 8, 1024, 3072), "decode": (64, 32, 8, 1, 2047)}
        for kind, (b, hq, hkv, new, cached) in probes.items():
            # q as a forward passes it: a strided view of the QKV rows.
            q = torch.randn(b, new, hq, DH, device=device, dtype=torch.bfloat16).transpose(1, 2)
            k = torch.randn(b, hkv, cached + new, DH, device=device, dtype=torch.bfloat16)
            v = torch.randn(b, hkv, cached + new, DH, device=device, dtype=torch.bfloat16)
            m = min(new, CHECK_ROWS)
            ref = ref_attention(q[0, :, new - m:], k[0], v[0], cached)
            best, row = None, {}
            for name in BACKENDS:
                try:
                    out = sdpa(q, k, v, cached, name)
                    err = rel_err(out[0, :, new - m:], ref)
                    if not err < 1e-2:
                        row[name] = f"wrong (rel_err {err:.2e})"
                        continue
                    s = torch.cuda.current_stream()
                    us = statistics.median(timed_replays(lambda: sdpa(q, k, v, cached, name), s, 3, 20))
                    row[name] = round(us, 2)
                    if best is None or us < row[best]:
                        best = name
                except Exception as e:  # a backend refusing a shape is a result too
                    row[name] = "unsupported: " + str(e).splitlines()[0][:160]
            if kind in forced:
                if not isinstance(row.get(forced[kind]), float):
                    raise RuntimeError(f"--attention {kind}={forced[kind]}: that backend does not run it ({row.get(forced[kind])})")
                best = forced[kind]
            if best is None:
                raise RuntimeError(f"no SDPA backend runs {kind}: {row}")
            self.choice[kind] = best
            self.table[kind] = row
            print(f"SDPA {kind}: {row} -> {best}", file=sys.stderr)

    def for_chunk(self, new, cached):
        if new == 1:
            return self.choice["decode"]
        return self.choice["prefill" if cached == 0 else "prefill_cached"]


# --------------------------------------------------------------------------------------------- model


class Weights:
    """Every layer with its own bf16 weights (so they stream from HBM as in serving), random N(0, 0.02)."""

    def __init__(self, cfg, device):
        self.cfg = cfg
        d, hq, hkv, ff = cfg["hiddenSize"], cfg["numQHeads"], cfg["numKvHeads"], cfg["ffnSize"]

        def w(*shape, std=0.02):
            return torch.empty(*shape, device=device, dtype=torch.bfloat16).normal_(0, std)

        def ones(n):
            return (1 + 0.1 * torch.randn(n, device=device)).to(torch.bfloat16)

        self.layers = []
        for _ in range(cfg["numLayers"]):
            self.layers.append({
                "ln1": ones(d), "ln2": ones(d), "q_norm": ones(DH), "k_norm": ones(DH),
                "w_qkv": w((hq + 2 * hkv) * DH, d), "w_o": w(d, hq * DH),
                "w_gate_up": w(2 * ff, d), "w_down": w(d, ff),
            })
        self.final_norm = ones(d)
        self.lm_head = w(cfg["vocabSize"], d)

    @staticmethod
    def bytes_needed(cfg):
        d, hq, hkv, ff = cfg["hiddenSize"], cfg["numQHeads"], cfg["numKvHeads"], cfg["ffnSize"]
        per_layer = (hq + 2 * hkv) * DH * d + d * hq * DH + 3 * ff * d + 2 * d + 2 * DH
        return 2 * (cfg["numLayers"] * per_layer + cfg["vocabSize"] * d + d)


def parse_batch(b):
    prefills = [(int(c["new"]), int(c.get("cached", 0))) for c in b.get("prefills", [])]
    dec = b.get("decodes")
    if dec is None:
        decodes = []
    elif isinstance(dec, list):
        decodes = [int(x) for x in dec]
    else:
        decodes = [int(dec["context"])] * int(dec["count"])
    return prefills, decodes


def kv_bytes_per_copy(cfg, prefills, decodes):
    tokens = sum(n + c for n, c in prefills) + sum(decodes)
    return tokens * cfg["numKvHeads"] * DH * 2 * 2


class Forward:
    """One transformer forward over a mixed batch, laid out as cuda/core/forward.h's:
    add_rmsnorm -> QKV linear -> [qk_norm] -> rope -> K/V written to the cache -> attention (one SDPA call per
    prefill chunk, one per distinct decode context) -> O linear -> add_rmsnorm -> gate_up linear -> silu_mul
    -> down linear; then the final norm over the last row of each sequence and the LM head."""

    def __init__(self, weights, batch, copies, attn, tables, device):
        cfg = weights.cfg
        self.w, self.cfg, self.attn = weights, cfg, attn
        self.cos, self.sin = tables
        self.prefills, decodes = parse_batch(batch)
        d, hq, hkv, ff = cfg["hiddenSize"], cfg["numQHeads"], cfg["numKvHeads"], cfg["ffnSize"]
        self.hq, self.hkv = hq, hkv
        # Decodes grouped by context: SDPA needs one length per call (a paged kernel takes them ragged in one).
        groups = {}
        for c in decodes:
            groups[c] = groups.get(c, 0) + 1
        self.groups = sorted(groups.items())
        self.n = sum(n for n, _ in self.prefills) + len(decodes)
        self.seqs = len(self.prefills) + len(decodes)
        n = self.n
        bf = dict(device=device, dtype=torch.bfloat16)
        self.input = torch.randn(n, d, **bf)
        self.residual = torch.empty(n, d, **bf)
        self.normed = torch.empty(n, d, **bf)
        self.qkv = torch.empty(n, (hq + 2 * hkv) * DH, **bf)
        self.attn_out = torch.empty(n, hq * DH, **bf)
        self.o = torch.empty(n, d, **bf)
        self.gate_up = torch.empty(n, 2 * ff, **bf)
        self.act = torch.empty(n, ff, **bf)
        self.down = torch.empty(n, d, **bf)
        pos = []
        for new, cached in self.prefills:
            pos += list(range(cached, cached + new))
        for c, count in self.groups:
            pos += [c - 1] * count
        self.positions = torch.tensor([p % MAX_POSITIONS for p in pos], device=device, dtype=torch.int32)
        last, off = [], 0
        for new, _ in self.prefills:
            off += new
            last.append(off - 1)
        last += list(range(off, n))
        self.last_rows = torch.tensor(last, device=device, dtype=torch.int64)
        self.last = torch.empty(self.seqs, d, **bf)
        self.final = torch.empty(self.seqs, d, **bf)
        self.logits = torch.empty(self.seqs, cfg["vocabSize"], **bf)
        # KV caches, `copies` of them shared round-robin by the layers (copies = layers when memory allows).
        self.copies = copies
        self.kv = []
        for _ in range(copies):
            chunks = [(torch.randn(1, hkv, c + new, DH, **bf), torch.randn(1, hkv, c + new, DH, **bf)) for new, c in self.prefills]
            decs = [(torch.randn(count, hkv, c, DH, **bf), torch.randn(count, hkv, c, DH, **bf)) for c, count in self.groups]
            self.kv.append((chunks, decs))

    def enqueue(self):
        cfg, w = self.cfg, self.w
        hq, hkv, n = self.hq, self.hkv, self.n
        qd, kd = hq * DH, hkv * DH
        self.residual.copy_(self.input)  # stands in for the embedding gather (same bytes)
        for li, lw in enumerate(w.layers):
            add_rmsnorm(self.residual, None if li == 0 else self.down, lw["ln1"], self.normed)
            torch.matmul(self.normed, lw["w_qkv"].t(), out=self.qkv)
            if cfg.get("qkNorm"):
                qk_norm(self.qkv, lw["q_norm"], lw["k_norm"], hq, hkv)
            rope(self.qkv, self.positions, self.cos, self.sin, hq + hkv)
            chunks, decs = self.kv[li % self.copies]
            off = 0
            for (new, cached), (kc, vc) in zip(self.prefills, chunks):
                rows = self.qkv[off:off + new]
                kc[0, :, cached:cached + new].copy_(rows[:, qd:qd + kd].view(new, hkv, DH).transpose(0, 1))
                vc[0, :, cached:cached + new].copy_(rows[:, qd + kd:].view(new, hkv, DH).transpose(0, 1))
                q = rows[:, :qd].view(1, new, hq, DH).transpose(1, 2)
                out = sdpa(q, kc, vc, cached, self.attn.for_chunk(new, cached))
                self.attn_out[off:off + new].view(1, new, hq, DH).copy_(out.transpose(1, 2))
                off += new
            for (c, count), (kc, vc) in zip(self.groups, decs):
                rows = self.qkv[off:off + count]
                kc[:, :, c - 1].copy_(rows[:, qd:qd + kd].view(count, hkv, DH))
                vc[:, :, c - 1].copy_(rows[:, qd + kd:].view(count, hkv, DH))
                q = rows[:, :qd].view(count, 1, hq, DH).transpose(1, 2)
                out = sdpa(q, kc, vc, c - 1, self.attn.for_chunk(1, c - 1))
                self.attn_out[off:off + count].view(count, 1, hq, DH).copy_(out.transpose(1, 2))
                off += count
            torch.matmul(self.attn_out, lw["w_o"].t(), out=self.o)
            add_rmsnorm(self.residual, self.o, lw["ln2"], self.normed)
            torch.matmul(self.normed, lw["w_gate_up"].t(), out=self.gate_up)
            silu_mul(self.gate_up, self.act)
            torch.matmul(self.act, lw["w_down"].t(), out=self.down)
        add_rmsnorm(self.residual, self.down, w.final_norm, self.normed)
        torch.index_select(self.normed, 0, self.last_rows, out=self.last)
        torch.matmul(self.last, w.lm_head.t(), out=self.logits)

    def activation_bytes(self):
        return sum(t.numel() * t.element_size() for t in (self.input, self.residual, self.normed, self.qkv, self.attn_out,
                                                          self.o, self.gate_up, self.act, self.down, self.logits))


# -------------------------------------------------------------------------------------------- runner


class Runner:
    def __init__(self, plan, args):
        self.plan = plan
        self.args = args
        self.dev = torch.device("cuda:0")
        props = torch.cuda.get_device_properties(0)
        self.props = props
        self.sm_count = props.multi_processor_count
        self.l2 = props.L2_cache_size
        self.parts = Partitioner(self.sm_count, args.partition_side)
        self.clock = ClockSampler()
        self.tables = rope_tables(self.dev)
        forced = dict(kv.split("=", 1) for kv in filter(None, args.attention.split(",")))
        self.attn = AttentionChoice(self.dev, forced)
        self.model_name, self.weights = None, None
        self.warmup, self.repeats = int(plan.get("warmup", 1)), int(plan.get("repeats", 8))

    def meta(self):
        p = self.props
        info = self.clock.info()
        return {
            "kind": "meta", "gpu": p.name, "sm_count": self.sm_count, "compute_capability": f"{p.major}.{p.minor}",
            "memory_bytes": p.total_memory, "l2_bytes": self.l2, "driver": info.get("driver", "unknown"),
            "cuda_runtime": torch.version.cuda, "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "host": socket.gethostname(),
            "partition": {"min_sms": self.parts.min_sms, "alignment": self.parts.alignment, "groups": self.parts.group_sms,
                          "remainder": self.parts.remainder_sms, "side": self.parts.side},
            "backend": "torch", "torch": torch.__version__, "cudnn": torch.backends.cudnn.version(), "triton": triton.__version__,
            "kernels": {"gemm": "torch.matmul (cuBLAS/cuBLASLt)", "attention": self.attn.choice, "attention_probe_us": self.attn.table,
                        "elementwise": "Triton (fused add_rmsnorm, qk_norm, rope, silu_mul)"},
            "clocks": info,
        }

    def free_bytes(self):
        free, _ = torch.cuda.mem_get_info()
        return max(0, free - RESERVE_BYTES)

    def model(self, name):
        if self.model_name != name:
            self.weights = None
            torch.cuda.empty_cache()
            self.weights = Weights(self.plan["models"][name], self.dev)
            self.model_name = name
        return self.weights

    def kv_copies(self, cfg, batches):
        kv = sum(kv_bytes_per_copy(cfg, *parse_batch(b)) for b in batches)
        n = sum(sum(x for x, _ in parse_batch(b)[0]) + len(parse_batch(b)[1]) for b in batches)
        act = n * (cfg["hiddenSize"] * 8 + cfg["ffnSize"] * 3 + (cfg["numQHeads"] + 2 * cfg["numKvHeads"]) * DH * 2) * 2 + 64 * cfg["vocabSize"] * 2
        avail = self.free_bytes() - act
        copies = min(cfg["numLayers"], int(avail // max(kv, 1)))
        if copies < 1 or (copies < cfg["numLayers"] and copies * kv < KV_COPY_L2_MULTIPLE * self.l2):
            raise RuntimeError(f"not enough GPU memory for the KV cache: {kv >> 20} MiB per layer copy, {avail >> 20} MiB free")
        return copies

    # ---- experiments

    def run(self, e):
        kind = e["kind"]
        if kind in ("ceiling_gemm", "ceiling_bandwidth", "op"):
            return self.run_op(e)
        if kind == "forward":
            return self.run_forward(e)
        if kind == "concurrent":
            return self.run_concurrent(e)
        if kind == "clock_regime":
            return self.run_clock(e)
        raise ValueError(f"unknown experiment kind {kind!r}")

    def op_sets(self, e, sets):
        """Closures, one per input set, each enqueuing the experiment's operator once."""
        bf = dict(device=self.dev, dtype=torch.bfloat16)
        kind, fns, extra = e["kind"], [], {}
        if kind == "ceiling_gemm":
            m, n, k = e["m"], e["n"], e["k"]
            for _ in range(sets):
                a, b, c = torch.randn(m, k, **bf), torch.randn(k, n, **bf), torch.empty(m, n, **bf)
                fns.append(lambda a=a, b=b, c=c: torch.matmul(a, b, out=c))
            return fns, extra
        if kind == "ceiling_bandwidth":
            half = e["bytes"] // 2
            for _ in range(sets):
                s, d = torch.randn(half // 2, **bf), torch.empty(half // 2, **bf)
                fns.append(lambda s=s, d=d: d.copy_(s))
            return fns, extra
        op = e["op"]
        if op == "gemm":
            n, di, do = e["n"], e["d_in"], e["d_out"]
            for i in range(sets):
                x, w, y = torch.randn(n, di, **bf), torch.randn(do, di, **bf) * math.sqrt(1.0 / di), torch.empty(n, do, **bf)
                fns.append(lambda x=x, w=w, y=y: torch.matmul(x, w.t(), out=y))
                if i == 0:
                    extra["check"] = check(y, lambda: x.float() @ w.float().t(), fns[0])
            return fns, extra
        if op in ("attn_prefill", "attn_decode"):
            hq, hkv = e["hq"], e["hkv"]
            if op == "attn_prefill":
                chunks = [(c["new"], c.get("cached", 0)) for c in e["chunks"]]
            else:
                groups = {}
                for c in e["contexts"]:
                    groups[c] = groups.get(c, 0) + 1
                chunks = [(1, c - 1, count) for c, count in sorted(groups.items())]
            backend = self.attn.choice["decode"] if op == "attn_decode" else None
            extra["backend"] = backend or {"prefill": self.attn.choice["prefill"], "prefill_cached": self.attn.choice["prefill_cached"]}
            for i in range(sets):
                items = []
                for ch in chunks:
                    new, cached = ch[0], ch[1]
                    b = ch[2] if len(ch) > 2 else 1
                    q = torch.randn(b, new, hq, DH, **bf).transpose(1, 2)  # the strided view a forward passes
                    k, v = torch.randn(b, hkv, cached + new, DH, **bf), torch.randn(b, hkv, cached + new, DH, **bf)
                    items.append((q, k, v, cached, self.attn.for_chunk(new, cached)))

                def fn(items=items):
                    for q, k, v, cached, be in items:
                        sdpa(q, k, v, cached, be)
                fns.append(fn)
                if i == 0:
                    q, k, v, cached, be = items[-1]
                    new = q.shape[2]
                    m = min(new, CHECK_ROWS)
                    out = sdpa(q, k, v, cached, be)
                    torch.cuda.synchronize()
                    extra["check"] = check_result(rel_err(out[0, :, new - m:], ref_attention(q[0, :, new - m:], k[0], v[0], cached)), 1e-2)
            return fns, extra
        if op == "elementwise":
            n, dim, which = e["n"], e["dim"], e["which"]
            for i in range(sets):
                if which == "add_rmsnorm":
                    r, x, w, o = torch.randn(n, dim, **bf), torch.randn(n, dim, **bf), torch.randn(dim, **bf), torch.empty(n, dim, **bf)
                    r0 = r.clone()
                    fn = (lambda r=r, x=x, w=w, o=o: add_rmsnorm(r, x, w, o))
                    if i == 0:
                        fn()
                        torch.cuda.synchronize()
                        s = r0.float() + x.float()
                        ref = s * torch.rsqrt(s.pow(2).mean(-1, keepdim=True) + NORM_EPS) * w.float()
                        extra["check"] = check_result(max(rel_err(o, ref), rel_err(r, s)), 1e-2)
                elif which in ("rope", "qk_norm"):
                    heads = dim // DH
                    hkv = 8 if heads > 8 else 1  # the KV heads of the models calibrated (GQA 8)
                    qkv = torch.randn(n, dim + hkv * DH, **bf)  # q and k heads, then the v heads it skips
                    pos = torch.randint(0, 8192, (n,), device=self.dev, dtype=torch.int32)
                    qw, kw = torch.randn(DH, **bf), torch.randn(DH, **bf)
                    before = qkv.clone()
                    if which == "rope":
                        fn = (lambda qkv=qkv, pos=pos: rope(qkv, pos, self.tables[0], self.tables[1], heads))
                    else:
                        fn = (lambda qkv=qkv, qw=qw, kw=kw: qk_norm(qkv, qw, kw, heads - hkv, hkv))
                    if i == 0:
                        fn()
                        torch.cuda.synchronize()
                        x = before[:, :dim].float().view(n, heads, DH)
                        if which == "rope":
                            c, s_ = self.tables[0][pos.long()][:, None, :], self.tables[1][pos.long()][:, None, :]
                            x1, x2 = x[..., :DH // 2], x[..., DH // 2:]
                            ref = torch.cat([x1 * c - x2 * s_, x2 * c + x1 * s_], -1)
                        else:
                            wq = torch.cat([qw.float()[None].expand(heads - hkv, DH), kw.float()[None].expand(hkv, DH)])
                            ref = x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + NORM_EPS) * wq[None]
                        untouched = rel_err(qkv[:, dim:], before[:, dim:])
                        extra["check"] = check_result(max(rel_err(qkv[:, :dim].view(n, heads, DH), ref), untouched), 1e-2)
                elif which == "silu_mul":
                    gu, o = torch.randn(n, 2 * dim, **bf), torch.empty(n, dim, **bf)
                    fn = (lambda gu=gu, o=o: silu_mul(gu, o))
                    if i == 0:
                        fn()
                        torch.cuda.synchronize()
                        g, u = gu[:, :dim].float(), gu[:, dim:].float()
                        extra["check"] = check_result(rel_err(o, F.silu(g) * u), 1e-2)
                else:
                    raise ValueError(f"unknown elementwise kind {which!r}")
                fns.append(fn)
            return fns, extra
        raise ValueError(f"unknown op {op!r}")

    def set_bytes(self, e):
        if e["kind"] == "ceiling_gemm":
            return 2 * (e["m"] * e["k"] + e["k"] * e["n"] + e["m"] * e["n"])
        if e["kind"] == "ceiling_bandwidth":
            return e["bytes"]
        op = e["op"]
        if op == "gemm":
            return 2 * (e["n"] * e["d_in"] + e["d_in"] * e["d_out"] + e["n"] * e["d_out"])
        if op == "attn_prefill":
            return sum((c["new"] * e["hq"] + 2 * (c["new"] + c.get("cached", 0)) * e["hkv"]) * DH * 2 for c in e["chunks"])
        if op == "attn_decode":
            return sum((e["hq"] + 2 * e["hkv"] * c) * DH * 2 for c in e["contexts"])
        return 2 * e["n"] * e["dim"] * 3

    def run_op(self, e):
        part = self.parts.make(e["sms"])
        st = part.stream
        sb = self.set_bytes(e)
        sets = max(1, min(math.ceil(ROTATE_L2_MULTIPLE * self.l2 / max(sb, 1)), MAX_SETS, self.free_bytes() // max(sb, 1)))
        with torch.cuda.stream(st):
            fns, extra = self.op_sets(e, sets)
        st.synchronize()
        if "check" in extra and not extra["check"]["passed"]:
            raise RuntimeError(f"correctness check failed: {extra['check']}")
        names = kernel_names(fns[0], st) if self.args.kernel_names and e["kind"] == "op" else None
        once = capture(st, lambda: [f() for f in fns])
        est = statistics.median(timed_replays(once.replay, st, 1, 3, per=sets))
        passes = max(1, min(math.ceil(MIN_GRAPH_US / max(est * sets, 1e-3)), MAX_OPS_PER_GRAPH // sets))
        g = capture(st, lambda: [f() for _ in range(passes) for f in fns])
        t = timed_replays(g.replay, st, self.warmup, self.repeats, per=passes * sets)
        rec = dict(e)
        rec.update(stats(t))
        rec.update({"sets": sets, "ops_per_graph": passes * sets})
        if e["kind"] == "ceiling_gemm":
            rec["flops_per_s"] = 2.0 * e["m"] * e["n"] * e["k"] / (rec["median_us"] * 1e-6)
        if e["kind"] == "ceiling_bandwidth":
            rec["bytes_per_s"] = e["bytes"] / (rec["median_us"] * 1e-6)
        rec.update(extra)
        if names is not None:
            rec.update(names)
        return rec

    def probe(self):
        return torch.full((4 * self.sm_count,), -1, device=self.dev, dtype=torch.int32)

    @staticmethod
    def smid_set(buf):
        s = buf.cpu().tolist()
        return sorted(set(x for x in s if x >= 0)), all(x >= 0 for x in s)

    def forward_graph(self, fw, part, probe):
        def body():
            smid_probe(probe)
            fw.enqueue()
        return capture(part.stream, body)

    def run_forward(self, e):
        w = self.model(e["model"])
        part = self.parts.make(e["sms"])
        copies = self.kv_copies(w.cfg, [e["batch"]])
        with torch.cuda.stream(part.stream):
            fw = Forward(w, e["batch"], copies, self.attn, self.tables, self.dev)
            probe = self.probe()
        g = self.forward_graph(fw, part, probe)
        # The clock the replays ran at: a forward timed for a tenth of a second after the previous experiment's set-up
        # can finish before the power cap pulls the clock down, one timed for a second cannot (BENCHMARKS.md, "Clock
        # regimes at four prefill sizes"); the fit can only tell the two apart if the record says. With --settle-seconds
        # the forward first replays untimed for that long, so a short compute-heavy forward is timed at the clock the
        # cap settles it at, and the clock it carries is the one its kernels ran at (a 512-token prefill on 132 H100 SMs
        # read 1,950 MHz unsettled and ran about as fast as at 1,720; BENCHMARKS.md, "Fourteenth round").
        settle = settle_seconds_for(self.args.settle_seconds, self.args.settle_min_sms, e["sms"])
        if settle > 0:
            settle_replays(g.replay, part.stream, settle)
        with self.clock as c:
            t = timed_replays(g.replay, part.stream, self.warmup, self.repeats)
        smids, complete = self.smid_set(probe)
        rec = dict(e)
        rec.update(stats(t))
        rec.update({"num_tokens": fw.n, "kv_copies": copies, "smid_count": len(smids), "smids_ok": complete and len(smids) <= e["sms"],
                    "clock": c.summary(), **({"settle_s": settle} if settle > 0 else {})})
        del g, fw
        return rec

    def run_concurrent(self, e):
        """Both lanes alone, then each timed while the partner replays back to back for the whole measurement."""
        w = self.model(e["model"])
        ps, ds = e["prefill"]["sms"], e["decode"]["sms"]
        pp, dp = self.parts.make_pair(ps, ds)
        copies = self.kv_copies(w.cfg, [e["prefill"]["batch"], e["decode"]["batch"]])
        with torch.cuda.stream(pp.stream):
            pf = Forward(w, e["prefill"]["batch"], copies, self.attn, self.tables, self.dev)
            pprobe = self.probe()
        with torch.cuda.stream(dp.stream):
            dc = Forward(w, e["decode"]["batch"], copies, self.attn, self.tables, self.dev)
            dprobe = self.probe()
        gp = self.forward_graph(pf, pp, pprobe)
        gd = self.forward_graph(dc, dp, dprobe)
        warm, reps = self.warmup, self.repeats
        d_alone = timed_replays(gd.replay, dp.stream, warm, reps)
        p_alone = timed_replays(gp.replay, pp.stream, warm, reps)
        td, tp = statistics.median(d_alone), statistics.median(p_alone)

        def beside(meas, mg, mcount, t_meas, partner, pg, t_partner):
            """Time `mcount` replays of mg on `meas` while pg replays back to back on `partner`, which starts
            first and runs until after the last measured replay. Launches of the two lanes are interleaved in
            the order the GPU is expected to reach them: a lane enqueued far ahead blocks the host (the launch
            queue fills) and would starve the other lane's launches. Returns the measured µs (warm-up dropped)
            and the lanes' spans in µs from the partner's start."""
            horizon = t_partner + MARGIN * mcount * t_meas  # when the partner may stop
            pcount = max(2, math.ceil(horizon / t_partner) + 1)
            if pcount > MAX_PARTNER_REPLAYS:
                raise RuntimeError(f"partner would need {pcount} replays (> {MAX_PARTNER_REPLAYS})")
            lead = 2.0 * max(t_meas, t_partner)
            order = sorted([(i * t_partner - lead, 0, i) for i in range(pcount)] + [(t_partner + j * t_meas, 1, j) for j in range(mcount)])
            t0 = torch.cuda.Event(enable_timing=True)
            started = torch.cuda.Event(enable_timing=True)
            end_partner = torch.cuda.Event(enable_timing=True)
            evs = [(torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)) for _ in range(mcount)]
            for _, lane, i in order:
                if lane == 0:
                    with torch.cuda.stream(partner.stream):
                        if i == 0:
                            t0.record(partner.stream)
                        pg.replay()
                        if i == 0:
                            started.record(partner.stream)
                        if i == pcount - 1:
                            end_partner.record(partner.stream)
                else:
                    with torch.cuda.stream(meas.stream):
                        if i == 0:
                            meas.stream.wait_event(started)
                        a, b = evs[i]
                        a.record(meas.stream)
                        mg.replay()
                        b.record(meas.stream)
            torch.cuda.synchronize()
            span = {"partner_replays": pcount, "partner_first_end_us": round(t0.elapsed_time(started) * 1000.0, 1),
                    "partner_end_us": round(t0.elapsed_time(end_partner) * 1000.0, 1),
                    "measured_start_us": round(t0.elapsed_time(evs[0][0]) * 1000.0, 1),
                    "measured_end_us": round(t0.elapsed_time(evs[-1][1]) * 1000.0, 1)}
            # Covered: the partner was running from the first measured replay to the last.
            span["covered"] = span["measured_start_us"] >= span["partner_first_end_us"] - 1 and span["measured_end_us"] <= span["partner_end_us"]
            return [a.elapsed_time(b) * 1000.0 for a, b in evs][warm:], span

        n = warm + reps
        # One sampler, restarted per window: each summary is read before the next window starts.
        with self.clock as c:
            d_conc, d_span = beside(dp, gd, n, td, pp, gp, tp)
        d_span["clock"] = c.summary()
        with self.clock as c:
            p_conc, p_span = beside(pp, gp, n, tp, dp, gd, td)
        p_span["clock"] = c.summary()
        d_cov, p_cov = d_span["covered"], p_span["covered"]
        dm, dfull = self.smid_set(dprobe)
        pm, pfull = self.smid_set(pprobe)
        apart = not (set(dm) & set(pm))
        ds_, ps_ = stats(d_conc), stats(p_conc)
        rec = dict(e)
        rec.update({
            "method": "continuous",
            "decode_alone_us": round(td, 3), "prefill_alone_us": round(tp, 3),
            "decode_concurrent_us": ds_["median_us"], "prefill_concurrent_us": ps_["median_us"],
            "decode_concurrent_p10_us": ds_["p10_us"], "decode_concurrent_p90_us": ds_["p90_us"],
            "prefill_concurrent_p10_us": ps_["p10_us"], "prefill_concurrent_p90_us": ps_["p90_us"],
            "reps": reps, "kv_copies": copies,
            "partner_covered": d_cov and p_cov, "spans": {"decode_beside_prefill": d_span, "prefill_beside_decode": p_span},
            "decode_smid_count": len(dm), "prefill_smid_count": len(pm), "decode_smids": dm, "prefill_smids": pm,
            "smids_disjoint": apart, "decode_smids_ok": apart and dfull and len(dm) <= ds,
            "prefill_smids_ok": apart and pfull and len(pm) <= ps,
        })
        del gp, gd, pf, dc
        return rec

    def run_clock(self, e):
        """A prefill forward back to back for `seconds`, then interleaved with k decode steps on the same SMs."""
        w = self.model(e["model"])
        part = self.parts.make(e["sms"])
        inter = e["interleave"]
        copies = self.kv_copies(w.cfg, [e["batch"], inter["batch"]])
        with torch.cuda.stream(part.stream):
            pf = Forward(w, e["batch"], copies, self.attn, self.tables, self.dev)
            dc = Forward(w, inter["batch"], copies, self.attn, self.tables, self.dev)
            pprobe, dprobe = self.probe(), self.probe()
        gp = self.forward_graph(pf, part, pprobe)
        gd = self.forward_graph(dc, part, dprobe)
        k = int(inter["k"])
        seconds = float(e.get("seconds", 3.0))
        st = part.stream
        tp = statistics.median(timed_replays(gp.replay, st, 1, 3))
        td = statistics.median(timed_replays(gd.replay, st, 1, 3))
        n_b2b = max(self.repeats, math.ceil(seconds * 1e6 / tp))
        n_srv = max(self.repeats, math.ceil(seconds * 1e6 / (tp + k * td)))
        with self.clock as c1:
            b2b = timed_replays(gp.replay, st, 0, n_b2b)
        clk_b2b = c1.summary()
        with self.clock as c2:
            evs = [(torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)) for _ in range(n_srv)]
            dev_ = []
            with torch.cuda.stream(st):
                for a, b in evs:
                    a.record(st)
                    gp.replay()
                    b.record(st)
                    d0 = torch.cuda.Event(enable_timing=True)
                    d1 = torch.cuda.Event(enable_timing=True)
                    d0.record(st)
                    for _ in range(k):
                        gd.replay()
                    d1.record(st)
                    dev_.append((d0, d1))
            st.synchronize()
        clk_srv = c2.summary()
        # The second half of each run: the clock has settled by then.
        half = lambda xs: xs[len(xs) // 2:]
        srv = [a.elapsed_time(b) * 1000.0 for a, b in evs]
        dsrv = [a.elapsed_time(b) * 1000.0 / k for a, b in dev_]
        rec = dict(e)
        rec.update({
            "back_to_back_us": round(pct(half(b2b), 0.5), 3), "serving_us": round(pct(half(srv), 0.5), 3),
            "decode_serving_us": round(pct(half(dsrv), 0.5), 3), "decode_alone_us": round(td, 3),
            "back_to_back_replays": n_b2b, "serving_replays": n_srv,
            "clock_back_to_back": clk_b2b, "clock_serving": clk_srv,
            "smids_ok": self.smid_set(pprobe)[1] and len(self.smid_set(pprobe)[0]) <= e["sms"],
        })
        del gp, gd, pf, dc
        return rec


def kernel_names(fn, stream):
    """The GPU kernels one eager call of `fn` launches on `stream`, in launch order (cuBLAS's names carry its tile,
    split-K and stream-K choice): {"kernels": [...]}, or {"kernels_error": why} when the profiler cannot say."""
    from torch.profiler import ProfilerActivity, profile
    try:
        with torch.cuda.stream(stream):
            fn()
            stream.synchronize()
            with profile(activities=[ProfilerActivity.CUDA]) as prof:
                fn()
                stream.synchronize()
        names = [ev.name for ev in prof.events() if ev.device_type == torch.autograd.DeviceType.CUDA]
        return {"kernels": names}
    except Exception as ex:  # the timing does not depend on it: record why and go on
        return {"kernels_error": f"{type(ex).__name__}: {str(ex).splitlines()[0][:200] if str(ex) else ''}"}


def check_result(err, threshold):
    return {"rel_err": err if math.isfinite(err) else None, "threshold": threshold, "passed": bool(err < threshold)}


def check(y, ref_fn, fn):
    y.fill_(float("nan"))  # poison: every element must be written
    fn()
    torch.cuda.synchronize()
    return check_result(rel_err(y, ref_fn()), 1e-2)


# ---------------------------------------------------------------------------------------------- main


def read_done(path):
    """Ids already in `path` (a resumed run); a half-written last line is dropped."""
    if not os.path.exists(path):
        return set(), False
    with open(path) as f:
        lines = f.read().split("\n")
    good, ids = [], set()
    for ln in lines:
        if not ln.strip():
            continue
        try:
            obj = json.loads(ln)
        except json.JSONDecodeError:
            break
        good.append(ln)
        if obj.get("kind") != "meta":
            ids.add(obj["id"])
    with open(path, "w") as f:
        f.write("".join(x + "\n" for x in good))
    return ids, bool(good)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("plan")
    ap.add_argument("--out", required=True)
    ap.add_argument("--resume", action="store_true")
    ap.add_argument("--max-seconds", type=float, default=0)
    ap.add_argument("--only", default="", help="comma-separated experiment kinds to run")
    ap.add_argument("--ids", default="", help="comma-separated id prefixes to run")
    ap.add_argument("--kernel-names", action="store_true", help="record the kernels each operator launches (torch.profiler, one eager call; op records' `kernels`)")
    ap.add_argument("--partition-side", default="first", choices=["first", "last"],
                    help="which 8-SM groups a single partition takes: the first (default) or the last, as a pair's decode side")
    ap.add_argument("--settle-seconds", type=float, default=0.0,
                    help="forwards alone: replay each untimed for this long before timing it, so it is timed at its settled clock (records carry settle_s)")
    ap.add_argument("--settle-min-sms", type=int, default=0,
                    help="with --settle-seconds: settle only forwards on partitions of at least this many SMs (where the power cap can act)")
    ap.add_argument("--attention", default="", help="force SDPA backends, e.g. prefill=flash,prefill_cached=flash,decode=cudnn")
    a = ap.parse_args()
    t0 = time.time()
    with open(a.plan) as f:
        plan = json.load(f)
    if plan.get("version") != 1 or not isinstance(plan.get("experiments"), list):
        sys.exit(f"{a.plan}: not a duetsim plan (version 1 with an experiments list)")
    done, has_meta = read_done(a.out) if a.resume else (set(), False)
    if not a.resume and os.path.exists(a.out):
        sys.exit(f"{a.out} exists: pass --resume to continue it, or another --out")
    kinds = set(filter(None, a.only.split(",")))
    prefixes = list(filter(None, a.ids.split(",")))
    todo = [e for e in plan["experiments"] if e["id"] not in done and (not kinds or e["kind"] in kinds)
            and (not prefixes or any(e["id"].startswith(p) for p in prefixes))]
    # Run by model so each model's weights are filled once.
    order = {k: i for i, k in enumerate(["ceiling_gemm", "ceiling_bandwidth", "op", "forward", "concurrent", "clock_regime"])}
    todo.sort(key=lambda e: (e.get("model", ""), order.get(e["kind"], 9)))
    runner = Runner(plan, a)
    out = open(a.out, "a")
    if not has_meta:
        out.write(json.dumps(runner.meta()) + "\n")
        out.flush()
    failed = ran = 0
    for i, e in enumerate(todo):
        if a.max_seconds and time.time() - t0 > a.max_seconds:
            print(f"stopped by --max-seconds after {i} of {len(todo)} experiments; rerun with --resume", file=sys.stderr)
            break
        t1 = time.time()
        ran += 1
        try:
            # An NVTX range per experiment: a profiler keeps to the experiments with `--nvtx --nvtx-include
            # experiment/` and skips the start-up probes, which launch the same SDPA kernels (cuda/tools/device_ncu.sh).
            torch.cuda.nvtx.range_push("experiment")
            try:
                rec = runner.run(e)
            finally:
                torch.cuda.nvtx.range_pop()
            out.write(json.dumps(rec) + "\n")
            out.flush()
            headline = rec.get("median_us", rec.get("decode_concurrent_us", rec.get("serving_us")))
            print(f"[{i + 1}/{len(todo)}] {e['id']}: {headline} us ({time.time() - t1:.1f} s, {time.time() - t0:.0f} s in all)", file=sys.stderr)
        except Exception as ex:  # one experiment failing must not lose the others
            failed += 1
            print(f"[{i + 1}/{len(todo)}] {e['id']}: FAILED {type(ex).__name__}: {str(ex).splitlines()[0][:300] if str(ex) else ''}", file=sys.stderr)
            torch.cuda.synchronize()
            torch.cuda.empty_cache()
    out.close()
    print(f"done: {ran - failed} ran, {failed} failed, {len(todo) - ran} left, {time.time() - t0:.0f} s", file=sys.stderr)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
