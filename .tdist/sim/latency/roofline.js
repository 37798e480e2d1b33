import { OP_CLASSES } from '../hardware/hardware-spec.js';
import { curveAtFast, saturating } from './curve.js';
import { gemmClusterShare, gemmRecordedTile, gemmTimeScale } from './gemm-kernels.js';
import { clusterSms } from '../hardware/partition.js';
export const WHOLE_GPU = (hw) => ({
    smCount: hw.smCount,
    partnerSmCount: 0,
    launch: 'graph',
    tpDegree: 1,
});
const CLASS_INDEX = Object.fromEntries(OP_CLASSES.map((c, i) => [c, i]));
const ALLREDUCE = OP_CLASSES.length;
const SLOTS = OP_CLASSES.length + 1;
/** Accumulator for the breakdown: flops, bytes, kernels, us, computeUs per class. */
class Acc {
    v = new Float64Array(SLOTS * 5);
    add(slot, flops, bytes, kernels, us, computeBoundUs) {
        const o = slot * 5;
        this.v[o] += flops;
        this.v[o + 1] += bytes;
        this.v[o + 2] += kernels;
        this.v[o + 3] += us;
        this.v[o + 4] += computeBoundUs;
    }
}
/**
 * Rates for (hw, SMs, partner SMs), memoised per parsed spec: every priced forward needs them and the
 * answer depends only on those (frozen) inputs, so the memo cannot change a result.
 */
