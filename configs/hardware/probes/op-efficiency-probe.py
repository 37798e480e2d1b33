"""Seeds for the `overheads`, `efficiency` and `kernelFloorUs` fields of configs/hardware/*.yaml.

Run once on a lent GPU (PyTorch only, no duetsim code):  python3 op-efficiency-probe.py > out.txt
Its output is committed beside it (op-efficiency-<gpu>.txt) and the YAMLs cite the lines they use.

What it measures, and why each number is a ratio:
  The latency model charges an operator max(F / (eff.compute * PI(S)), B / (eff.memory * W(S))), where PI and W
  are the GEMM curves of hardware-notes/h200-gemm-partition-probe.txt. So an efficiency is "this operator class's
  achieved rate over the reference GEMM's achieved rate on the same card", and this script measures the two
  reference GEMMs of that probe (prefill-like 4096x4096->14336; decode-like 64 tokens through four 4096x14336
  weights) in the same run and divides by them.
  Attention is measured with PyTorch's scaled_dot_product_attention (flash backend, which is FlashAttention-2
  code); vLLM on Hopper runs FlashAttention-3, so the prefill attention ratio printed here is a lower bound.
Host costs (eager launch, graph launch) are measured through PyTorch, as a Python serving engine pays them.
"""

import statistics
import time

import torch

DEV = torch.device("cuda")
BF16 = torch.bfloat16


def median_ms(fn, warmup=5, reps=30):
    """Median device time of fn() over reps runs, in ms (CUDA events around each run)."""
    for _ in range(warmup):
        fn()
    torch.cuda.synchronize()
    times = []
    for _ in range(reps):
        start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        start.record()
        fn()
        end.record()
        end.synchronize()
        times.append(start.elapsed_time(end))
    return statistics.median(times)


def gemm_rate(n, d_in, d_out, copies=4):
    """(TFLOP/s, GB/s) of x[n,d_in] @ W[d_in,d_out], rotating over `copies` weights so L2 holds none of them."""
    xs = [torch.randn(n, d_in, device=DEV, dtype=BF16) for _ in range(copies)]
    ws = [torch.randn(d_in, d_out, device=DEV, dtype=BF16) / d_in**0.5 for _ in range(copies)]

    def run():
        for x, w in zip(xs, ws):
            torch.matmul(x, w)

    ms = median_ms(run) / copies
    flops = 2 * n * d_in * d_out
    moved = 2 * (n * d_in + d_in * d_out + n * d_out)
    return flops / ms / 1e9, moved / ms / 1e6


def sdpa(q, k, v, is_causal):
    """Flash backend when it takes grouped KV heads; otherwise whatever fused backend PyTorch picks (printed once)."""
    f = torch.nn.functional.scaled_dot_product_attention
    try:
        with torch.nn.attention.sdpa_kernel(torch.nn.attention.SDPBackend.FLASH_ATTENTION):
            return f(q, k, v, is_causal=is_causal, enable_gqa=True)
    except RuntimeError as e:
        if not getattr(sdpa, "warned", False):
            print(f"note: flash backend refused GQA ({str(e).splitlines()[0]}); using PyTorch's default choice")
            sdpa.warned = True
        return f(q, k, v, is_causal=is_causal, enable_gqa=True)


def attn_prefill_rate(q_len, heads=32, kv_heads=8, head_dim=128):
    """TFLOP/s of causal flash attention over one q_len-token prompt (FLOPs counted for the causal half)."""
    q = torch.randn(1, heads, q_len, head_dim, device=DEV, dtype=BF16)
    k = torch.randn(1, kv_heads, q_len, head_dim, device=DEV, dtype=BF16)
    v = torch.randn(1, kv_heads, q_len, head_dim, device=DEV, dtype=BF16)
    ms = median_ms(lambda: sdpa(q, k, v, is_causal=True))
    flops = 4 * heads * q_len * q_len * head_dim / 2
    return flops / ms / 1e9


def attn_decode_rate(batch, ctx, heads=32, kv_heads=8, head_dim=128):
    """GB/s of one decode step's attention: batch sequences, one query token each over ctx cached tokens."""
    q = torch.randn(batch, heads, 1, head_dim, device=DEV, dtype=BF16)
    k = torch.randn(batch, kv_heads, ctx, head_dim, device=DEV, dtype=BF16)
    v = torch.randn(batch, kv_heads, ctx, head_dim, device=DEV, dtype=BF16)
    ms = median_ms(lambda: sdpa(q, k, v, is_causal=False))
    moved = 2 * (2 * batch * kv_heads * ctx * head_dim + 2 * batch * heads * head_dim)
    return moved / ms / 1e6


def elementwise_rate(n_tokens, hidden=4096, ffn=12288):
    """GB/s of the two memory-bound token ops of a SwiGLU layer: RMSNorm over hidden and silu(gate)*up over ffn."""
    x = torch.randn(n_tokens, hidden, device=DEV, dtype=BF16)
    g = torch.ones(hidden, device=DEV, dtype=BF16)
    gate_up = torch.randn(n_tokens, 2 * ffn, device=DEV, dtype=BF16)
    norm = lambda: torch.nn.functional.rms_norm(x, (hidden,), g, 1e-6)
    act = lambda: torch.nn.functional.silu(gate_up[:, :ffn]) * gate_up[:, ffn:]
    ms_norm, ms_act = median_ms(norm), median_ms(act)
    norm_bytes = 2 * (2 * n_tokens * hidden + hidden)
    act_bytes = 2 * (2 * n_tokens * ffn + n_tokens * ffn)
    return norm_bytes / ms_norm / 1e6, act_bytes / ms_act / 1e6


