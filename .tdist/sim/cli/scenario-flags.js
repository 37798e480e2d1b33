import { DEFAULT_ENGINE } from '../engine/scenario.js';
import { collectParam, parseChoice, parseNumber } from './flags.js';
import { TRACE_FORMATS } from '../trace/formats.js';
import { MAX_CLOCK_S, MAX_RATE_QPS, MAX_TARGET_MS, MAX_TOKEN_COUNT, MIN_RATE_QPS } from '../core/limits.js';
/** Adds the flags that describe one scenario (shared by replay and anything else that runs one). */
export function addScenarioFlags(cmd) {
    return cmd
        .option('--trace <name|path>', 'bundled trace name (duetsim list traces) or a trace file', 'azure-conv')
        .option('--format <format>', `trace format when it cannot be detected (${Object.keys(TRACE_FORMATS).join(', ')})`)
        .option('--model <name|path>', 'model name (duetsim list models) or YAML path', 'qwen3-8b')
        .option('--hw <name|path>', 'hardware name (duetsim list hardware) or YAML path', 'h100-sxm')
        .option('--datasheet', 'ignore the calibrated section of the hardware YAML and use its seed curves')
        .option('--policy <name>', 'scheduling policy (duetsim list policies)', 'chunked')
        .option('--param <name=value>', 'policy parameter, repeatable (e.g. --param tbt_target_ms=50)', collectParam, {})
        .option('--rate <qps>', 'rescale arrivals to this mean rate, requests/s', parseNumber('--rate', { min: MIN_RATE_QPS, max: MAX_RATE_QPS }))
        .option('--start <s>', 'start of the trace window, seconds from its first arrival', parseNumber('--start', { min: 0, max: MAX_CLOCK_S }), 0)
        .option('--duration <s>', 'length of the trace window, seconds', parseNumber('--duration', { min: 0, exclusiveMin: true, max: MAX_CLOCK_S }))
        .option('--limit <n>', 'keep only the first n requests', parseNumber('--limit', { min: 1, integer: true }))
        .option('--seed <n>', 'seed for every random choice', parseNumber('--seed', { integer: true }), 0)
        .option('--slo-ttft <ms>', 'TTFT target, ms', parseNumber('--slo-ttft', { min: 0, exclusiveMin: true, max: MAX_TARGET_MS }))
        .option('--slo-tbt <ms>', 'TBT target, ms', parseNumber('--slo-tbt', { min: 0, exclusiveMin: true, max: MAX_TARGET_MS }))
        .option('--tbt-definition <def>', "how a request's TBT meets the target: request-p99-gap or every-gap", parseChoice('--tbt-definition', ['request-p99-gap', 'every-gap']), 'request-p99-gap')
        .option('--block-size <tokens>', 'KV block size, tokens', parseNumber('--block-size', { min: 1, integer: true, max: MAX_TOKEN_COUNT }), DEFAULT_ENGINE.blockTokens)
        .option('--gpu-mem-util <frac>', 'share of GPU memory the server uses', parseNumber('--gpu-mem-util', { min: 0, max: 1, exclusiveMin: true }), DEFAULT_ENGINE.gpuMemoryUtilization)
        .option('--max-num-seqs <n>', 'most sequences per batch', parseNumber('--max-num-seqs', { min: 1, integer: true, max: MAX_TOKEN_COUNT }), DEFAULT_ENGINE.maxNumSeqs)
        .option('--max-batch-tokens <n>', 'token budget per step for hybrid batches', parseNumber('--max-batch-tokens', { min: 1, integer: true, max: MAX_TOKEN_COUNT }), DEFAULT_ENGINE.maxBatchTokens)
        .option('--prefix-caching', 'reuse KV of equal prefix blocks (traces with hash_ids)');
}
export function scenarioFromFlags(o) {
    return {
        trace: o.trace,
        traceFormat: o.format ?? null,
        rateQps: o.rate ?? null,
        startS: o.start,
        durationS: o.duration ?? null,
        limit: o.limit ?? null,
        model: o.model,
        hardware: o.hw,
        useCalibration: !o.datasheet,
        policy: o.policy,
        policyParams: o.param,
        engine: {
            ...DEFAULT_ENGINE,
            blockTokens: o.blockSize,
            gpuMemoryUtilization: o.gpuMemUtil,
            maxNumSeqs: o.maxNumSeqs,
            maxBatchTokens: o.maxBatchTokens,
            prefixCaching: Boolean(o.prefixCaching),
        },
        sloTtftMs: o.sloTtft ?? null,
        sloTbtMs: o.sloTbt ?? null,
        tbtDefinition: o.tbtDefinition,
        seed: o.seed,
    };
}
