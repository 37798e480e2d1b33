import { InputError } from '../../sim/core/input-error.js';
import { JsonFields } from '../../sim/input/json-fields.js';
import { ProblemList } from '../../sim/input/problem-list.js';
import { RESULT_SCHEMA } from '../../sim/input/file-formats.js';
import { placeProblems } from '../../sim/input/locate-path.js';
import { CsvCells, CsvColumns, csvRecords } from '../../sim/input/csv-table.js';
import { POSITIVE } from '../../sim/input/number-rule.js';

/**
 * The files of one run that `duetsim calibrate compare --simulated … --live …` reads: a results JSON
 * (`duetsim replay --out`, or `duetsim serve-gpu --out`, which writes the same schema plus a top-level
 * `live` object), and optionally its --requests-csv and --iterations-csv. Parsed once, here, into only
 * what the comparison uses; every problem is located (file:line and field or column) and all of a
 * file's problems are reported together.
 */

/** Problems kept per CSV before the rest are only counted: a file in the wrong format is wrong on every row. */
const MAX_CSV_PROBLEMS = 50;
const CODE = 'live-compare.';

export interface RunPercentiles {
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly mean: number;
}

export interface RunSummary {
  readonly requests: number;
  readonly completed: number;
  readonly rejected: number;
  readonly durationS: number;
  readonly throughputRps: number;
  readonly outputTps: number;
  readonly goodputRps: number;
  readonly splitTimeShare: number;
  readonly ttftMs: RunPercentiles;
  /** Every gap between consecutive tokens, pooled (the results JSON's log histogram, within 0.1%). */
  readonly tbtMs: RunPercentiles;
  readonly e2eMs: RunPercentiles;
}

export interface RunResultFile {
  readonly file: string;
  /** The resolved scenario, as written (compared field by field, scenario.ts). */
  readonly config: Readonly<Record<string, unknown>>;
  readonly summary: RunSummary;
  /** Quantiles at 0, 1, …, 100 percent. */
  readonly cdf: { readonly ttftMs: readonly number[]; readonly tbtMs: readonly number[] };
  /** The live run's own object (backend, GPU, host times), echoed as written; null for a simulation. */
  readonly live: Readonly<Record<string, unknown>> | null;
  /** `live.interrupted` is set: the run was stopped before every request finished. */
  readonly interrupted: boolean;
}

export type RequestStatus = 'completed' | 'rejected' | 'unfinished';
const STATUSES: readonly RequestStatus[] = ['completed', 'rejected', 'unfinished'];

/** One row of --requests-csv; figures a request does not have (a rejected one's TTFT) are null. */
export interface RequestRow {
  readonly id: number;
  readonly line: number;
  readonly status: RequestStatus;
  readonly arrivalS: number;
  readonly outputTokens: number;
  readonly ttftMs: number | null;
  /** The request's mean gap between tokens; null with one output token. */
  readonly tpotMs: number | null;
  readonly e2eMs: number | null;
  readonly meetsSlo: boolean;
  readonly rejectReason: string;
}

export interface StepRow {
  readonly startMs: number;
  readonly durationMs: number;
  readonly mode: 'aggregated' | 'split';
  readonly prefillSms: number;
  readonly decodeSms: number;
  readonly lookaheadK: number;
}

export interface CsvFile<Row> {
  readonly file: string;
  readonly rows: readonly Row[];
}