const ratesMemo = new WeakMap();
const REGIME_INDEX = { calibration: 0, 'back-to-back': 1, serving: 2 };
function ratesFor(hw, opts) {
    // A partner load (and the partition's own compute-bound share) is continuous and comes from another
    // prediction: not memoised (two curve lookups).
    if (opts.partnerSmCount > 0 && (opts.partnerLoad || opts.ownComputeBoundShare !== undefined))
        return computeRates(hw, opts);
    let byKey = ratesMemo.get(hw);
    if (!byKey)
        ratesMemo.set(hw, (byKey = new Map()));
    const key = (REGIME_INDEX[opts.clockRegime ?? 'serving'] * 4096 + opts.smCount) * 65536 + opts.partnerSmCount;
    let r = byKey.get(key);
    if (!r)
        byKey.set(key, (r = computeRates(hw, opts)));
    return r;
}
/** Compute-time scale of a clock regime on `smCount` SMs (1 when the spec has no clock-regime data). */
export function clockScale(hw, regime, smCount) {
    const c = hw.perf.clockRegime;
    if (!c)
        return 1;
    switch (regime ?? 'serving') {
        case 'calibration':
            return 1;
        case 'back-to-back':
            return c.backToBackComputeScale;
        case 'serving':
            return servingScaleAt(c, smCount, hw.smCount);
    }
}
/** ClockRegimeSpec's serving scale on `smCount` of `allSms` SMs: linear from its onset (servingFromSms) to the whole GPU. */
export function servingScaleAt(c, smCount, allSms) {
    if (c.servingFromSms === undefined || c.servingFromSms >= allSms)
        return c.servingComputeScale;
    const t = Math.min(1, Math.max(0, (smCount - c.servingFromSms) / (allSms - c.servingFromSms)));
    return c.backToBackComputeScale + (c.servingComputeScale - c.backToBackComputeScale) * t;
}
function computeRates(hw, opts) {
    const c = hw.perf.contention;
    let computeStretch = 1;
    let memoryStretch = 1;
    if (opts.partnerSmCount > 0) {
        if (c.shared) {
            const load = opts.partnerLoad ?? fullLoad(hw, opts.partnerSmCount);
            const power = c.shared.powerShare === 'busy-sms' ? load.smShare : load.computeShare;
            const reach = c.shared.exposure === 'compute-bound-share' ? (opts.ownComputeBoundShare ?? 1) : 1;
            const room = c.shared.bandwidthExposure === 'own-capacity' ? ownBandwidthCapacity(hw, opts.smCount) : 1;
            computeStretch = 1 + c.shared.computeByPower * power * reach + c.shared.computeByBandwidth * load.bandwidthShare;
            memoryStretch = 1 + c.shared.memoryByPower * power + c.shared.memoryByBandwidth * load.bandwidthShare * room;
        }
        else {
            const share = opts.partnerSmCount / hw.smCount;
            computeStretch = 1 + c.compute * share;
            memoryStretch = 1 + c.memory * share;
        }
    }
    const memoryScale = bandwidthScaleAt(hw.perf.bandwidthScale, opts.smCount);
    return {
        // The clock is the GPU's: a partition beside a partner runs at the clock their busy SMs together allow.
        computeFlopsPerUs: curveAtFast(hw.perf.computeFlopsPerS, opts.smCount) / 1e6 / clockScale(hw, opts.clockRegime, opts.smCount + opts.partnerSmCount),
        bandwidthBytesPerUs: (curveAtFast(hw.perf.bandwidthBytesPerS, opts.smCount) / 1e6) * memoryScale,
        computeStretch,
        memoryStretch,
        floorUs: hw.perf.kernelFloorUs,
        tail: hw.perf.kernelRule === 'tail' ? 1 : 0,
        classBytesPerUs: classBandwidth(hw, opts.smCount, memoryScale),
        ridge: hw.perf.ridgeExponent ?? 0,
        smCount: opts.smCount,
        clusters: clusterRates(hw, opts),
    };
}
/** W(S) ÷ W(all SMs), at most 1: the share of HBM bandwidth a partition's own SMs can draw (SharedContention.bandwidthExposure). */
export function ownBandwidthCapacity(hw, smCount) {
    const all = curveAtFast(hw.perf.bandwidthBytesPerS, hw.smCount);
    return Math.min(1, curveAtFast(hw.perf.bandwidthBytesPerS, smCount) / all);
}
/** Rates.clusters for this partition: null unless it holds the remainder and the spec has a cluster table. */
function clusterRates(hw, opts) {
    const table = hw.perf.gemmKernels;
    if (!table)
        return null;
    const groups = clusterSms(hw, opts.smCount);
    if (groups === opts.smCount)
        return null;
    if (groups <= 0) {
        // isValidPartitionSize refuses this size wherever a user can name it; reaching here is a caller's bug.
        throw new Error(`a ${opts.smCount}-SM partition is the GPC remainder alone: the GEMM library's clustered kernels cannot launch there`);
    }
    return { table, groups: computeRates(hw, { ...opts, smCount: groups }) };
}
/** PerfSpec.bandwidthScale at `smCount`: 1 when absent, flat beyond its first and last points. */
export function bandwidthScaleAt(scale, smCount) {
    if (!scale || scale.length === 0)
        return 1;
    return smCount <= scale[0].smCount ? scale[0].value : curveAtFast(scale, smCount);
}
function classBandwidth(hw, smCount, memoryScale) {
    const m = hw.perf.bandwidthModel;
    if (!m)
        return null;
    const out = new Float64Array(OP_CLASSES.length);
    OP_CLASSES.forEach((c, i) => {
        const e = hw.perf.efficiency[c];
        out[i] = (saturating(m.perSmBytesPerS * (e.memorySlope ?? 1), m.maxBytesPerS * e.memory, m.knee, smCount) / 1e6) * memoryScale;
    });
    return out;
}
/** A partner about which nothing is known but its size: fully busy on its SMs, at its full bandwidth. */
function fullLoad(hw, partnerSmCount) {
    return {
        computeShare: partnerSmCount / hw.smCount,
        smShare: partnerSmCount / hw.smCount,
        bandwidthShare: curveAtFast(hw.perf.bandwidthBytesPerS, partnerSmCount) / curveAtFast(hw.perf.bandwidthBytesPerS, hw.smCount),
    };
}
/**
 * Time of `count` identical kernels of class `op`; adds to `acc` when given. Returns µs.
 * Exported for the calibration fitter, which prices single operators with the same rule.
 */
