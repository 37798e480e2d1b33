import type { HardwareSpec } from '../../sim/hardware/hardware-spec.js';
import type { ModelSpec } from '../../sim/model/model-spec.js';
import { modelStepLanes, type StepSpec, type StepTimer } from '../../sim/engine/step-timer.js';
import { stepTimingFromLanes, type StepLanes } from '../../sim/latency/iteration-timing.js';
import { execStepLine, parseStepResult, stepLineOf, type LiveStepResult } from './step-line.js';
import type { LiveSession } from './live-session.js';

/**
 * The GPU as the engine's clock: a StepTimer that runs each step on a live session and answers with what
 * it measured. Also the live run's pacing and its record keeping:
 * - Host time (`hostTime`): `modelled` charges the hardware's scheduling cost, as the simulator does, so a
 *   live run differs from a simulation only in the GPU's times; `measured` charges what this host really
 *   took to decide and prepare the step instead (our loop and executor, not a production server's).
 * - Idle gaps (`idle`): `sleep` waits out, in wall time, the gap until the next arrival when the server has
 *   nothing to run, so the GPU idles (and its clocks relax) as a server's would; `skip` jumps the clock.
 * - Stops: a stop asked of the session (SIGINT/SIGTERM), `maxSteps` or `maxWallS` end the run after the
 *   step in flight (`stopReason`); what was measured is kept.
 */
export type HostTime = 'modelled' | 'measured';
export type IdlePacing = 'sleep' | 'skip';

export interface LiveTimerOptions {
  readonly hostTime: HostTime;
  readonly idle: IdlePacing;
  readonly maxSteps: number | null;
  readonly maxWallS: number | null;
  /** Each step as it is measured (the --step-records JSONL). */
  readonly onRecord?: (record: LiveStepRecord) => void;
  /** Sleeps `ms` of wall time (injectable for tests). */
  readonly sleepMs?: (ms: number) => void;
  readonly nowMs?: () => number;
}

/** One measured step beside the model's price of it: what says which regime breaks the model. */
export interface LiveStepRecord {
  readonly step: number;
  readonly start_ms: number;
  readonly mode: 'aggregated' | 'split';
  readonly prefill_sms: number;
  readonly decode_sms: number;
  readonly k: number;
  readonly prefill_chunks: number;
  readonly prefill_tokens: number;
  readonly cached_tokens: number;
  readonly decode_requests: number;
  readonly decode_context_tokens: number;
  /** GPU lanes, µs: aggregated `gpu_us`; split `prefill_end_us` and the last decode end. */
  readonly measured: LanesJson;
  readonly predicted: LanesJson;
  /** (predicted − measured) / measured of the step's GPU busy time. */
  readonly rel_error: number;
  readonly decision_us: number;
  readonly prepare_us: number;
  readonly idle_before_us: number | null;
  /** The run's clock had nothing to run for this long before the step (a wait for an arrival), ms. */
  readonly gap_before_ms: number;
  readonly smids_ok: boolean;
  readonly kv_used_blocks: number;
}

export interface LanesJson {
  readonly gpu_us?: number;
  readonly prefill_end_us?: number | null;
  readonly decode_end_us?: readonly number[];
  /** When the step's GPU work ends (the later lane). */
  readonly busy_us: number;
}

/** What the run's `live` block reports of the host and the GPU (calibrate/live/live-summary.ts summarises it). */
export interface LiveTally {
  steps: number;
  smidViolations: number;
  arenaGrowths: number;
  sleptMs: number;
  readonly decisionUs: number[];
  readonly prepareUs: number[];
  /** GPU idle before steps that followed the previous one directly (after a gap the GPU idled for want of work). */
  readonly idleBeforeUs: number[];
  readonly relErrors: number[];
}

export interface LiveTimer extends StepTimer {
  readonly tally: LiveTally;
  /** Why the run must end now, or null to go on. */
  stopReason(): string | null;
}

