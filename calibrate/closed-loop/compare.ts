import type { ExecResult } from './exec-result.js';
import { driftReport, type DriftReport } from './drift.js';
import { containedRequestIds, executedTimeline, requestLatencies, requestTokens, simulatedTimeline, type RequestLatency } from './rebuild.js';
import type { Schedule, StepMode } from './schedule.js';
import { cdfQuantiles, distribution, PERCENTILE_METHOD, quantile, relDiff, sortedCopy, type Distribution } from './stats.js';

/**
 * Simulated vs executed latencies of one schedule (`duetsim calibrate compare`). Pure: the schedule and
 * the measured result in, one JSON-ready object out (schema `duetsim.closed-loop-compare/1`).
 *
 * Both sides are token times of the same requests in the same steps: the simulated side is the
 * schedule's own prediction, the executed side is rebuilt from the measured GPU times (rebuild.ts). Only
 * requests served entirely by executed steps are compared. Latencies are reported in ms; relative
 * differences and errors as fractions, (simulated − executed) / executed.
 *
 * Phases: a TTFT belongs to the mode (aggregated or split) of the step that emitted the first token, a
 * TBT gap to the step that emitted its later token, an E2E to the step that emitted the last token.
 */
export const COMPARE_SCHEMA = 'duetsim.closed-loop-compare/1';

export type Phase = 'all' | StepMode;
export const PHASES: readonly Phase[] = ['all', 'aggregated', 'split'];
export type LatencyMetric = 'ttft_ms' | 'tbt_ms' | 'e2e_ms';
export const METRICS: readonly LatencyMetric[] = ['ttft_ms', 'tbt_ms', 'e2e_ms'];

/** Null where there are no samples. */
export interface DistributionJson {
  readonly count: number;
  readonly p50: number | null;
  readonly p90: number | null;
  readonly p99: number | null;
  readonly mean: number | null;
}

export interface MetricComparison {
  readonly simulated: DistributionJson;
  readonly executed: DistributionJson;
  /** (simulated − executed) / executed per statistic. */
  readonly rel_diff: { readonly p50: number | null; readonly p90: number | null; readonly p99: number | null; readonly mean: number | null };
}

/** |(simulated − executed) / executed| of each request, summarised. */
export interface RequestErrorJson {
  readonly count: number;
  readonly median_abs: number | null;
  readonly p90_abs: number | null;
}

export interface PerRequestErrors {
  readonly ttft: RequestErrorJson;
  /** Per request, the mean of its gaps (in the phase). */
  readonly mean_tbt: RequestErrorJson;
  readonly e2e: RequestErrorJson;
}

export interface AcceptanceCheck {
  readonly name: string;
  readonly metric: LatencyMetric;
  readonly stat: 'p50' | 'p99';
  readonly phase: 'all';
  /** Largest |relative difference| that passes. */
  readonly tolerance: number;
  readonly simulated_ms: number | null;
  readonly executed_ms: number | null;
  readonly rel_diff: number | null;
  readonly pass: boolean;
}

/**
 * The closed-loop targets (issue 7). They are the bar the simulator has to clear, so they are fixed
 * here and not a flag: TBT is what DuetServe's decisions are about, hence the tighter median.
 */
export const ACCEPTANCE: readonly Pick<AcceptanceCheck, 'name' | 'metric' | 'stat' | 'tolerance'>[] = [
  { name: 'TBT p50 within 5%', metric: 'tbt_ms', stat: 'p50', tolerance: 0.05 },
  { name: 'TBT p99 within 10%', metric: 'tbt_ms', stat: 'p99', tolerance: 0.1 },
  { name: 'TTFT p50 within 10%', metric: 'ttft_ms', stat: 'p50', tolerance: 0.1 },
];