export function kernelUs(hw, r, op, flops, bytes, count, acc, padFlops = 0) {
    const eff = hw.perf.efficiency[op];
    // padFlops: work the kernel does beyond the counted FLOPs (a GEMM's partial row tile); it takes time
    // but is not reported as FLOPs.
    const computeUs = computeUsOf(hw, r, op, flops + padFlops);
    const memoryUs = memoryUsOf(hw, r, op, bytes);
    const hi = Math.max(computeUs, memoryUs);
    const both = r.ridge > 0 && hi > 0 ? hi * Math.pow(Math.pow(computeUs / hi, r.ridge) + Math.pow(memoryUs / hi, r.ridge), 1 / r.ridge) : hi;
    const one = r.tail ? both + (eff.tailUs ?? r.floorUs) : Math.max(both, r.floorUs);
    const us = one * count;
    if (acc)
        acc.add(CLASS_INDEX[op], flops * count, bytes * count, count, us, computeUs >= memoryUs && computeUs >= r.floorUs ? us : 0);
    return us;
}
/** A kernel's compute-bound time (flops include any padding) and memory-bound time, as kernelUs combines them. */
function computeUsOf(hw, r, op, flops) {
    return (flops / (r.computeFlopsPerUs * hw.perf.efficiency[op].compute)) * r.computeStretch;
}
function memoryUsOf(hw, r, op, bytes) {
    const bytesPerUs = r.classBytesPerUs ? r.classBytesPerUs[CLASS_INDEX[op]] : r.bandwidthBytesPerUs * hw.perf.efficiency[op].memory;
    return (bytes / bytesPerUs) * r.memoryStretch;
}
/** Whether kernelUs finds this kernel compute-bound (for the breakdown's computeBoundShare); flops include any padding. */
function computeBound(hw, r, op, flops, bytes) {
    const computeUs = computeUsOf(hw, r, op, flops);
    return computeUs >= memoryUsOf(hw, r, op, bytes) && computeUs >= r.floorUs;
}
function linearUs(hw, r, op, n, dIn, dOut, s, count, acc) {
    const flops = 2 * n * dIn * dOut;
    // Activations in and out, plus the weights, read once per kernel.
    const bytes = (n * dIn + dIn * dOut + n * dOut) * s;
    const pad = gemmPadFlops(hw.perf, n, dIn, dOut, r.smCount);
    const share = r.clusters ? gemmClusterShare(r.clusters.table, n, dIn, dOut) : 0;
    // cuBLAS's own time at this (shape, tokens) over the roofline's (GemmKernelShape.timeScale); the LM head
    // is not a shape the table records.
    const table = hw.perf.gemmKernels;
    const scale = table && op === 'gemm' ? gemmTimeScale(table, n, dIn, dOut) : 1;
    if (share === 0 && scale === 1)
        return kernelUs(hw, r, op, flops, bytes, count, acc, pad);
    // On a partition holding the remainder, a clustered kernel runs on the whole groups only: its time is
    // its time on those SMs (GemmKernelTable). A share between 0 and 1 (a token count between two recorded
    // ones, or an unrecorded shape) weighs the two times.
    const onAll = kernelUs(hw, r, op, flops, bytes, 1, null, pad);
    const g = share > 0 ? r.clusters.groups : null;
    const onGroups = g ? kernelUs(hw, g, op, flops, bytes, 1, null, gemmPadFlops(hw.perf, n, dIn, dOut, g.smCount)) : 0;
    const us = ((1 - share) * onAll + share * onGroups) * scale * count;
    if (acc)
        acc.add(CLASS_INDEX[op], flops * count, bytes * count, count, us, computeBound(hw, r, op, flops + pad, bytes) ? us : 0);
    return us;
}
/**
 * One GEMM of n tokens through a dIn × dOut weight alone on `smCount` SMs (graph launch, the clock the
 * calibration ran at), priced as a forward prices its linear layers. For the calibration fitter, which
 * compares the model with the gemm-rows plan's single-GEMM timings (GemmKernelShape.timeScale).
 */
