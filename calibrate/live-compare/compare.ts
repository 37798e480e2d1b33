import type { DriftReport } from '../closed-loop/drift.js';
import { cdfQuantiles, distribution, PERCENTILE_METHOD, quantile, sortedCopy, type Distribution } from '../closed-loop/stats.js';
import { evaluateChecks, relativeError, type CheckedFigure, type LiveCheck } from './checks.js';
import type { CsvFile, RequestRow, RequestStatus, RunPercentiles, RunResultFile, StepRow } from './run-files.js';
import { SCENARIO_FIELDS } from './scenario.js';

/**
 * A simulated run against a live run of the same scenario (`duetsim calibrate compare --simulated …
 * --live …`). Pure: the parsed files in, one JSON-ready object out (schema `duetsim.live-compare/1`).
 * Errors are (simulated − live) / live, as fractions; latencies in ms. The caller has checked that the
 * runs are of one scenario (scenario.ts) and that the CSVs come in pairs.
 *
 * Basis. Whole runs are compared from their results JSONs, so TBT is every gap between tokens pooled,
 * which is what the TBT limits are about. A live run that was interrupted finished only some requests;
 * comparing it with the whole simulation would hold early requests against all of them, so then both
 * sides are restricted to the requests both finished, read from the request CSVs. Those carry no single
 * gaps, so TBT is then each request's mean gap (its tpot_ms), and the result says so.
 */
export const LIVE_COMPARE_SCHEMA = 'duetsim.live-compare/1';

export interface RunFiles {
  readonly result: RunResultFile;
  readonly requests: CsvFile<RequestRow> | null;
  readonly steps: CsvFile<StepRow> | null;
}

export interface LiveCompareInputs {
  readonly simulated: RunFiles;
  readonly live: RunFiles;
}

export type Basis = 'whole-runs' | 'requests-both-finished';
export type LatencyMetric = 'ttft_ms' | 'tbt_ms' | 'e2e_ms';
export const LATENCY_METRICS: readonly LatencyMetric[] = ['ttft_ms', 'tbt_ms', 'e2e_ms'];

/** Null where a run has no samples. */
export interface StatsJson {
  readonly count: number | null;
  readonly p50: number | null;
  readonly p90: number | null;
  readonly p99: number | null;
  readonly mean: number | null;
}

export interface MetricJson {
  readonly simulated: StatsJson;
  readonly live: StatsJson;
  readonly error: { readonly p50: number | null; readonly p90: number | null; readonly p99: number | null; readonly mean: number | null };
}

export interface RateJson {
  readonly simulated: number | null;
  readonly live: number | null;
  readonly error: number | null;
}

export interface RequestErrorJson {
  readonly count: number;
  readonly median_abs: number | null;
  readonly p90_abs: number | null;
}

/** Requests one run finished and the other did not, by what happened to them in the other run. */
export interface UnmatchedGroup {
  readonly finished_in: 'simulated' | 'live';
  /** The request's status in the other run; 'missing' when its CSV has no row for it. */
  readonly other_status: Exclude<RequestStatus, 'completed'> | 'missing';
  /** The other run's reject_reason (rejected requests only). */
  readonly reject_reason: string | null;
  readonly count: number;
  /** The first UNMATCHED_IDS_LISTED ids, ascending. */
  readonly ids: readonly number[];
}

export const UNMATCHED_IDS_LISTED = 20;

export interface PerRequestJson {
  readonly simulated_file: string;
  readonly live_file: string;
  /** Finished in both runs, matched by id. */
  readonly matched: number;
  readonly ttft: RequestErrorJson;
  /** Each request's mean gap between tokens (tpot_ms); requests with one output token have none. */
  readonly mean_tbt: RequestErrorJson;
  readonly e2e: RequestErrorJson;
  readonly unmatched: readonly UnmatchedGroup[];
}

export interface StepSideJson {
  readonly steps: number;
  readonly step_share: number;
  readonly time_ms: number;
  readonly time_share: number;
}

/** One partition (S_p, S_d, k); aggregated steps are the row with mode 'aggregated' (0, 0, 1). */
export interface SplitRowJson {
  readonly mode: 'aggregated' | 'split';
  readonly prefill_sms: number;
  readonly decode_sms: number;
  readonly lookahead_k: number;
  readonly simulated: StepSideJson;
  readonly live: StepSideJson;
}

