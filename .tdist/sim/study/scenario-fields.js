import { DEFAULT_ENGINE } from '../engine/scenario.js';
import { MAX_CLOCK_S, MAX_RATE_QPS, MAX_TARGET_MS, MAX_TOKEN_COUNT, MIN_RATE_QPS } from '../core/limits.js';
const isNum = (v) => typeof v === 'number' && Number.isFinite(v);
export const nonEmptyText = (v) => (typeof v === 'string' && v.length > 0 ? null : 'expected a non-empty string');
const text = nonEmptyText;
const positive = (v) => (isNum(v) && v > 0 ? null : 'expected a number > 0');
const nonNegative = (v) => (isNum(v) && v >= 0 ? null : 'expected a number ≥ 0');
/** The bounds of sim/core/limits.ts, the same as the CLI flags': a study point accepts what `replay` accepts. */
const upTo = (check, max, unit) => (v) => check(v) ?? (v <= max ? null : `expected at most ${max} ${unit}`);
const rate = (v) => (isNum(v) && v >= MIN_RATE_QPS && v <= MAX_RATE_QPS ? null : `expected a rate within [${MIN_RATE_QPS}, ${MAX_RATE_QPS}] requests/s`);
const count = (v) => (isNum(v) && Number.isInteger(v) && v > 0 && v <= MAX_TOKEN_COUNT ? null : `expected an integer in [1, ${MAX_TOKEN_COUNT}]`);
const limit = (v) => (isNum(v) && Number.isSafeInteger(v) && v > 0 ? null : 'expected an integer > 0 (below 2^53)');
const seed = (v) => (isNum(v) && Number.isSafeInteger(v) && v >= 0 ? null : 'expected an integer ≥ 0 (below 2^53)');
const flag = (v) => (typeof v === 'boolean' ? null : 'expected true or false');
const orNull = (check) => (v) => v === null ? null : check(v);
const share = (v) => (isNum(v) && v > 0 && v <= 1 ? null : 'expected a number in (0, 1]');
const oneOf = (...allowed) => (v) => typeof v === 'string' && allowed.includes(v) ? null : `expected one of ${allowed.join(', ')}`;
const paramValue = (v) => isNum(v) || typeof v === 'string' || typeof v === 'boolean' ? null : 'expected a number, string or boolean';
/** Top-level scenario fields other than the two maps (policyParams, engine), which are checked per key. */
export const SCENARIO_FIELDS = {
    trace: text,
    traceFormat: orNull(text),
    rateQps: orNull(rate),
    startS: upTo(nonNegative, MAX_CLOCK_S, 's'),
    durationS: orNull(upTo(positive, MAX_CLOCK_S, 's')),
    limit: orNull(limit),
    model: text,
    hardware: text,
    useCalibration: flag,
    policy: text,
    cluster: orNull(text),
    sloTtftMs: orNull(upTo(positive, MAX_TARGET_MS, 'ms')),
    sloTbtMs: orNull(upTo(positive, MAX_TARGET_MS, 'ms')),
    tbtDefinition: oneOf('request-p99-gap', 'every-gap'),
    seed,
};
export const ENGINE_FIELDS = {
    blockTokens: count,
    gpuMemoryUtilization: share,
    activationReserveBytes: nonNegative,
    maxNumSeqs: count,
    maxBatchTokens: count,
    prefixCaching: flag,
};
/** Policy parameters are validated by each policy when the run starts; here only their JSON type. */
export const POLICY_PARAM_CHECK = paramValue;
/**
 * The starting scenario before the study's base is applied. Names (trace, model, hardware, policy) have
 * no sensible default, so they start empty and parse-study.ts insists the study supplies them.
 * The rest mean "as the trace and hardware come": the trace's own rate and full length, calibrated
 * hardware when the YAML has it, vLLM's engine defaults, no SLOs, TBT judged on each request's p99 gap, seed 0.
 */
export const TEMPLATE_DEFAULTS = {
    trace: null,
    traceFormat: null,
    rateQps: null,
    startS: 0,
    durationS: null,
    limit: null,
    model: null,
    hardware: null,
    useCalibration: true,
    policy: null,
    cluster: null,
    policyParams: {},
    engine: DEFAULT_ENGINE,
    sloTtftMs: null,
    sloTbtMs: null,
    tbtDefinition: 'request-p99-gap',
    seed: 0,
};
export function isEngineField(name) {
    return Object.hasOwn(ENGINE_FIELDS, name);
}
export function isScenarioField(name) {
    return Object.hasOwn(SCENARIO_FIELDS, name);
}
