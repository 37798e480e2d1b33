import { resolve } from 'node:path';
import type { Request } from './request.js';
import type { Trace } from '../trace/trace.js';
import { BUNDLED_TRACES, bundledTracePath, isBundledTrace } from '../trace/bundled.js';
import { readTrace } from '../trace/read-trace.js';
import { createRng } from '../core/rng.js';
import { MAX_CLOCK_DAYS, MAX_CLOCK_S, MAX_CLOCK_US, MAX_RATE_QPS, MIN_RATE_QPS } from '../core/limits.js';
import { InputError } from '../core/input-error.js';
import { ProblemList } from '../input/problem-list.js';
import { ARRIVAL_KINDS, generateArrivalsUs, type ArrivalKind } from './arrival-process.js';
import { requestsFromTrace } from './from-trace.js';
import { synthesizeRequests } from './synthesize.js';
import { spreadEqualArrivals, type SpreadMode } from './spread-arrivals.js';
import { limitCount, meanRateQps, rescaleToRate, sampleFraction, timeWindow } from './transform.js';

/** Generated arrivals, for length-only traces (or to replace a trace's own times with a synthetic process). */
export interface ArrivalsSpec {
  readonly kind: ArrivalKind;
  /** Mean rate, requests/s, > 0. */
  readonly rateQps: number;
  /** Coefficient of variation of the gaps; required for 'gamma' (> 0), not allowed otherwise. */
  readonly cv?: number;
  /** Generate arrivals for this many seconds; when absent, as many requests as the trace has rows (lengths are still drawn at random). */
  readonly durationS?: number;
}

/** Everything that picks the requests of a run. Absent optional fields mean "not applied". */
export interface WorkloadSpec {
  /** A bundled trace name (sim/trace/bundled.ts: azure-conv, azure-code, mooncake-conv, ...) or a file path. */
  readonly trace: string;
  /** Loader name from sim/trace/formats.ts; detected from the file when absent. */
  readonly format?: string;
  /** Rescale arrivals to this mean rate, requests/s (after window, sample and limit). */
  readonly rateQps?: number;
  /** Start of the window, seconds from the first arrival (default 0). */
  readonly startS?: number;
  /** Length of the window, seconds (default: to the end). */
  readonly durationS?: number;
  /** Keep only the first N requests, after window and sample. */
  readonly limit?: number;
  /** Keep a seeded uniform share in (0, 1] of the requests, after the window. */
  readonly sample?: number;
  /** Spread requests that share a timestamp over a bucket this wide, ms (Mooncake conversation: 3000). */
  readonly spreadBucketsMs?: number;
  /** How to spread: evenly (default) or seeded uniform. Only with spreadBucketsMs. */
  readonly spreadMode?: SpreadMode;
  /** Generated arrivals; required for length-only traces (sharegpt). The trace then supplies lengths only. */
  readonly arrivals?: ArrivalsSpec;
  /** Seeds every random choice here, each from its own named stream. */
  readonly seed: number;
}

const SPEC_FILE = 'workload spec';

/** Most requests a generated workload may hold: ten times the 10×-tiled Azure trace, a few GB of requests. */
const MAX_GENERATED_REQUESTS = 10_000_000;

/**
 * Loads the trace named by `spec` and turns it into the run's requests: arrivals (the trace's, spread if
 * asked, or generated), then window, sample, limit and rate rescaling, in that order. Relative paths are
 * resolved against `cwd`. Throws InputError for a bad spec or trace; returns at least one request, ids
 * dense from 0 in arrival order and the first arrival at 0.
 */
export function loadWorkload(spec: WorkloadSpec, cwd: string = process.cwd()): Request[] {
  return buildWorkload(readWorkloadTrace(spec, cwd), spec);
}

/** The trace `spec` names, read and parsed, after checking every spec field (the first half of loadWorkload). */
export function readWorkloadTrace(spec: WorkloadSpec, cwd: string = process.cwd()): Trace {
  checkSpec(spec);
  if (isBundledTrace(spec.trace)) {
    const bundled = BUNDLED_TRACES[spec.trace];
    return readTrace(bundledTracePath(spec.trace), bundled.path, spec.format ?? bundled.format);
  }
  return readTrace(resolve(cwd, spec.trace), spec.trace, spec.format ?? null);
}