export function gemmAloneUs(hw, n, dIn, dOut, dtypeBytes, smCount) {
    const r = ratesFor(hw, { smCount, partnerSmCount: 0, launch: 'graph', tpDegree: 1, clockRegime: 'calibration' });
    return linearUs(hw, r, 'gemm', n, dIn, dOut, dtypeBytes, 1, null);
}
/**
 * Compute a GEMM does beyond its 2·n·dIn·dOut FLOPs because it works in whole row tiles (PerfSpec
 * gemmRowTile T and gemmSmallRowTile T_s; the physics form): n tokens cost ⌈n/T⌉·T rows, or ⌈n/T_s⌉·T_s
 * when n ≤ T. cuBLAS picks its kernel by problem size: a batch that fits in one large tile (decode
 * batches, ≤ 128 tokens) runs a narrow-M kernel, anything larger the 128-row Hopper tiles. A 544-token
 * mixed batch (512 prefill + 32 decode) pays for 640 rows with T = 128, 18% more than counted; a 512-token
 * one pays for none; 8 decode tokens with T_s = 64 pay for 64. Absent T: no padding.
 */
export function gemmPadFlops(perf, n, dIn, dOut, smCount = 0) {
    const recorded = perf.gemmKernels && perf.gemmTilesFromRows !== undefined && n >= perf.gemmTilesFromRows ? gemmRecordedTile(perf.gemmKernels, n, dIn, dOut) : null;
    if (recorded)
        return recordedTilePadFlops(perf.gemmWaveBlend ?? 0, recorded, n, dIn, dOut, smCount);
    const large = perf.gemmRowTile;
    if (!large)
        return 0;
    const t = perf.gemmSmallRowTile !== undefined && n <= large ? perf.gemmSmallRowTile : large;
    const rowTiles = Math.ceil(n / t);
    const padded = 2 * rowTiles * t * dIn * dOut;
    const k = perf.gemmWaveBlend ?? 0;
    if (k === 0 || smCount <= 0)
        return padded - 2 * n * dIn * dOut;
    // Wave quantisation: ⌈tiles/S⌉ waves of S tiles each, the last partly idle.
    const tiles = rowTiles * Math.ceil(dOut / (perf.gemmColTile ?? 128));
    const waveFactor = (Math.ceil(tiles / smCount) * smCount) / tiles;
    return padded * (1 + k * (waveFactor - 1)) - 2 * n * dIn * dOut;
}
/**
 * gemmPadFlops on cuBLAS's recorded output tile [tc columns of dOut, tr token rows] (PerfSpec gemmTilesFromRows):
 * the kernel computes ⌈dOut/tc⌉·⌈n/tr⌉ whole tiles, and with the wave blend k those tiles run in ⌈tiles/S⌉ waves
 * on S SMs, the last partly idle, as for the fitted tile.
 */
function recordedTilePadFlops(k, [tc, tr], n, dIn, dOut, smCount) {
    const colTiles = Math.ceil(dOut / tc);
    const rowTiles = Math.ceil(n / tr);
    const padded = 2 * colTiles * tc * rowTiles * tr * dIn;
    const counted = 2 * n * dIn * dOut;
    if (k === 0 || smCount <= 0)
        return padded - counted;
    const tiles = colTiles * rowTiles;
    return padded * (1 + k * ((Math.ceil(tiles / smCount) * smCount) / tiles - 1)) - counted;
}
/**
 * Work beyond the counted FLOPs that prefill chunks over a cached prefix cost when their kernel reaches
 * OpEfficiency.cachedPrefixCompute instead of `compute`: F_cached·(compute/cachedPrefixCompute − 1), so
 * that (F + pad)/(Π·compute) prices the plain chunks at `compute` and the cached ones at their own rate.
 */