export interface SplitWindowsJson {
  readonly simulated_file: string;
  readonly live_file: string;
  /** Where the simulated steps were cut to match an interrupted live run (ms on the trace clock); null when not cut. */
  readonly cut_at_ms: number | null;
  readonly simulated_steps: number;
  readonly live_steps: number;
  readonly simulated_time_ms: number;
  readonly live_time_ms: number;
  /** Shares are of all steps and of all step time of the run (instances pooled). */
  readonly rows: readonly SplitRowJson[];
}

export interface LiveCompare {
  readonly schema: typeof LIVE_COMPARE_SCHEMA;
  readonly simulated: { readonly file: string; readonly requests_file: string | null; readonly steps_file: string | null; readonly interrupted: boolean };
  readonly live: {
    readonly file: string;
    readonly requests_file: string | null;
    readonly steps_file: string | null;
    readonly interrupted: boolean;
    /** The live results' own `live` object, echoed as written; null when it has none. */
    readonly meta: Readonly<Record<string, unknown>> | null;
  };
  /** The scenario both runs share (from the simulated config) and the fields that were checked equal. */
  readonly scenario: { readonly model: unknown; readonly hardware: unknown; readonly policy: unknown; readonly trace: unknown; readonly rate_qps: unknown; readonly seed: unknown; readonly fields_checked: readonly string[] };
  readonly basis: Basis;
  /** What a reader must know to read the numbers (interruption, TBT basis, unmatched requests). */
  readonly notes: readonly string[];
  readonly percentiles: string;
  readonly requests: { readonly simulated_completed: number; readonly live_completed: number; readonly compared: number | null };
  readonly metrics: Readonly<Record<LatencyMetric, MetricJson>>;
  readonly throughput: { readonly requests_per_s: RateJson; readonly output_tokens_per_s: RateJson; readonly goodput_rps: RateJson };
  /** Share of GPU-busy time in split mode: the results' summary.split_time_share; error is simulated − live (a share can be 0). */
  readonly split_time_share: { readonly simulated: number; readonly live: number; readonly difference: number };
  readonly split_windows: SplitWindowsJson | null;
  readonly per_request: PerRequestJson | null;
  readonly checks: readonly LiveCheck[];
  /** Every check passed. */
  readonly pass: boolean;
  readonly stretch_pass: boolean;
  /** 101 quantiles per run (0, 1, …, 100 %), ms, for CDF charts. */
  readonly cdf: Readonly<Record<'ttft_ms' | 'tbt_ms', { readonly simulated: readonly number[]; readonly live: readonly number[] }>>;
  /**
   * Which regime the latency model misses: the live run's step records (`serve-gpu --step-records`),
   * measured against the model's price of each step, grouped as the closed loop's drift (calibrate/live/live-drift.ts);
   * null without them.
   */
  readonly drift: DriftReport | null;
}

