import { DEFAULT_ENGINE, type EngineOptions } from '../engine/scenario.js';
import type { ScenarioTemplate } from './study-spec.js';
import { MAX_CLOCK_S, MAX_RATE_QPS, MAX_TARGET_MS, MAX_TOKEN_COUNT, MIN_RATE_QPS } from '../core/limits.js';

/**
 * What a study file may set on a scenario, and how each value is checked. One table serves both the
 * `base:` block and the axis values, so a value is accepted on an axis exactly when it would be
 * accepted in the base. A checker returns an error message, or null when the value is fine.
 */
export type FieldCheck = (value: unknown) => string | null;

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

export const nonEmptyText: FieldCheck = (v) => (typeof v === 'string' && v.length > 0 ? null : 'expected a non-empty string');
const text = nonEmptyText;
const positive: FieldCheck = (v) => (isNum(v) && v > 0 ? null : 'expected a number > 0');
const nonNegative: FieldCheck = (v) => (isNum(v) && v >= 0 ? null : 'expected a number ≥ 0');
/** The bounds of sim/core/limits.ts, the same as the CLI flags': a study point accepts what `replay` accepts. */
const upTo =
  (check: FieldCheck, max: number, unit: string): FieldCheck =>
  (v) =>
    check(v) ?? ((v as number) <= max ? null : `expected at most ${max} ${unit}`);
const rate: FieldCheck = (v) => (isNum(v) && v >= MIN_RATE_QPS && v <= MAX_RATE_QPS ? null : `expected a rate within [${MIN_RATE_QPS}, ${MAX_RATE_QPS}] requests/s`);
const count: FieldCheck = (v) => (isNum(v) && Number.isInteger(v) && v > 0 && v <= MAX_TOKEN_COUNT ? null : `expected an integer in [1, ${MAX_TOKEN_COUNT}]`);
const limit: FieldCheck = (v) => (isNum(v) && Number.isSafeInteger(v) && v > 0 ? null : 'expected an integer > 0 (below 2^53)');
const seed: FieldCheck = (v) => (isNum(v) && Number.isSafeInteger(v) && v >= 0 ? null : 'expected an integer ≥ 0 (below 2^53)');
const flag: FieldCheck = (v) => (typeof v === 'boolean' ? null : 'expected true or false');
const orNull =
  (check: FieldCheck): FieldCheck =>
  (v) =>
    v === null ? null : check(v);
const share: FieldCheck = (v) => (isNum(v) && v > 0 && v <= 1 ? null : 'expected a number in (0, 1]');
const oneOf =
  (...allowed: string[]): FieldCheck =>
  (v) =>
    typeof v === 'string' && allowed.includes(v) ? null : `expected one of ${allowed.join(', ')}`;
const paramValue: FieldCheck = (v) =>
  isNum(v) || typeof v === 'string' || typeof v === 'boolean' ? null : 'expected a number, string or boolean';

/** Top-level scenario fields other than the two maps (policyParams, engine), which are checked per key. */
export const SCENARIO_FIELDS: Readonly<Record<Exclude<keyof ScenarioTemplate, 'policyParams' | 'engine'>, FieldCheck>> = {
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

export const ENGINE_FIELDS: Readonly<Record<keyof EngineOptions, FieldCheck>> = {
  blockTokens: count,
  gpuMemoryUtilization: share,
  activationReserveBytes: nonNegative,
  maxNumSeqs: count,
  maxBatchTokens: count,
  prefixCaching: flag,
};

/** Policy parameters are validated by each policy when the run starts; here only their JSON type. */
export const POLICY_PARAM_CHECK: FieldCheck = paramValue;

/**
 * The starting scenario before the study's base is applied. Names (trace, model, hardware, policy) have
 * no sensible default, so they start empty and parse-study.ts insists the study supplies them.
 * The rest mean "as the trace and hardware come": the trace's own rate and full length, calibrated
 * hardware when the YAML has it, vLLM's engine defaults, no SLOs, TBT judged on each request's p99 gap, seed 0.
 */
export const TEMPLATE_DEFAULTS: ScenarioTemplate = {
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

export function isEngineField(name: string): name is keyof EngineOptions {
  return Object.hasOwn(ENGINE_FIELDS, name);
}

export function isScenarioField(name: string): name is keyof typeof SCENARIO_FIELDS {
  return Object.hasOwn(SCENARIO_FIELDS, name);
}