export function cachedPrefixPadFlops(eff, cachedPrefixFlops) {
    if (eff.cachedPrefixCompute === undefined || cachedPrefixFlops === 0)
        return 0;
    return cachedPrefixFlops * (eff.compute / eff.cachedPrefixCompute - 1);
}
/** FLOPs of one prefill chunk's attention: q new queries over c cached and the q new keys, causal. */
export function prefillChunkFlops(qHeads, headDim, newTokens, cachedTokens) {
    return 4 * qHeads * headDim * (newTokens * cachedTokens + (newTokens * newTokens) / 2);
}
/**
 * How much longer a prefill attention kernel computes because its query blocks run in whole waves on the
 * partition (PerfSpec attnWaveBlend k, attnRowTile T; the physics form). One varlen kernel covers every
 * chunk of the batch, a grid of Σ⌈q/T⌉·hq blocks; on S SMs they take ⌈blocks/S⌉ waves, so its compute is
 * scaled by 1 + k·(waves·S/blocks − 1). A short chunk over a cached prefix (256 queries, 32 heads: 64
 * blocks of 128 rows) fills 64 SMs but half of 128. Returns 1 without the term.
 */
export function attnWaveStretch(perf, chunks, qHeads, smCount) {
    const k = perf.attnWaveBlend ?? 0;
    if (k === 0 || smCount <= 0)
        return 1;
    const rowTile = perf.attnRowTile ?? 128;
    let blocks = 0;
    for (const c of chunks)
        blocks += Math.ceil(c.newTokens / rowTile) * qHeads;
    if (blocks === 0)
        return 1;
    return 1 + k * ((Math.ceil(blocks / smCount) * smCount) / blocks - 1);
}
/**
 * Compute beyond the counted FLOPs of the prefill attention kernel over `chunks`: the wave stretch
 * (attnWaveStretch) on all of it and, for chunks over a cached prefix, their own efficiency
 * (cachedPrefixPadFlops, applied to their stretched work).
 */
export function prefillAttentionPadFlops(perf, chunks, qHeads, headDim, smCount) {
    const stretch = attnWaveStretch(perf, chunks, qHeads, smCount);
    let flops = 0;
    let cachedFlops = 0;
    for (const { newTokens: q, cachedTokens: c } of chunks) {
        const f = prefillChunkFlops(qHeads, headDim, q, c);
        flops += f;
        if (c > 0)
            cachedFlops += f;
    }
    return flops * (stretch - 1) + cachedPrefixPadFlops(perf.efficiency.attn_prefill, cachedFlops * stretch);
}
/**
 * Per-layer work that depends only on the token count n: the four projections, the elementwise kernels
 * and (under TP) the all-reduces. Returns [µs, kernels] of one layer.
 */