export function compareLiveRun(inputs: LiveCompareInputs, drift: DriftReport | null = null): LiveCompare {
  const { simulated: sim, live } = inputs;
  const interrupted = sim.result.interrupted || live.result.interrupted;
  const pairs = sim.requests !== null && live.requests !== null ? { sim: sim.requests, live: live.requests } : null;
  if (interrupted && pairs === null) throw new Error('an interrupted run is compared on the requests both finished: both request CSVs are needed');
  const basis: Basis = interrupted ? 'requests-both-finished' : 'whole-runs';
  const matched = pairs ? matchRequests(pairs.sim.rows, pairs.live.rows) : null;
  const sides = basis === 'whole-runs' ? { sim: wholeRun(sim.result), live: wholeRun(live.result) } : commonRequests(matched!);

  const metrics = Object.fromEntries(LATENCY_METRICS.map((m) => [m, metricJson(sides.sim.stats[m], sides.live.stats[m])])) as Record<LatencyMetric, MetricJson>;
  const rate = (f: (s: SideFigures) => number): RateJson => rateJson(f(sides.sim), f(sides.live));
  const throughput = { requests_per_s: rate((s) => s.throughputRps), output_tokens_per_s: rate((s) => s.outputTps), goodput_rps: rate((s) => s.goodputRps) };
  const figure = (metric: 'ttft_ms' | 'tbt_ms', stat: 'p50' | 'p99') => ({ simulated: metrics[metric].simulated[stat], measured: metrics[metric].live[stat] });
  const figures: Record<CheckedFigure, { simulated: number | null; measured: number | null }> = {
    ttft_p50: figure('ttft_ms', 'p50'),
    ttft_p99: figure('ttft_ms', 'p99'),
    tbt_p50: figure('tbt_ms', 'p50'),
    tbt_p99: figure('tbt_ms', 'p99'),
    throughput_rps: { simulated: throughput.requests_per_s.simulated, measured: throughput.requests_per_s.live },
  };
  const checks = evaluateChecks(figures);
  const splitWindows = sim.steps !== null && live.steps !== null ? splitWindowsJson(sim.steps, live.steps, live.result.interrupted && !sim.result.interrupted) : null;
  const perRequest = pairs && matched ? perRequestJson(pairs.sim.file, pairs.live.file, matched) : null;
  const c = sim.result.config;
  return {
    schema: LIVE_COMPARE_SCHEMA,
    simulated: { file: sim.result.file, requests_file: sim.requests?.file ?? null, steps_file: sim.steps?.file ?? null, interrupted: sim.result.interrupted },
    live: { file: live.result.file, requests_file: live.requests?.file ?? null, steps_file: live.steps?.file ?? null, interrupted: live.result.interrupted, meta: live.result.live },
    scenario: { model: c.model, hardware: c.hardware, policy: c.policy, trace: c.trace, rate_qps: c.rateQps ?? null, seed: c.seed ?? null, fields_checked: SCENARIO_FIELDS.map((p) => p.join('.')) },
    basis,
    notes: notes(basis, inputs, perRequest, splitWindows),
    percentiles: basis === 'whole-runs' ? "each run's results JSON (TTFT and E2E exact R-7 over its finished requests; TBT from its log histogram of every gap, within 0.1%)" : PERCENTILE_METHOD,
    requests: { simulated_completed: sim.result.summary.completed, live_completed: live.result.summary.completed, compared: basis === 'whole-runs' ? null : matched!.both.length },
    metrics,
    throughput,
    split_time_share: {
      simulated: sim.result.summary.splitTimeShare,
      live: live.result.summary.splitTimeShare,
      difference: round6(sim.result.summary.splitTimeShare - live.result.summary.splitTimeShare),
    },
    split_windows: splitWindows,
    per_request: perRequest,
    checks,
    pass: checks.every((k) => k.pass),
    stretch_pass: checks.every((k) => k.stretch.pass),
    cdf: { ttft_ms: { simulated: sides.sim.cdf.ttft_ms, live: sides.live.cdf.ttft_ms }, tbt_ms: { simulated: sides.sim.cdf.tbt_ms, live: sides.live.cdf.tbt_ms } },
    drift,
  };
}

/** What one side contributes, whichever the basis. */
interface SideFigures {
  readonly stats: Readonly<Record<LatencyMetric, StatsJson>>;
  readonly throughputRps: number;
  readonly outputTps: number;
  readonly goodputRps: number;
  readonly cdf: Readonly<Record<'ttft_ms' | 'tbt_ms', readonly number[]>>;
}

function wholeRun(r: RunResultFile): SideFigures {
  const s = r.summary;
  const stats = (p: RunPercentiles): StatsJson => ({ count: null, p50: p.p50, p90: p.p90, p99: p.p99, mean: p.mean });
  const completedOrNull = (p: RunPercentiles): StatsJson => (s.completed > 0 ? { ...stats(p), count: s.completed } : EMPTY_STATS);
  // A results JSON counts requests, not gaps: the TBT sample count is not in it.
  const tbt = s.completed > 0 ? stats(s.tbtMs) : EMPTY_STATS;
  return {
    stats: { ttft_ms: completedOrNull(s.ttftMs), tbt_ms: tbt, e2e_ms: completedOrNull(s.e2eMs) },
    throughputRps: s.throughputRps,
    outputTps: s.outputTps,
    goodputRps: s.goodputRps,
    cdf: { ttft_ms: r.cdf.ttftMs, tbt_ms: r.cdf.tbtMs },
  };
}

const EMPTY_STATS: StatsJson = { count: 0, p50: null, p90: null, p99: null, mean: null };

interface MatchedRequests {
  /** Finished in both runs, by ascending id: [simulated, live]. */
  readonly both: ReadonlyArray<readonly [RequestRow, RequestRow]>;
  readonly unmatched: readonly UnmatchedGroup[];
}