export interface ClosedLoopCompare {
  readonly schema: typeof COMPARE_SCHEMA;
  readonly schedule: {
    readonly file: string;
    readonly model: string;
    readonly hardware: string;
    readonly policy: string;
    readonly trace: string;
    readonly rate_qps: number | null;
    readonly sm_count: number;
    readonly tp_degree: number;
    readonly steps: number;
    readonly overheads_us: { readonly scheduling: number; readonly sampling: number };
  };
  readonly executed: {
    readonly file: string;
    readonly gpu: string;
    readonly sm_count: number;
    readonly driver: string;
    readonly cuda_runtime: string;
    readonly date: string;
    readonly host: string;
    readonly backend: string;
    readonly kv_blocks: number;
    readonly kv_copies: number;
    readonly steps: number;
    /** The run wrote its `done` line; otherwise it was cut short and only its prefix is compared. */
    readonly complete: boolean;
    readonly wall_s: number | null;
    readonly partial_last_line_dropped: boolean;
    /** Split windows whose kernels the executor saw outside their partition's SMs. */
    readonly smids_not_ok_steps: number;
  };
  readonly requests: {
    /** Requests with a token anywhere in the schedule. */
    readonly scheduled: number;
    /** Served entirely by executed steps: the ones compared. */
    readonly compared: number;
  };
  readonly percentiles: string;
  readonly metrics: Readonly<Record<Phase, Readonly<Record<LatencyMetric, MetricComparison>>>>;
  readonly per_request_error: Readonly<Record<Phase, PerRequestErrors>>;
  readonly checks: readonly AcceptanceCheck[];
  /** Every acceptance check passed. */
  readonly pass: boolean;
  /** 101 quantiles (0, 1, …, 100 %) per side, ms, for CDF charts; [] without samples. */
  readonly cdf: Readonly<Record<'ttft_ms' | 'tbt_ms', Readonly<Record<Phase, { readonly simulated: readonly number[]; readonly executed: readonly number[] }>>>>;
  readonly drift: DriftReport;
  /**
   * Diagnostic, not a check: the executed side rebuilt with every step at its simulated start
   * (rebuild.ts `anchored`), all requests. Differs from `metrics.all` by the drift that accumulated over
   * earlier steps; what is left is the error of the steps on each request's own path.
   */
  readonly anchored: Readonly<Record<LatencyMetric, MetricComparison>>;
}

export function compareClosedLoop(schedule: Schedule, exec: ExecResult): ClosedLoopCompare {
  const n = exec.steps.length;
  const executedClock = executedTimeline(schedule, exec.steps);
  const ids = containedRequestIds(schedule, n);
  const sim = requestLatencies(requestTokens(schedule, simulatedTimeline(schedule, n), ids));
  const exe = requestLatencies(requestTokens(schedule, executedClock, ids));
  const exeAnchored = requestLatencies(requestTokens(schedule, executedTimeline(schedule, exec.steps, { anchored: true }), ids));
  const samples = (side: readonly RequestLatency[], metric: LatencyMetric, phase: Phase): number[] => {
    const out: number[] = [];
    for (const r of side) {
      if (metric === 'ttft_ms' && (phase === 'all' || r.ttftMode === phase)) out.push(r.ttftUs / 1000);
      else if (metric === 'e2e_ms' && (phase === 'all' || r.e2eMode === phase)) out.push(r.e2eUs / 1000);
      else if (metric === 'tbt_ms') r.gapsUs.forEach((g, j) => (phase === 'all' || r.gapModes[j] === phase) && out.push(g / 1000));
    }
    return out;
  };
  const metrics = {} as Record<Phase, Record<LatencyMetric, MetricComparison>>;
  const dists = {} as Record<Phase, Record<LatencyMetric, { s: Distribution; e: Distribution }>>;
  type Curves = Record<Phase, { simulated: number[]; executed: number[] }>;
  const cdf = { ttft_ms: {} as Curves, tbt_ms: {} as Curves };
  for (const phase of PHASES) {
    metrics[phase] = {} as Record<LatencyMetric, MetricComparison>;
    dists[phase] = {} as Record<LatencyMetric, { s: Distribution; e: Distribution }>;
    for (const metric of METRICS) {
      const sv = samples(sim, metric, phase);
      const ev = samples(exe, metric, phase);
      const s = distribution(sv);
      const e = distribution(ev);
      dists[phase][metric] = { s, e };
      metrics[phase][metric] = {
        simulated: distJson(s),
        executed: distJson(e),
        rel_diff: { p50: r5(relDiff(s.p50, e.p50)), p90: r5(relDiff(s.p90, e.p90)), p99: r5(relDiff(s.p99, e.p99)), mean: r5(relDiff(s.mean, e.mean)) },
      };
      if (metric !== 'e2e_ms') cdf[metric][phase] = { simulated: cdfQuantiles(sv).map(r4), executed: cdfQuantiles(ev).map(r4) };
    }
  }
  const anchored = {} as Record<LatencyMetric, MetricComparison>;
  for (const metric of METRICS) {
    const s = dists.all[metric].s;
    const e = distribution(samples(exeAnchored, metric, 'all'));
    anchored[metric] = {
      simulated: distJson(s),
      executed: distJson(e),
      rel_diff: { p50: r5(relDiff(s.p50, e.p50)), p90: r5(relDiff(s.p90, e.p90)), p99: r5(relDiff(s.p99, e.p99)), mean: r5(relDiff(s.mean, e.mean)) },
    };
  }
  const checks = ACCEPTANCE.map((c): AcceptanceCheck => {
    const { s, e } = dists.all[c.metric];
    const d = relDiff(s[c.stat], e[c.stat]);
    return {
      ...c,
      phase: 'all',
      simulated_ms: num(s[c.stat], r4),
      executed_ms: num(e[c.stat], r4),
      rel_diff: r5(d),
      // No samples, no evidence: a check without data fails.
      pass: d !== null && Math.abs(d) <= c.tolerance,
    };
  });
  const h = schedule.header;
  const m = exec.meta;
  return {
    schema: COMPARE_SCHEMA,
    schedule: {
      file: schedule.file,
      model: h.model,
      hardware: h.hardware,
      policy: h.policy,
      trace: h.trace,
      rate_qps: h.rateQps,
      sm_count: h.smCount,
      tp_degree: h.tpDegree,
      steps: schedule.steps.length,
      overheads_us: { scheduling: h.overheads.schedulingUs, sampling: h.overheads.samplingUs },
    },
    executed: {
      file: exec.file,
      gpu: m.gpu,
      sm_count: m.smCount,
      driver: m.driver,
      cuda_runtime: m.cudaRuntime,
      date: m.date,
      host: m.host,
      backend: m.backend,
      kv_blocks: m.kvBlocks,
      kv_copies: m.kvCopies,
      steps: n,
      complete: exec.complete,
      wall_s: exec.wallS,
      partial_last_line_dropped: exec.droppedPartialLine,
      smids_not_ok_steps: exec.steps.filter((s) => s.mode === 'split' && !s.smidsOk).length,
    },
    requests: { scheduled: containedRequestIds(schedule, schedule.steps.length).length, compared: ids.length },
    percentiles: PERCENTILE_METHOD,
    metrics,
    per_request_error: Object.fromEntries(PHASES.map((p) => [p, perRequestErrors(sim, exe, p)])) as Record<Phase, PerRequestErrors>,
    checks,
    pass: checks.every((c) => c.pass),
    cdf,
    drift: roundDrift(driftReport(schedule, exec.steps, executedClock)),
    anchored,
  };
}