export function liveStepTimer(session: LiveSession, model: ModelSpec, hw: HardwareSpec, opts: LiveTimerOptions): LiveTimer {
  const sleepMs = opts.sleepMs ?? sleepWallMs;
  const nowMs = opts.nowMs ?? (() => performance.now());
  const t0Ms = nowMs();
  const tally: LiveTally = { steps: 0, smidViolations: 0, arenaGrowths: 0, sleptMs: 0, decisionUs: [], prepareUs: [], idleBeforeUs: [], relErrors: [] };
  /** When the previous step ended on the run's clock (µs): a later start is a gap the server idled through. */
  let prevEndUs = 0;
  return {
    name: 'live',
    measuresHost: opts.hostTime === 'measured',
    tally,
    stopReason() {
      if (session.interrupted()) return 'interrupted (SIGINT/SIGTERM)';
      if (opts.maxSteps !== null && tally.steps >= opts.maxSteps) return `--max-steps ${opts.maxSteps} reached`;
      if (opts.maxWallS !== null && (nowMs() - t0Ms) / 1000 >= opts.maxWallS) return `--max-seconds ${opts.maxWallS} reached`;
      return null;
    },
    time(spec: StepSpec) {
      const gapUs = spec.startUs - prevEndUs;
      if (opts.idle === 'sleep' && gapUs > 0) {
        sleepMs(gapUs / 1000);
        tally.sleptMs += gapUs / 1000;
      }
      const line = stepLineOf(spec);
      const result = parseStepResult(session.step(execStepLine(line)), line);
      const hostUs = opts.hostTime === 'measured' ? spec.decisionUs + result.prepareUs : undefined;
      const timing = stepTimingFromLanes(hw.overheads, result.lanes, hostUs);
      prevEndUs = spec.startUs + timing.durationUs;
      const predicted = modelStepLanes(model, hw, 1, spec);
      record(tally, spec, result, predicted, Math.max(0, gapUs), opts.onRecord);
      return hostUs === undefined ? { lanes: result.lanes } : { lanes: result.lanes, hostUs };
    },
  };
}

function record(tally: LiveTally, spec: StepSpec, r: LiveStepResult, predicted: StepLanes, gapBeforeUs: number, onRecord?: (rec: LiveStepRecord) => void): void {
  tally.steps++;
  if (!r.smidsOk) tally.smidViolations++;
  if (r.arenaGrew) tally.arenaGrowths++;
  tally.decisionUs.push(spec.decisionUs);
  tally.prepareUs.push(r.prepareUs);
  // Only a step that follows the previous one directly says whether the GPU waited for the host; after a
  // gap with nothing to run it idled for want of work.
  if (r.idleBeforeUs !== null && gapBeforeUs === 0) tally.idleBeforeUs.push(r.idleBeforeUs);
  const measured = lanesJson(r.lanes);
  const pred = lanesJson(predicted);
  const relError = (pred.busy_us - measured.busy_us) / measured.busy_us;
  tally.relErrors.push(relError);
  if (!onRecord) return;
  let prefillTokens = 0;
  let cachedTokens = 0;
  for (const c of spec.prefillBatch.prefills) {
    prefillTokens += c.newTokens;
    cachedTokens += c.cachedTokens;
  }
  onRecord({
    step: spec.index,
    start_ms: spec.startUs / 1000,
    mode: spec.mode,
    prefill_sms: spec.prefillSms,
    decode_sms: spec.decodeSms,
    k: spec.lookaheadK,
    prefill_chunks: spec.prefillBatch.prefills.length,
    prefill_tokens: prefillTokens,
    cached_tokens: cachedTokens,
    decode_requests: spec.decodeBatch.decodeCount,
    decode_context_tokens: spec.decodeBatch.decodeContextTokens,
    measured,
    predicted: pred,
    rel_error: relError,
    decision_us: spec.decisionUs,
    prepare_us: r.prepareUs,
    idle_before_us: r.idleBeforeUs,
    gap_before_ms: gapBeforeUs / 1000,
    smids_ok: r.smidsOk,
    kv_used_blocks: r.kvUsedBlocks,
  });
}

export function lanesJson(l: StepLanes): LanesJson {
  if (l.mode === 'aggregated') return { gpu_us: l.gpuUs, busy_us: l.gpuUs };
  const last = l.decodeEndsUs.length === 0 ? 0 : l.decodeEndsUs[l.decodeEndsUs.length - 1];
  return { prefill_end_us: l.prefillEndUs, decode_end_us: l.decodeEndsUs, busy_us: Math.max(l.prefillEndUs ?? 0, last) };
}

/** Blocks this thread for `ms` (the loop is synchronous: the GPU session's calls are). */
function sleepWallMs(ms: number): void {
  if (ms <= 0) return;
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