function matchRequests(sim: readonly RequestRow[], live: readonly RequestRow[]): MatchedRequests {
  const liveById = new Map(live.map((r) => [r.id, r]));
  const simById = new Map(sim.map((r) => [r.id, r]));
  const both: Array<readonly [RequestRow, RequestRow]> = [];
  const groups = new Map<string, { group: Omit<UnmatchedGroup, 'count' | 'ids'>; ids: number[] }>();
  const unmatched = (finishedIn: 'simulated' | 'live', id: number, other: RequestRow | undefined): void => {
    const otherStatus = other === undefined ? 'missing' : (other.status as Exclude<RequestStatus, 'completed'>);
    const reason = other?.status === 'rejected' ? other.rejectReason : null;
    const key = `${finishedIn}|${otherStatus}|${reason ?? ''}`;
    const g = groups.get(key) ?? { group: { finished_in: finishedIn, other_status: otherStatus, reject_reason: reason }, ids: [] };
    g.ids.push(id);
    groups.set(key, g);
  };
  for (const s of sim) {
    if (s.status !== 'completed') continue;
    const l = liveById.get(s.id);
    if (l?.status === 'completed') both.push([s, l]);
    else unmatched('simulated', s.id, l);
  }
  for (const l of live) if (l.status === 'completed' && simById.get(l.id)?.status !== 'completed') unmatched('live', l.id, simById.get(l.id));
  both.sort((a, b) => a[0].id - b[0].id);
  const list = [...groups.values()].map(({ group, ids }) => {
    ids.sort((a, b) => a - b);
    return { ...group, count: ids.length, ids: ids.slice(0, UNMATCHED_IDS_LISTED) };
  });
  list.sort((a, b) => b.count - a.count || (a.finished_in < b.finished_in ? -1 : 1));
  return { both, unmatched: list };
}

/** Both sides computed from the requests both runs finished (an interrupted run). */
function commonRequests(m: MatchedRequests): { sim: SideFigures; live: SideFigures } {
  const side = (pick: 0 | 1): SideFigures => {
    const rows = m.both.map((pair) => pair[pick]);
    const values = (f: (r: RequestRow) => number | null): number[] => rows.map(f).filter((x): x is number => x !== null);
    const ttft = values((r) => r.ttftMs);
    const tbt = values((r) => r.tpotMs);
    const e2e = values((r) => r.e2eMs);
    // From the first of these requests' arrivals to the last one's completion, as a results JSON's duration.
    let first = Infinity;
    let last = -Infinity;
    let tokens = 0;
    let good = 0;
    for (const r of rows) {
      first = Math.min(first, r.arrivalS);
      last = Math.max(last, r.arrivalS + (r.e2eMs ?? 0) / 1000);
      tokens += r.outputTokens;
      if (r.meetsSlo) good++;
    }
    const durationS = last - first;
    const per = (x: number): number => (rows.length > 0 && durationS > 0 ? x / durationS : NaN);
    return {
      stats: { ttft_ms: statsOf(distribution(ttft)), tbt_ms: statsOf(distribution(tbt)), e2e_ms: statsOf(distribution(e2e)) },
      throughputRps: per(rows.length),
      outputTps: per(tokens),
      goodputRps: per(good),
      cdf: { ttft_ms: cdfQuantiles(ttft).map(round4), tbt_ms: cdfQuantiles(tbt).map(round4) },
    };
  };
  return { sim: side(0), live: side(1) };
}

function statsOf(d: Distribution): StatsJson {
  const n = (x: number): number | null => (Number.isNaN(x) ? null : round4(x));
  return { count: d.count, p50: n(d.p50), p90: n(d.p90), p99: n(d.p99), mean: n(d.mean) };
}

function metricJson(simulated: StatsJson, live: StatsJson): MetricJson {
  const e = (k: 'p50' | 'p90' | 'p99' | 'mean') => relativeError(simulated[k], live[k]);
  return { simulated, live, error: { p50: e('p50'), p90: e('p90'), p99: e('p99'), mean: e('mean') } };
}

function rateJson(simulated: number, live: number): RateJson {
  const n = (x: number): number | null => (Number.isNaN(x) ? null : round6(x));
  // The error of the unrounded rates: rounding both first could move it across a limit.
  return { simulated: n(simulated), live: n(live), error: relativeError(simulated, live) };
}

function perRequestJson(simFile: string, liveFile: string, m: MatchedRequests): PerRequestJson {
  const errors = (f: (r: RequestRow) => number | null): RequestErrorJson => {
    const abs: number[] = [];
    for (const [s, l] of m.both) {
      const e = relativeError(f(s), f(l));
      if (e !== null) abs.push(Math.abs(e));
    }
    const sorted = sortedCopy(abs);
    const q = (p: number): number | null => (sorted.length === 0 ? null : round6(quantile(sorted, p)));
    return { count: sorted.length, median_abs: q(0.5), p90_abs: q(0.9) };
  };
  return {
    simulated_file: simFile,
    live_file: liveFile,
    matched: m.both.length,
    ttft: errors((r) => r.ttftMs),
    mean_tbt: errors((r) => r.tpotMs),
    e2e: errors((r) => r.e2eMs),
    unmatched: m.unmatched,
  };
}