/** The requests `spec` selects from an already-read trace (the second half of loadWorkload). */
export function buildWorkload(trace: Trace, spec: WorkloadSpec): Request[] {
  let requests: Request[];
  if (spec.arrivals !== undefined) {
    const a = spec.arrivals;
    const durationUs = a.durationS === undefined ? null : a.durationS * 1e6;
    const arrivalsUs = generateArrivalsUs(a, durationUs === null ? trace.records.length : null, durationUs, createRng(spec.seed, 'workload/arrivals'));
    requests = synthesizeRequests(trace.records, trace.file, arrivalsUs, createRng(spec.seed, 'workload/lengths'));
  } else if (trace.kind === 'timed') {
    requests = requestsFromTrace(trace);
  } else {
    throw specError(
      'arrivals',
      `'${spec.trace}' holds lengths only (no arrival times), so it cannot be replayed as it is: draw arrivals for its lengths with \`duetsim trace gen --lengths ${spec.trace} --rate R --duration S -o t.jsonl\` and replay that, or give a workload arrivals (kind, rateQps)`,
    );
  }
  if (spec.spreadBucketsMs !== undefined) {
    requests = spreadEqualArrivals(requests, spec.spreadBucketsMs * 1000, spec.spreadMode ?? 'even', createRng(spec.seed, 'workload/spread'));
  }
  if (spec.startS !== undefined || spec.durationS !== undefined) {
    requests = timeWindow(requests, (spec.startS ?? 0) * 1e6, spec.durationS === undefined ? null : spec.durationS * 1e6);
  }
  if (spec.sample !== undefined) requests = sampleFraction(requests, spec.sample, createRng(spec.seed, 'workload/sample'));
  if (spec.limit !== undefined) requests = limitCount(requests, spec.limit);
  if (requests.length === 0) throw specError('', 'no requests left after the window, sample and limit');
  if (spec.rateQps !== undefined) {
    if (Number.isNaN(meanRateQps(requests))) throw specError('rateQps', 'cannot rescale: fewer than two distinct arrival times');
    requests = rescaleToRate(requests, spec.rateQps);
  }
  // Rescaling to a very low rate, or generating arrivals at one, can push the clock past the span it
  // holds at µs precision (--rate 1e-300 ended in "step priced at 0 µs"); say so, naming the rate.
  const lastUs = requests[requests.length - 1].arrivalUs;
  if (!(lastUs <= MAX_CLOCK_US)) {
    const field = spec.rateQps !== undefined ? 'rateQps' : spec.arrivals !== undefined ? 'arrivals.rateQps' : '';
    const rate = spec.rateQps ?? spec.arrivals?.rateQps;
    throw specError(field, `at ${rate} req/s the ${requests.length} requests span ${(lastUs / 86_400e6).toPrecision(3)} days; the simulator's clock keeps µs precision for ${MAX_CLOCK_DAYS} days: raise the rate or take fewer requests`);
  }
  return requests;
}

/** Checks every field before any file is read, reporting all problems together. */
function checkSpec(spec: WorkloadSpec): void {
  const problems = new ProblemList(SPEC_FILE);
  const bad = (field: string, message: string): void => problems.add('bad-workload-spec', 0, field, message);
  const positive = (field: string, v: number | undefined): void => {
    if (v !== undefined && !(Number.isFinite(v) && v > 0)) bad(field, `must be a positive number, got ${v}`);
  };
  const rate = (field: string, v: number | undefined): void => {
    if (v !== undefined && Number.isFinite(v) && v > 0 && !(v >= MIN_RATE_QPS && v <= MAX_RATE_QPS)) bad(field, `must be within [${MIN_RATE_QPS}, ${MAX_RATE_QPS}] requests/s, got ${v}`);
    else positive(field, v);
  };
  const seconds = (field: string, v: number | undefined): void => {
    if (v !== undefined && v > MAX_CLOCK_S) bad(field, `must be at most ${MAX_CLOCK_S} s (${MAX_CLOCK_DAYS} days, the clock's span at µs precision), got ${v}`);
  };
  rate('rateQps', spec.rateQps);
  positive('durationS', spec.durationS);
  seconds('durationS', spec.durationS);
  positive('spreadBucketsMs', spec.spreadBucketsMs);
  seconds('spreadBucketsMs', spec.spreadBucketsMs === undefined ? undefined : spec.spreadBucketsMs / 1000);
  if (spec.startS !== undefined && !(Number.isFinite(spec.startS) && spec.startS >= 0)) bad('startS', `must be a number >= 0, got ${spec.startS}`);
  seconds('startS', spec.startS);
  if (spec.limit !== undefined && !(Number.isSafeInteger(spec.limit) && spec.limit >= 1)) bad('limit', `must be a whole number >= 1 (below 2^53), got ${spec.limit}`);
  if (spec.sample !== undefined && !(spec.sample > 0 && spec.sample <= 1)) bad('sample', `must be in (0, 1], got ${spec.sample}`);
  if (spec.spreadMode !== undefined && spec.spreadBucketsMs === undefined) bad('spreadMode', 'needs spreadBucketsMs');
  if (!Number.isFinite(spec.seed)) bad('seed', `must be a number, got ${spec.seed}`);
  const a = spec.arrivals;
  if (a !== undefined) {
    if (!ARRIVAL_KINDS.includes(a.kind)) bad('arrivals.kind', `unknown arrival process '${a.kind}' (valid: ${ARRIVAL_KINDS.join(', ')})`);
    rate('arrivals.rateQps', a.rateQps);
    positive('arrivals.durationS', a.durationS);
    seconds('arrivals.durationS', a.durationS);
    // Generated arrivals are held in memory: refuse a count that cannot be (1e6 req/s for a year is 3e13).
    if (a.durationS !== undefined && a.rateQps * a.durationS > MAX_GENERATED_REQUESTS) {
      bad('arrivals.durationS', `${a.rateQps} req/s for ${a.durationS} s is about ${(a.rateQps * a.durationS).toPrecision(3)} requests; duetsim generates at most ${MAX_GENERATED_REQUESTS.toLocaleString('en-US')}`);
    }
    if (a.kind === 'gamma' && !(a.cv !== undefined && Number.isFinite(a.cv) && a.cv > 0)) bad('arrivals.cv', `gamma arrivals need cv > 0, got ${a.cv}`);
    if (a.kind !== 'gamma' && a.cv !== undefined) bad('arrivals.cv', `'${a.kind}' arrivals have a fixed cv; cv applies to gamma only`);
  }
  problems.throwIfAny();
}

function specError(field: string, message: string): InputError {
  return new InputError([{ code: 'bad-workload-spec', file: SPEC_FILE, line: 0, column: 0, field, message }]);
}