function layerTokenOps(model, hw, r, n, tp, acc) {
    const s = model.dtypeBytes;
    const d = model.hiddenSize;
    const dh = model.headDim;
    const hq = model.numQHeads / tp;
    const hkv = Math.max(1, model.numKvHeads / tp);
    const ffn = model.ffnSize / tp;
    let us = 0;
    // Token-level linear layers (column/row parallel under TP).
    us += linearUs(hw, r, 'gemm', n, d, (hq + 2 * hkv) * dh, s, 1, acc);
    us += linearUs(hw, r, 'gemm', n, hq * dh, d, s, 1, acc);
    us += linearUs(hw, r, 'gemm', n, d, 2 * ffn, s, 1, acc);
    us += linearUs(hw, r, 'gemm', n, ffn, d, s, 1, acc);
    // Elementwise kernels, memory bound: fused add+RMSNorm ×2 (read x and residual, write both),
    // RoPE on q and k (in place), q/k RMSNorm (Qwen3), SiLU·mul over the gate/up output.
    const qkDim = (hq + hkv) * dh;
    us += kernelUs(hw, r, 'elementwise', 0, 4 * n * d * s, 2, acc);
    us += kernelUs(hw, r, 'elementwise', 0, 2 * n * qkDim * s, model.qkNorm ? 2 : 1, acc);
    us += kernelUs(hw, r, 'elementwise', 0, 3 * n * ffn * s, 1, acc);
    let kernels = 4 + (model.qkNorm ? 5 : 4);
    // Tensor parallelism: an all-reduce after attention and after the MLP, ring algorithm:
    // 2(N−1) steps, each α plus bytes/N over the link.
    if (tp > 1) {
        const bytes = n * d * s;
        const steps = 2 * (tp - 1);
        const arUs = steps * (hw.interconnect.latencyUs + (bytes / tp / hw.interconnect.bandwidthBytesPerS) * 1e6);
        us += 2 * arUs;
        kernels += 2;
        if (acc)
            acc.add(ALLREDUCE, 0, 2 * steps * (bytes / tp), 2, 2 * arUs, 0);
    }
    return [us, kernels];
}
/** Embedding gather over n tokens, final norm over the sampled rows, LM head over one row per sequence. */
function tailOps(model, hw, r, n, numSeqs, tp, acc) {
    const s = model.dtypeBytes;
    const d = model.hiddenSize;
    let us = kernelUs(hw, r, 'elementwise', 0, 2 * n * d * s, 1, acc);
    us += kernelUs(hw, r, 'elementwise', 0, 2 * numSeqs * d * s, 1, acc);
    us += linearUs(hw, r, 'lm_head', numSeqs, d, model.vocabSize / tp, s, 1, acc);
    return us;
}
const TAIL_KERNELS = 3;
/**
 * The token-count-only part of a forward, memoised per (rates, model, TP, n, sequences): the simulator
 * prices hundreds of thousands of steps whose token counts repeat while their attention contexts do not.
 * Keyed by frozen inputs, so the memo cannot change an answer; bounded so long runs do not grow it forever.
 */
const tokenMemo = new WeakMap();
const TOKEN_MEMO_LIMIT = 200_000;
function tokenPart(model, hw, r, n, numSeqs, tp) {
    let byModel = tokenMemo.get(r);
    if (!byModel)
        tokenMemo.set(r, (byModel = new WeakMap()));
    let m = byModel.get(model);
    if (!m)
        byModel.set(model, (m = new Map()));
    const cacheable = numSeqs < 65536 && tp < 64 && n < 2 ** 30;
    const key = (n * 65536 + numSeqs) * 64 + tp;
    let v = cacheable ? m.get(key) : undefined;
    if (!v) {
        const [layerUs, layerKernels] = layerTokenOps(model, hw, r, n, tp, null);
        v = Float64Array.of(layerUs, layerKernels, tailOps(model, hw, r, n, numSeqs, tp, null));
        if (cacheable) {
            if (m.size >= TOKEN_MEMO_LIMIT)
                m.clear();
            m.set(key, v);
        }
    }
    return v;
}
/**
 * Core arithmetic shared by predictIteration and predictGpuUs. Returns GPU µs and the kernel count;
 * fills `acc` when given (then nothing is memoised).
 */