/**
 * The (S_p, S_d, k) histogram of both runs' steps. When only the live run was interrupted, the simulated
 * steps are cut where the live steps end, so both histograms cover the same stretch of the trace.
 */
function splitWindowsJson(sim: CsvFile<StepRow>, live: CsvFile<StepRow>, cut: boolean): SplitWindowsJson {
  let liveEndMs = 0;
  for (const s of live.rows) liveEndMs = Math.max(liveEndMs, s.startMs + s.durationMs);
  const simRows = cut ? sim.rows.filter((s) => s.startMs < liveEndMs) : sim.rows;
  const a = tally(simRows);
  const b = tally(live.rows);
  const keys = [...new Set([...a.byKey.keys(), ...b.byKey.keys()])].map(parseKey).sort((x, y) => x.prefillSms - y.prefillSms || x.decodeSms - y.decodeSms || x.lookaheadK - y.lookaheadK || (x.mode < y.mode ? -1 : 1));
  const sideJson = (t: Tally, key: string): StepSideJson => {
    const c = t.byKey.get(key) ?? { steps: 0, timeMs: 0 };
    return { steps: c.steps, step_share: share(c.steps, t.steps), time_ms: round4(c.timeMs), time_share: share(c.timeMs, t.timeMs) };
  };
  return {
    simulated_file: sim.file,
    live_file: live.file,
    cut_at_ms: cut ? round4(liveEndMs) : null,
    simulated_steps: a.steps,
    live_steps: b.steps,
    simulated_time_ms: round4(a.timeMs),
    live_time_ms: round4(b.timeMs),
    rows: keys.map((k) => ({ mode: k.mode, prefill_sms: k.prefillSms, decode_sms: k.decodeSms, lookahead_k: k.lookaheadK, simulated: sideJson(a, k.key), live: sideJson(b, k.key) })),
  };
}

interface Tally {
  readonly steps: number;
  readonly timeMs: number;
  readonly byKey: ReadonlyMap<string, { steps: number; timeMs: number }>;
}

function tally(rows: readonly StepRow[]): Tally {
  const byKey = new Map<string, { steps: number; timeMs: number }>();
  let timeMs = 0;
  for (const r of rows) {
    const key = `${r.mode}|${r.prefillSms}|${r.decodeSms}|${r.lookaheadK}`;
    const c = byKey.get(key) ?? { steps: 0, timeMs: 0 };
    c.steps++;
    c.timeMs += r.durationMs;
    byKey.set(key, c);
    timeMs += r.durationMs;
  }
  return { steps: rows.length, timeMs, byKey };
}

function parseKey(key: string): { key: string; mode: 'aggregated' | 'split'; prefillSms: number; decodeSms: number; lookaheadK: number } {
  const [mode, p, d, k] = key.split('|');
  return { key, mode: mode as 'aggregated' | 'split', prefillSms: Number(p), decodeSms: Number(d), lookaheadK: Number(k) };
}

function share(part: number, whole: number): number {
  return whole > 0 ? round6(part / whole) : 0;
}

function notes(basis: Basis, inputs: LiveCompareInputs, perRequest: PerRequestJson | null, split: SplitWindowsJson | null): string[] {
  const out: string[] = [];
  const which = [inputs.simulated.result.interrupted && 'the simulated run', inputs.live.result.interrupted && 'the live run'].filter(Boolean).join(' and ');
  if (basis === 'requests-both-finished') {
    out.push(
      `${which} was interrupted: latencies and throughput are compared on the ${perRequest?.matched ?? 0} requests both runs finished (from the request CSVs), ` +
        "and TBT is each request's mean gap between tokens (tpot_ms), not every gap pooled; split time share is each run's own summary",
    );
  }
  if (split?.cut_at_ms != null) out.push(`the simulated steps are cut at ${split.cut_at_ms} ms, where the interrupted live run's steps end`);
  const unmatched = perRequest?.unmatched.reduce((n, g) => n + g.count, 0) ?? 0;
  if (unmatched > 0) out.push(`${unmatched} request(s) finished in one run but not the other (per_request.unmatched)`);
  return out;
}

/** ms to 0.1 µs. */
function round4(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}

function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