function perRequestErrors(sim: readonly RequestLatency[], exe: readonly RequestLatency[], phase: Phase): PerRequestErrors {
  const ttft: number[] = [];
  const tbt: number[] = [];
  const e2e: number[] = [];
  const inPhase = (mode: StepMode) => phase === 'all' || mode === phase;
  const meanGap = (r: RequestLatency): number => {
    let sum = 0;
    let count = 0;
    r.gapsUs.forEach((g, j) => {
      if (inPhase(r.gapModes[j])) {
        sum += g;
        count++;
      }
    });
    return count > 0 ? sum / count : NaN;
  };
  sim.forEach((s, i) => {
    const e = exe[i];
    if (inPhase(s.ttftMode)) ttft.push(Math.abs((s.ttftUs - e.ttftUs) / e.ttftUs));
    if (inPhase(s.e2eMode)) e2e.push(Math.abs((s.e2eUs - e.e2eUs) / e.e2eUs));
    const sg = meanGap(s);
    if (!Number.isNaN(sg)) tbt.push(Math.abs((sg - meanGap(e)) / meanGap(e)));
  });
  return { ttft: errorJson(ttft), mean_tbt: errorJson(tbt), e2e: errorJson(e2e) };
}

function errorJson(absErrors: readonly number[]): RequestErrorJson {
  const sorted = sortedCopy(absErrors);
  return { count: sorted.length, median_abs: r5(quantile(sorted, 0.5)), p90_abs: r5(quantile(sorted, 0.9)) };
}

function distJson(d: Distribution): DistributionJson {
  return { count: d.count, p50: num(d.p50, r4), p90: num(d.p90, r4), p99: num(d.p99, r4), mean: num(d.mean, r4) };
}

function num(x: number, round: (x: number) => number): number | null {
  return Number.isNaN(x) ? null : round(x);
}

/** ms to 0.1 µs. */
function r4(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}

/** Fractions to 0.001 %. */
function r5(x: number | null): number | null {
  return x === null || Number.isNaN(x) ? null : Math.round(x * 1e5) / 1e5;
}

function roundDrift(d: DriftReport): DriftReport {
  const g = (x: DriftReport['groups'][number]) => ({
    ...x,
    mean_ratio: r5(x.mean_ratio) as number,
    weighted_ratio: r5(x.weighted_ratio) as number,
    measured_gpu_us: Math.round(x.measured_gpu_us * 1000) / 1000,
    predicted_gpu_us: Math.round(x.predicted_gpu_us * 1000) / 1000,
    share_of_gpu_time: r5(x.share_of_gpu_time) as number,
  });
  return {
    gpu_busy_us: Math.round(d.gpu_busy_us * 1000) / 1000,
    lanes: d.lanes.map(g),
    groups: d.groups.map(g),
    top: d.top.map(g),
    over_time: d.over_time.map((p) => ({ ...p, at_s: Math.round(p.at_s * 1e6) / 1e6, ratio: r5(p.ratio) as number })),
  };
}