function forward(model, hw, batch, opts, acc) {
    const tp = opts.tpDegree;
    const s = model.dtypeBytes;
    const L = model.numLayers;
    const dh = model.headDim;
    const hq = model.numQHeads / tp;
    const hkv = Math.max(1, model.numKvHeads / tp);
    const r = ratesFor(hw, needsOwnShare(hw, opts) ? { ...opts, ownComputeBoundShare: aloneDemand(model, hw, batch, opts.smCount, tp, opts.clockRegime).computeBoundShare } : opts);
    let n = batch.decodeCount;
    for (const p of batch.prefills)
        n += p.newTokens;
    const numSeqs = batch.prefills.length + batch.decodeCount;
    if (n === 0)
        return [0, 0];
    let layerUs;
    let layerKernels;
    let tail = 0;
    if (acc)
        [layerUs, layerKernels] = layerTokenOps(model, hw, r, n, tp, acc);
    else {
        const t = tokenPart(model, hw, r, n, numSeqs, tp);
        layerUs = t[0];
        layerKernels = t[1];
        tail = t[2];
    }
    // Prefill attention: one varlen kernel over all chunks. Causal: the q×q block is half computed.
    if (batch.prefills.length > 0) {
        let flops = 0;
        let bytes = 0;
        for (const p of batch.prefills) {
            const q = p.newTokens;
            const c = p.cachedTokens;
            flops += prefillChunkFlops(hq, dh, q, c);
            // Q read + O write, K/V read over q+c, K/V of the new tokens written to the cache.
            bytes += (2 * hq * q * dh + 2 * hkv * (q + c) * dh + 2 * hkv * q * dh) * s;
        }
        layerUs += kernelUs(hw, r, 'attn_prefill', flops, bytes, 1, acc, prefillAttentionPadFlops(hw.perf, batch.prefills, hq, dh, r.smCount));
        layerKernels += 1;
    }
    // Decode attention: q = 1 over each request's context; bandwidth bound on the KV read.
    if (batch.decodeCount > 0) {
        const c = batch.decodeContextTokens;
        const flops = 4 * hq * dh * c;
        const bytes = (2 * hq * dh * batch.decodeCount + 2 * hkv * c * dh + 2 * hkv * dh * batch.decodeCount) * s;
        layerUs += kernelUs(hw, r, 'attn_decode', flops, bytes, 1, acc);
        layerKernels += 1;
    }
    let gpuUs = layerUs * L;
    const kernels = layerKernels * L + TAIL_KERNELS;
    if (acc) {
        // Per-layer classes were accumulated once; scale them to L layers, then add the tail unscaled.
        for (let slot = 0; slot < SLOTS; slot++)
            for (let k = 0; k < 5; k++)
                acc.v[slot * 5 + k] *= L;
        tail = tailOps(model, hw, r, n, numSeqs, tp, acc);
    }
    gpuUs += tail;
    return [gpuUs, kernels];
}
/**
 * The launch rule, stated once (the engine's split windows, the DuetServe optimiser and predictTotalUs use it):
 * a forward of `gpuUs` over `kernels` kernels replayed as one CUDA graph adds the graph launch; dispatched
 * eagerly, the host's launches overlap the GPU, so the forward takes whichever is longer, launching or running.
 */
