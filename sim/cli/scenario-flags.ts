import type { Command } from 'commander';
import { DEFAULT_ENGINE, type ScenarioSpec } from '../engine/scenario.js';
import { collectParam, parseChoice, parseNumber } from './flags.js';
import { TRACE_FORMATS } from '../trace/formats.js';
import { MAX_CLOCK_S, MAX_RATE_QPS, MAX_TARGET_MS, MAX_TOKEN_COUNT, MIN_RATE_QPS } from '../core/limits.js';
import { getPolicy } from '../policy/registry.js';
import type { EngineLimit } from '../policy/policy.js';
import { CliExit } from './io.js';

/** Adds the flags that describe one scenario (shared by replay and anything else that runs one). */
export function addScenarioFlags(cmd: Command): Command {
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
    .option('--tbt-definition <def>', "how a request's TBT meets the target: request-p99-gap or every-gap", parseChoice('--tbt-definition', ['request-p99-gap', 'every-gap'] as const), 'request-p99-gap')
    .option('--block-size <tokens>', 'KV block size, tokens', parseNumber('--block-size', { min: 1, integer: true, max: MAX_TOKEN_COUNT }), DEFAULT_ENGINE.blockTokens)
    .option('--gpu-mem-util <frac>', 'share of GPU memory the server uses', parseNumber('--gpu-mem-util', { min: 0, max: 1, exclusiveMin: true }), DEFAULT_ENGINE.gpuMemoryUtilization)
    .option('--max-num-seqs <n>', 'most sequences per batch', parseNumber('--max-num-seqs', { min: 1, integer: true, max: MAX_TOKEN_COUNT }), DEFAULT_ENGINE.maxNumSeqs)
    .option('--max-batch-tokens <n>', 'token budget per step for hybrid batches', parseNumber('--max-batch-tokens', { min: 1, integer: true, max: MAX_TOKEN_COUNT }), DEFAULT_ENGINE.maxBatchTokens)
    .option('--prefix-caching', 'reuse KV of equal prefix blocks (traces with hash_ids)');
}

export interface ScenarioFlagValues {
  trace: string;
  format?: string;
  model: string;
  hw: string;
  datasheet?: boolean;
  policy: string;
  param: Record<string, number | string | boolean>;
  rate?: number;
  start: number;
  duration?: number;
  limit?: number;
  seed: number;
  sloTtft?: number;
  sloTbt?: number;
  tbtDefinition: 'request-p99-gap' | 'every-gap';
  blockSize: number;
  gpuMemUtil: number;
  maxNumSeqs: number;
  maxBatchTokens: number;
  prefixCaching?: boolean;
}

/** The engine-limit flags and the option keys commander stores them under. */
const ENGINE_LIMIT_FLAGS: Readonly<Record<EngineLimit, string>> = { maxNumSeqs: '--max-num-seqs', maxBatchTokens: '--max-batch-tokens' };

/**
 * The scenario the flags describe. `cmd` tells a flag given on the command line from its default: an engine
 * limit given to a policy that never reads it with these parameters (PolicyFactory.unreadEngineLimits) is an
 * error naming the parameter that sets it, since the run would record a setting it never used.
 */
export function scenarioFromFlags(o: ScenarioFlagValues, cmd: Pick<Command, 'getOptionValueSource'>): ScenarioSpec {
  const given = (Object.keys(ENGINE_LIMIT_FLAGS) as EngineLimit[]).filter((k) => cmd.getOptionValueSource(k) === 'cli');
  if (given.length > 0) {
    const unread = getPolicy(o.policy).unreadEngineLimits?.(o.param) ?? {};
    for (const k of given) {
      const param = unread[k];
      if (param === undefined) continue;
      throw new CliExit(
        2,
        param === 'base_engine'
          ? `${ENGINE_LIMIT_FLAGS[k]} does not apply to --policy ${o.policy} with base_engine=${String(o.param.base_engine)}: that base engine sets it (use base_engine=engine to take ${ENGINE_LIMIT_FLAGS[k]})`
          : `${ENGINE_LIMIT_FLAGS[k]} does not apply to --policy ${o.policy}: its parameter ${param} sets that (--param ${param}=N)`,
      );
    }
  }
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