def host_costs():
    """Host µs per eager PyTorch launch, per graph replay call, and GPU µs per tiny kernel inside a graph."""
    t = torch.zeros(256, device=DEV)
    n = 4000
    for _ in range(200):
        t.add_(1.0)
    torch.cuda.synchronize()
    # Eager: enqueue n tiny kernels back to back; the GPU finishes each in ~1 µs, so the host is the bottleneck.
    t0 = time.perf_counter()
    for _ in range(n):
        t.add_(1.0)
    torch.cuda.synchronize()
    eager_us = (time.perf_counter() - t0) / n * 1e6

    nodes = 400  # about one decode forward of a 36-layer model (~10 kernels per layer)
    s = torch.cuda.Stream()
    s.wait_stream(torch.cuda.current_stream())
    with torch.cuda.stream(s):
        for _ in range(3):
            t.add_(1.0)
    torch.cuda.current_stream().wait_stream(s)
    graph = torch.cuda.CUDAGraph()
    with torch.cuda.graph(graph):
        for _ in range(nodes):
            t.add_(1.0)
    for _ in range(10):
        graph.replay()
    torch.cuda.synchronize()
    # Host cost of one replay call: time the call alone, syncing between replays so the queue is empty.
    calls = []
    for _ in range(200):
        t0 = time.perf_counter()
        graph.replay()
        calls.append(time.perf_counter() - t0)
        torch.cuda.synchronize()
    replay_host_us = statistics.median(calls) * 1e6
    # GPU time per node inside the graph: device time of a replay over its node count.
    per_node_us = median_ms(graph.replay) * 1e3 / nodes
    return eager_us, replay_host_us, per_node_us


def main():
    torch.manual_seed(0)
    p = torch.cuda.get_device_properties(0)
    print(f"device {p.name} sms={p.multi_processor_count} l2_bytes={p.L2_cache_size} total_mem_bytes={p.total_memory}")
    print(f"torch {torch.__version__} cuda {torch.version.cuda}")

    # Clocks ramp up under load (an idle H200 read 570 MHz SM clock): run ~3 s of GEMMs before the reference.
    a = torch.randn(8192, 8192, device=DEV, dtype=BF16)
    t_end = time.perf_counter() + 3.0
    while time.perf_counter() < t_end:
        for _ in range(20):
            a @ a
        torch.cuda.synchronize()
    ref_tf, _ = gemm_rate(4096, 4096, 14336)
    _, ref_gbs = gemm_rate(64, 4096, 14336)
    print(f"reference prefill_gemm_tflops={ref_tf:.0f} decode_gemm_gbs={ref_gbs:.0f}")

    # Qwen3-8B projections (hidden 4096, q 4096, kv 2x1024, ffn 12288): QKV, O, gate_up, down.
    shapes = {"qkv": (4096, 6144), "o": (4096, 4096), "gate_up": (4096, 24576), "down": (12288, 4096)}
    # "layer" is the whole layer's four GEMMs together: total FLOPs (or bytes) over total time, i.e. the
    # efficiency the latency model needs when it charges them as one operator class.
    for n in (512, 2048, 8192):
        rates = {k: gemm_rate(n, *s)[0] for k, s in shapes.items()}
        layer = sum(2 * n * a * b for a, b in shapes.values()) / sum(2 * n * a * b / rates[k] for k, (a, b) in shapes.items())
        print(f"gemm_compute n={n} " + " ".join(f"{k}={v / ref_tf:.3f}" for k, v in rates.items()) + f" layer={layer / ref_tf:.3f}")
    for n in (1, 16, 64, 256):
        rates = {k: gemm_rate(n, *s)[1] for k, s in shapes.items()}
        size = {k: n * a + a * b + n * b for k, (a, b) in shapes.items()}
        layer = sum(size.values()) / sum(size[k] / rates[k] for k in shapes)
        print(f"gemm_memory n={n} " + " ".join(f"{k}={v / ref_gbs:.3f}" for k, v in rates.items()) + f" layer={layer / ref_gbs:.3f}")
    for n in (512, 2048):
        print(f"lm_head_compute n={n} ratio={gemm_rate(n, 4096, 151936, copies=2)[0] / ref_tf:.3f}")
    for n in (1, 64, 256):
        print(f"lm_head_memory n={n} ratio={gemm_rate(n, 4096, 151936, copies=2)[1] / ref_gbs:.3f}")
    for q_len in (512, 2048, 8192):
        print(f"attn_prefill_compute q_len={q_len} ratio={attn_prefill_rate(q_len) / ref_tf:.3f}")
    for batch, ctx in ((1, 4096), (32, 1024), (64, 4096), (256, 2048)):
        print(f"attn_decode_memory batch={batch} ctx={ctx} ratio={attn_decode_rate(batch, ctx) / ref_gbs:.3f}")
    for n in (64, 2048, 16384):
        norm, act = elementwise_rate(n)
        print(f"elementwise_memory n={n} rmsnorm={norm / ref_gbs:.3f} silu_mul={act / ref_gbs:.3f}")

    end_tf, _ = gemm_rate(4096, 4096, 14336)
    _, end_gbs = gemm_rate(64, 4096, 14336)
    print(f"reference_again prefill_gemm_tflops={end_tf:.0f} decode_gemm_gbs={end_gbs:.0f} (drift check)")

    eager_us, replay_host_us, per_node_us = host_costs()
    print(f"host eager_launch_us_per_kernel={eager_us:.2f} graph_replay_host_us(400 nodes)={replay_host_us:.2f}")
    print(f"gpu kernel_in_graph_us_per_node={per_node_us:.2f}")
    print("done")


if __name__ == "__main__":
    main()
