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
const STATUSES = ['completed', 'rejected', 'unfinished'];
export function parseRunResult(text, file) {
    const problems = new ProblemList(file);
    const f = JsonFields.document(text, problems, CODE);
    if (f.obj.schema !== RESULT_SCHEMA) {
        f.fail('schema', `${CODE}schema`, `expected a results JSON (schema ${RESULT_SCHEMA}, what \`duetsim replay --out\` and \`duetsim serve-gpu --out\` write), got schema ${JSON.stringify(f.obj.schema) ?? '(missing)'}`);
        throw new InputError(placeProblems(text, problems.all()));
    }
    const config = f.child('config');
    const s = f.child('summary');
    const cdf = f.child('cdf');
    const percentiles = (key) => {
        const p = s?.child(key);
        return p ? { p50: p.num('p50'), p90: p.num('p90'), p99: p.num('p99'), mean: p.num('mean') } : { p50: NaN, p90: NaN, p99: NaN, mean: NaN };
    };
    const summary = {
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
    let live = null;
    let interrupted = false;
    if (f.has('live')) {
        live = f.child('live');
        // serve-gpu writes null, or {reason, after_steps, unfinished_requests} when it stopped early (calibrate/live/live-summary.ts).
        const v = live?.obj.interrupted;
        if (live !== null && v !== undefined && v !== null && (typeof v !== 'object' || Array.isArray(v)))
            live.fail('interrupted', 'live-compare.type', 'must be null or the object serve-gpu writes ({reason, after_steps, unfinished_requests})');
        interrupted = live !== null && v !== undefined && v !== null;
    }
    const result = {
        file,
        config: config?.obj ?? {},
        summary,
        cdf: { ttftMs: cdf?.numbers('ttft_ms') ?? [], tbtMs: cdf?.numbers('tbt_ms') ?? [] },
        live: live?.obj ?? null,
        interrupted,
    };
    if (!problems.isEmpty)
        throw new InputError(placeProblems(text, problems.all()));
    return result;
}
/**
 * The columns read, each named as the writers' headers name it (REQUEST_CSV_HEADER in
 * sim/metrics/collector.ts, STEP_CSV_HEADER in sim/engine/step-csv.ts; a test holds them to those). Only
 * these are required, so a column added to or dropped from the rest of a table breaks no comparison.
 */
export const REQUEST_COLUMNS = ['id', 'status', 'arrival_s', 'output_tokens', 'ttft_ms', 'tpot_ms', 'e2e_ms', 'meets_slo', 'reject_reason'];
export const STEP_COLUMNS = ['start_ms', 'duration_ms', 'mode', 'prefill_sms', 'decode_sms', 'lookahead_k'];
/** `--requests-csv`: one row per request of the trace, ids unique. */
export function parseRequestsCsv(text, file) {
    return readTable(text, file, REQUEST_COLUMNS, (c, seen) => {
        const id = c.int('id');
        const first = seen.get(id);
        if (first !== undefined)
            c.fail('id', `request ${id} is also on line ${first}: a requests CSV has one row per request`);
        else if (Number.isInteger(id))
            seen.set(id, c.record.line);
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
export function parseStepsCsv(text, file) {
    return readTable(text, file, STEP_COLUMNS, (c) => {
        const mode = c.oneOf('mode', ['aggregated', 'split']);
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
function readTable(text, file, needed, readRow) {
    const problems = new ProblemList(file, { maxProblems: MAX_CSV_PROBLEMS });
    const records = csvRecords(text, problems, `${CODE}bad-csv`);
    const columns = CsvColumns.read(records[0], needed, problems, `${CODE}bad-header`);
    const rows = [];
    const seen = new Map();
    if (columns !== null) {
        for (let i = 1; i < records.length; i++) {
            const cells = CsvCells.forRecord(records[i], columns, problems, CODE);
            if (cells !== null)
                rows.push(readRow(cells, seen));
        }
    }
    problems.throwIfAny();
    return { file, rows };
}