export function parseRunResult(text: string, file: string): RunResultFile {
  const problems = new ProblemList(file);
  const f = JsonFields.document(text, problems, CODE);
  if (f.obj.schema !== RESULT_SCHEMA) {
    f.fail('schema', `${CODE}schema`, `expected a results JSON (schema ${RESULT_SCHEMA}, what \`duetsim replay --out\` and \`duetsim serve-gpu --out\` write), got schema ${JSON.stringify(f.obj.schema) ?? '(missing)'}`);
    throw new InputError(placeProblems(text, problems.all()));
  }
  const config = f.child('config');
  const s = f.child('summary');
  const cdf = f.child('cdf');
  const percentiles = (key: string): RunPercentiles => {
    const p = s?.child(key);
    return p ? { p50: p.num('p50'), p90: p.num('p90'), p99: p.num('p99'), mean: p.num('mean') } : { p50: NaN, p90: NaN, p99: NaN, mean: NaN };
  };
  const summary: RunSummary = {
    requests: s?.int('requests') ?? NaN,
    completed: s?.int('completed') ?? NaN,
    rejected: s?.int('rejected') ?? NaN,
    durationS: s?.num('duration_s') ?? NaN,
    throughputRps: s?.num('throughput_rps') ?? NaN,
    outputTps: s?.num('output_tps') ?? NaN,
    goodputRps: s?.num('goodput_rps') ?? NaN,
    splitTimeShare: s?.num('split_time_share', { max: 1 }) ?? NaN,
    ttftMs: percentiles('ttft_ms'),
    tbtMs: percentiles('tbt_ms'),
    e2eMs: percentiles('e2e_ms'),
  };
  let live: JsonFields | null = null;
  let interrupted = false;
  if (f.has('live')) {
    live = f.child('live');
    // serve-gpu writes null, or {reason, after_steps, unfinished_requests} when it stopped early (calibrate/live/live-summary.ts).
    const v = live?.obj.interrupted;
    if (live !== null && v !== undefined && v !== null && (typeof v !== 'object' || Array.isArray(v))) live.fail('interrupted', 'live-compare.type', 'must be null or the object serve-gpu writes ({reason, after_steps, unfinished_requests})');
    interrupted = live !== null && v !== undefined && v !== null;
  }
  const result: RunResultFile = {
    file,
    config: config?.obj ?? {},
    summary,
    cdf: { ttftMs: cdf?.numbers('ttft_ms') ?? [], tbtMs: cdf?.numbers('tbt_ms') ?? [] },
    live: live?.obj ?? null,
    interrupted,
  };
  if (!problems.isEmpty) throw new InputError(placeProblems(text, problems.all()));
  return result;
}

/**
 * The columns read, each named as the writers' headers name it (REQUEST_CSV_HEADER in
 * sim/metrics/collector.ts, STEP_CSV_HEADER in sim/engine/step-csv.ts; a test holds them to those). Only
 * these are required, so a column added to or dropped from the rest of a table breaks no comparison.
 */
export const REQUEST_COLUMNS = ['id', 'status', 'arrival_s', 'output_tokens', 'ttft_ms', 'tpot_ms', 'e2e_ms', 'meets_slo', 'reject_reason'] as const;
export const STEP_COLUMNS = ['start_ms', 'duration_ms', 'mode', 'prefill_sms', 'decode_sms', 'lookahead_k'] as const;

/** `--requests-csv`: one row per request of the trace, ids unique. */
export function parseRequestsCsv(text: string, file: string): CsvFile<RequestRow> {
  return readTable(text, file, REQUEST_COLUMNS, (c, seen) => {
    const id = c.int('id');
    const first = seen.get(id);
    if (first !== undefined) c.fail('id', `request ${id} is also on line ${first}: a requests CSV has one row per request`);
    else if (Number.isInteger(id)) seen.set(id, c.record.line);
    return {
      id,
      line: c.record.line,
      status: c.oneOf('status', STATUSES),
      arrivalS: c.num('arrival_s'),
      outputTokens: c.int('output_tokens'),
      ttftMs: c.optionalNum('ttft_ms'),
      tpotMs: c.optionalNum('tpot_ms'),
      e2eMs: c.optionalNum('e2e_ms'),
      meetsSlo: c.flag('meets_slo'),
      rejectReason: c.str('reject_reason').trim(),
    };
  });
}

/** `--iterations-csv`: one row per scheduling step. */
export function parseStepsCsv(text: string, file: string): CsvFile<StepRow> {
  return readTable(text, file, STEP_COLUMNS, (c) => {
    const mode = c.oneOf('mode', ['aggregated', 'split'] as const);
    return {
      startMs: c.num('start_ms'),
      durationMs: c.num('duration_ms'),
      mode,
      prefillSms: c.int('prefill_sms'),
      decodeSms: c.int('decode_sms'),
      lookaheadK: c.num('lookahead_k', { ...POSITIVE, integer: true }),
    };
  });
}

function readTable<Row>(text: string, file: string, needed: readonly string[], readRow: (cells: CsvCells, seen: Map<number, number>) => Row): CsvFile<Row> {
  const problems = new ProblemList(file, { maxProblems: MAX_CSV_PROBLEMS });
  const records = csvRecords(text, problems, `${CODE}bad-csv`);
  const columns = CsvColumns.read(records[0], needed, problems, `${CODE}bad-header`);
  const rows: Row[] = [];
  const seen = new Map<number, number>();
  if (columns !== null) {
    for (let i = 1; i < records.length; i++) {
      const cells = CsvCells.forRecord(records[i], columns, problems, CODE);
      if (cells !== null) rows.push(readRow(cells, seen));
    }
  }
  problems.throwIfAny();
  return { file, rows };
}
