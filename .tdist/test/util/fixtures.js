import { DEFAULT_ENGINE } from '../../sim/engine/scenario.js';
import { MetricsCollector } from '../../sim/metrics/collector.js';
import { Instance } from '../../sim/engine/instance.js';
import { simulate } from '../../sim/engine/simulation.js';
/** A model small enough to price by hand: 1 layer, hidden 4, 2 query heads, 1 KV head of size 2. */
export const TINY_MODEL = {
    name: 'tiny',
    numLayers: 1,
    hiddenSize: 4,
    numQHeads: 2,
    numKvHeads: 1,
    headDim: 2,
    ffnSize: 8,
    vocabSize: 10,
    dtypeBytes: 2,
    tiedEmbeddings: false,
    qkNorm: false,
    source: 'test fixture',
};
const FLAT_EFFICIENCY = { compute: 1, memory: 1 };
export function perf(overrides = {}) {
    return {
        // Linear through the origin: 1 FLOP/µs and 1 B/µs per SM.
        computeFlopsPerS: [
            { smCount: 1, value: 1e6 },
            { smCount: 100, value: 1e8 },
        ],
        bandwidthBytesPerS: [
            { smCount: 1, value: 1e6 },
            { smCount: 100, value: 1e8 },
        ],
        efficiency: { gemm: FLAT_EFFICIENCY, attn_prefill: FLAT_EFFICIENCY, attn_decode: FLAT_EFFICIENCY, elementwise: FLAT_EFFICIENCY, lm_head: FLAT_EFFICIENCY },
        kernelFloorUs: 0,
        contention: { memory: 0, compute: 0 },
        provenance: 'test fixture',
        ...overrides,
    };
}
/** 100 SMs, rates of 100 FLOP/µs and 100 B/µs on the whole GPU, no host overheads. */
export function tinyHardware(overrides = {}) {
    return {
        name: 'tiny-gpu',
        smCount: 100,
        peakBf16FlopsPerS: 1e8,
        hbmBandwidthBytesPerS: 1e8,
        hbmCapacityBytes: 1e6,
        l2Bytes: 1e3,
        partition: { mechanism: 'green-context', granularitySms: 10, minSms: 10 },
        interconnect: { kind: 'test', bandwidthBytesPerS: 1e6, latencyUs: 1 },
        overheads: { schedulingUs: 0, graphLaunchUs: 0, eagerLaunchUsPerKernel: 0, samplingUs: 0 },
        perf: perf(),
        ...overrides,
    };
}
/** Every kernel costs exactly its floor (rates are huge): a forward costs 100 µs per kernel. */
export function floorOnlyHardware(floorUs = 100) {
    return tinyHardware({
        perf: perf({
            computeFlopsPerS: [{ smCount: 100, value: 1e30 }],
            bandwidthBytesPerS: [{ smCount: 100, value: 1e30 }],
            kernelFloorUs: floorUs,
        }),
    });
}
export function req(id, arrivalUs, promptTokens, outputTokens, hashIds = [], hashBlockTokens = 0) {
    return { id, arrivalUs, promptTokens, outputTokens, hashIds, hashBlockTokens, origin: `test:${id + 1}` };
}
/** Runs requests through one instance built from in-memory specs (no YAML, no trace files). */
export function runTiny(requests, factory, opts = {}) {
    const hw = opts.hw ?? floorOnlyHardware();
    const model = opts.model ?? TINY_MODEL;
    const engine = { ...DEFAULT_ENGINE, ...opts.engine };
    const policy = factory.create(opts.params ?? {}, { model, hw, tpDegree: 1, sloTbtMs: opts.sloTbtMs ?? null });
    const collector = new MetricsCollector(requests.length, 1e6, { ttft_ms: opts.sloTtftMs ?? null, tbt_ms: opts.sloTbtMs ?? null, tbt_definition: 'request-p99-gap' });
    const steps = [];
    const instance = new Instance({ id: 0, model, hw, tpDegree: 1, engine, policy, kvBlocks: opts.kvBlocks ?? 1000 }, collector, (s) => steps.push(s));
    simulate(requests, [instance], () => 0, collector);
    return { result: collector.result({}, instance.preemptions), instance, collector, steps };
}
/** Qwen3-8B's published dimensions, typed in so engine tests do not depend on config files. */
export const QWEN3_8B_LIKE = {
    name: 'qwen3-8b-like',
    numLayers: 36,
    hiddenSize: 4096,
    numQHeads: 32,
    numKvHeads: 8,
    headDim: 128,
    ffnSize: 12288,
    vocabSize: 151936,
    dtypeBytes: 2,
    tiedEmbeddings: false,
    qkNorm: true,
    source: 'test fixture',
};
/**
 * An H100-shaped GPU for policy tests: compute linear in SMs, bandwidth saturating early (the shape in
 * the hardware notes), contention as seeded there. Numbers are round, not a calibration.
 */
export function hopperLike() {
    return tinyHardware({
        name: 'hopper-like',
        smCount: 132,
        hbmCapacityBytes: 80e9,
        partition: { mechanism: 'green-context', granularitySms: 8, minSms: 8 },
        overheads: { schedulingUs: 100, graphLaunchUs: 10, eagerLaunchUsPerKernel: 4, samplingUs: 40 },
        perf: perf({
            computeFlopsPerS: [
                { smCount: 8, value: 5.6e13 },
                { smCount: 132, value: 7.9e14 },
            ],
            bandwidthBytesPerS: [
                { smCount: 8, value: 0.5e12 },
                { smCount: 32, value: 1.5e12 },
                { smCount: 56, value: 2.2e12 },
                { smCount: 132, value: 2.4e12 },
            ],
            kernelFloorUs: 3,
            contention: { memory: 0.65, compute: 0.5 },
        }),
    });
}
/** The per-request CSV rows (header first) of a tiny run over `requests`. */
export function requestRowsOf(r, requests) {
    return r.collector.requestRows(requests.map((q) => q.origin), requests.map((q) => q.arrivalUs), requests.map((q) => q.promptTokens), requests.map((q) => q.outputTokens));
}
/**
 * A concurrent-pair measurement of model 'm': a 2,048-token prefill on `prefillSms` beside `count` decodes over
 * `context` tokens each on `decodeSms`, timed by `method` with k = `lookahead`; every time 1 µs (tests price or plant
 * them).
 */
export function concurrentPair(o) {
    return {
        kind: 'concurrent',
        id: o.id,
        source: { file: 'pairs.jsonl', line: o.line },
        model: 'm',
        prefillSmCount: o.prefillSms,
        prefillBatch: { prefills: [{ newTokens: 2048, cachedTokens: 0 }], decodeCount: 0, decodeContextTokens: 0 },
        decodeSmCount: o.decodeSms,
        decodeBatch: { prefills: [], decodeCount: o.count, decodeContextTokens: o.count * o.context },
        lookahead: o.lookahead,
        decodeAloneUs: 1,
        decodeConcurrentUs: 1,
        prefillAloneUs: 1,
        prefillConcurrentUs: 1,
        decodeSmidsOk: true,
        prefillSmidsOk: true,
        method: o.method,
        partnerCovered: true,
    };
}