export function launchedForwardUs(hw, gpuUs, kernels, launch) {
    const o = hw.overheads;
    return launch === 'graph' ? gpuUs + o.graphLaunchUs : Math.max(gpuUs, kernels * o.eagerLaunchUsPerKernel);
}
function overheadFor(hw, gpuUs, kernels, launch) {
    const o = hw.overheads;
    return launchedForwardUs(hw, gpuUs, kernels, launch) - gpuUs + o.schedulingUs + o.samplingUs;
}
/** GPU µs and kernel count of one forward, without the breakdown: the simulator's hot path. */
export function predictForward(model, hw, batch, opts) {
    return forward(model, hw, batch, opts, null);
}
/** GPU µs of one forward, without the breakdown. */
export function predictGpuUs(model, hw, batch, opts) {
    return forward(model, hw, batch, opts, null)[0];
}
/** GPU µs plus host overheads: what one iteration adds to the simulation clock. */
export function predictTotalUs(model, hw, batch, opts) {
    const [gpuUs, kernels] = forward(model, hw, batch, opts, null);
    if (kernels === 0)
        return 0;
    return gpuUs + overheadFor(hw, gpuUs, kernels, opts.launch);
}
export function predictIteration(model, hw, batch, opts) {
    const acc = new Acc();
    const [gpuUs, kernels] = forward(model, hw, batch, opts, acc);
    const overheadUs = kernels === 0 ? 0 : overheadFor(hw, gpuUs, kernels, opts.launch);
    const breakdown = [];
    const names = [...OP_CLASSES, 'allreduce'];
    names.forEach((op, slot) => {
        const o = slot * 5;
        const kernelCount = acc.v[o + 2];
        if (kernelCount === 0)
            return;
        const us = acc.v[o + 3];
        breakdown.push({
            op,
            flops: acc.v[o],
            bytes: acc.v[o + 1],
            kernels: kernelCount,
            us,
            computeBoundShare: us > 0 ? acc.v[o + 4] / us : 0,
        });
    });
    return { gpuUs, overheadUs, totalUs: gpuUs + overheadUs, kernels, breakdown };
}
/**
 * What a partition running `batch` alone on `smCount` SMs demands of the shared resources: its
 * compute-bound share of time scaled by its SM share (power), and its HBM traffic over the whole GPU's
 * bandwidth. The partner of a split is priced with this as its PredictOptions.partnerLoad.
 */
export function partnerLoadOf(model, hw, batch, smCount, tpDegree, clockRegime) {
    const d = aloneDemand(model, hw, batch, smCount, tpDegree, clockRegime);
    if (!(d.gpuUs > 0))
        return { computeShare: 0, bandwidthShare: 0, smShare: 0, computeBoundShare: 0 };
    const wholeBytesPerUs = curveAtFast(hw.perf.bandwidthBytesPerS, hw.smCount) / 1e6;
    return {
        computeShare: Math.min(1, (smCount / hw.smCount) * d.computeBoundShare),
        bandwidthShare: Math.min(1.5, d.bytes / d.gpuUs / wholeBytesPerUs),
        smShare: smCount / hw.smCount,
        computeBoundShare: d.computeBoundShare,
    };
}
/** A forward alone on `smCount` SMs: its GPU time, bytes moved, and the share of its time spent compute-bound (0 when it has no work). */
function aloneDemand(model, hw, batch, smCount, tpDegree, clockRegime) {
    const acc = new Acc();
    const [gpuUs] = forward(model, hw, batch, { smCount, partnerSmCount: 0, launch: 'graph', tpDegree, clockRegime }, acc);
    let bytes = 0;
    let computeBoundUs = 0;
    for (let slot = 0; slot < SLOTS; slot++) {
        bytes += acc.v[slot * 5 + 1];
        computeBoundUs += acc.v[slot * 5 + 4];
    }
    return { gpuUs, bytes, computeBoundShare: gpuUs > 0 ? Math.min(1, computeBoundUs / gpuUs) : 0 };
}
/** Whether pricing `opts` needs the partition's own compute-bound share and the caller did not pass it. */
function needsOwnShare(hw, opts) {
    return opts.partnerSmCount > 0 && opts.ownComputeBoundShare === undefined && hw.perf.contention.shared?.exposure === 'compute-bound-share';
}
/**
 * The partner fields of PredictOptions for a partition beside `partnerBatch` on `partnerSmCount` SMs:
 * the load is computed only when the spec prices contention by shared resources (it costs one forward), its compute-bound share at `clockRegime` (the one the partition itself is priced at).
 */
export function partnerOf(model, hw, partnerBatch, partnerSmCount, tpDegree, clockRegime) {
    if (partnerSmCount <= 0)
        return { partnerSmCount: 0 };
    if (!hw.perf.contention.shared)
        return { partnerSmCount };
    return { partnerSmCount, partnerLoad: partnerLoadOf(model, hw, partnerBatch, partnerSmCount, tpDegree, clockRegime) };
}
export { ratesFor };
