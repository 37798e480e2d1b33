import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { createInterface } from 'node:readline';
import { JsonFields } from '../../sim/input/json-fields.js';
import { ProblemList } from '../../sim/input/problem-list.js';
import { POSITIVE } from '../../sim/input/number-rule.js';
import { isInt, isNum, MAX_PROBLEMS } from './problems.js';
// The format's name and version are the writer's (one definition; a reader of another version refuses it).
import { SCHEDULE_FORMAT, SCHEDULE_VERSION } from '../../sim/engine/schedule-jsonl.js';
/**
 * Reads a schedule the simulator executed (`duetsim replay --emit-schedule`, format `duetsim-schedule`
 * version 2, documented in sim/engine/README.md) into plain typed steps, for `duetsim calibrate compare`.
 *
 * Besides types and ranges it checks what the closed-loop rebuild (rebuild.ts) relies on: steps numbered
 * from 0 in file order and never overlapping on the one GPU, mode consistent with the partition fields,
 * a token offset for exactly the steps that emit one, and each step's offsets following the simulator's
 * timing rule (sim/latency/iteration-timing.ts): an aggregated step emits every token at its end; a split
 * window samples the prefill's token `sampling` after the prefill ends and ends `sampling` after the
 * later of its two partitions. A schedule that breaks the rule cannot be rebuilt from measured GPU times,
 * so it is refused rather than compared.
 *
 * Files run to 15–20 MB (7–10k steps, 400k decode entries): `ScheduleReader` takes one line at a time
 * (`readScheduleFile` streams a file through it) and checks the per-request entries with plain type tests
 * instead of a reader object per entry.
 */
/**
 * Values are written with 3 decimals (1 ns); a relation between up to three written values holds to
 * 1.5 ns, plus float error.
 */
export const SCHEDULE_ROUNDING_US = 2e-3;
const MODES = ['aggregated', 'split'];
const HEADER_KEYS = new Set(['format', 'version', 'model', 'hardware', 'policy', 'trace', 'rate_qps', 'block_tokens', 'sm_count', 'tp_degree', 'overheads_us']);
const OVERHEAD_KEYS = new Set(['scheduling', 'sampling', 'graph_launch', 'eager_launch_per_kernel']);
const STEP_KEYS = new Set([
    'step', 'instance', 'start_us', 'duration_us', 'mode', 'prefill_sms', 'decode_sms', 'k', 'prefills', 'decodes', 'preempted',
    'prefill_token_offset_us', 'decode_token_offsets_us', 'prefill_done_offset_us',
]);
const PREFILL_KEYS = new Set(['id', 'new', 'cached', 'emits', 'arrival_us']);
const DECODE_KEYS = new Set(['id', 'context', 'steps']);
/** Parses a whole schedule held in memory. */
export function parseSchedule(text, file) {
    const reader = new ScheduleReader(file);
    let from = 0;
    while (from < text.length) {
        let to = text.indexOf('\n', from);
        if (to < 0)
            to = text.length;
        reader.line(text.slice(from, to));
        from = to + 1;
    }
    return reader.finish();
}
/**
 * Streams a schedule file through a `ScheduleReader`; `name` is how messages call the file. A name ending
 * in `.gz` is gunzipped on the way (the shipped closed-loop schedules are stored compressed).
 */
export async function readScheduleFile(path, name = path) {
    const reader = new ScheduleReader(name);
    const raw = createReadStream(path);
    const input = path.endsWith('.gz') ? raw.pipe(createGunzip()) : raw;
    input.setEncoding('utf8');
    const lines = createInterface({ input, crlfDelay: Infinity });
    for await (const l of lines)
        reader.line(l);
    return reader.finish();
}
/**
 * Line-at-a-time schedule parser: feed every line in order (without its newline), then `finish`, which
 * returns the schedule or throws an InputError listing every problem found, each with file:line and field.
 */
export class ScheduleReader {
    file;
    problems;
    /** How many problems the file had when the current line began: more now means this line has some. */
    lineStartCount = 0;
    steps = [];
    header = null;
    /** A header that is not a version-2 schedule: its lines would only repeat that, so they are not read. */
    refused = false;
    lineNo = 0;
    constructor(file) {
        this.file = file;
        this.problems = new ProblemList(file, { maxProblems: MAX_PROBLEMS });
    }
    line(text) {
        const line = ++this.lineNo;
        if (this.refused || text.trim() === '')
            return;
        this.lineStartCount = this.problems.count;
        let value;
        try {
            value = JSON.parse(text);
        }
        catch (e) {
            this.problems.add('calib.bad-json', line, '', `not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
            this.skipLine(line);
            return;
        }
        const f = JsonFields.root(line, value, this.problems, 'calib.');
        if (f === null)
            this.skipLine(line);
        else if (this.header === null)
            this.readHeader(f);
        else
            this.readStep(f);
    }
    /**
     * A line that could not be read: without a header nothing after it can be checked; a step line still
     * takes its step number, so the lines after it are not all reported as out of order.
     */
    skipLine(line) {
        if (this.header === null)
            this.refused = true;
        else
            this.steps.push({ ...UNREAD_STEP, index: this.steps.length, line });
    }
    finish() {
        if (this.header === null && this.problems.count === 0)
            this.problems.add('schedule.empty', 0, '', 'no header line: the file is empty');
        else if (this.header !== null && !this.refused && this.steps.length === 0 && this.problems.count === 0)
            this.problems.add('schedule.empty', 0, '', 'the schedule has a header but no steps');
        this.problems.throwIfAny();
        return { file: this.file, header: this.header, steps: this.steps };
    }
    readHeader(f) {
        const format = f.obj.format;
        if (format !== SCHEDULE_FORMAT) {
            f.fail('format', 'schedule.format', `expected '${SCHEDULE_FORMAT}' (a schedule from \`duetsim replay --emit-schedule\`), got ${JSON.stringify(format) ?? 'nothing'}`);
            this.refused = true;
            return;
        }
        const version = f.obj.version;
        if (version !== SCHEDULE_VERSION) {
            const why = version === 1
                ? 'version 1 schedules lack overheads_us, arrival_us and prefill_done_offset_us, which the rebuild needs; re-emit it with the current `duetsim replay --emit-schedule`'
                : `unknown version ${JSON.stringify(version) ?? '(missing)'}; this duetsim reads version ${SCHEDULE_VERSION} (re-emit the schedule with \`duetsim replay --emit-schedule\`)`;
            f.fail('version', 'schedule.version', why);
            this.refused = true;
            return;
        }
        unknownKeys(f, HEADER_KEYS);
        const o = f.child('overheads_us');
        if (o)
            unknownKeys(o, OVERHEAD_KEYS);
        const rate = f.obj.rate_qps;
        this.header = {
            model: f.str('model'),
            hardware: f.str('hardware'),
            policy: f.str('policy'),
            trace: f.str('trace'),
            rateQps: rate === null ? null : f.num('rate_qps'),
            blockTokens: f.int('block_tokens', 1),
            smCount: f.int('sm_count', 1),
            tpDegree: f.int('tp_degree', 1),
            overheads: {
                schedulingUs: o ? o.num('scheduling') : NaN,
                samplingUs: o ? o.num('sampling') : NaN,
                graphLaunchUs: o ? o.num('graph_launch') : NaN,
                eagerLaunchPerKernelUs: o ? o.num('eager_launch_per_kernel') : NaN,
            },
            raw: f.obj,
        };
        // Steps cannot be checked against a header that is itself wrong.
        if (this.problems.count > this.lineStartCount)
            this.refused = true;
    }
    readStep(f) {
        const header = this.header;
        const index = this.steps.length;
        const before = this.problems.count;
        unknownKeys(f, STEP_KEYS);
        const step = f.int('step');
        if (Number.isInteger(step) && step !== index)
            f.fail('step', 'schedule.order', `step ${step} where step ${index} was expected: steps are numbered from 0 in file order`);
        if (f.int('instance') > 0)
            f.fail('instance', 'schedule.instance', 'a schedule is one GPU (instance 0)');
        const startAtUs = f.num('start_us');
        const durationUs = f.num('duration_us');
        if (durationUs === 0)
            f.fail('duration_us', 'calib.range', 'must be > 0');
        const mode = f.oneOf('mode', MODES);
        const prefillSms = f.int('prefill_sms');
        const decodeSms = f.int('decode_sms');
        const lookaheadK = f.int('k', 1);
        if (mode === 'aggregated') {
            if (prefillSms !== 0)
                f.fail('prefill_sms', 'schedule.mode', `an aggregated step runs on all SMs: prefill_sms must be 0, got ${prefillSms}`);
            if (decodeSms !== 0)
                f.fail('decode_sms', 'schedule.mode', `an aggregated step runs on all SMs: decode_sms must be 0, got ${decodeSms}`);
            if (lookaheadK !== 1)
                f.fail('k', 'schedule.mode', `an aggregated step has k = 1, got ${lookaheadK}`);
        }
        else if (mode === 'split') {
            if (prefillSms < 1)
                f.fail('prefill_sms', 'schedule.mode', `a split window needs prefill_sms ≥ 1, got ${prefillSms}`);
            if (decodeSms < 1)
                f.fail('decode_sms', 'schedule.mode', `a split window needs decode_sms ≥ 1, got ${decodeSms}`);
            if (prefillSms + decodeSms > header.smCount)
                f.fail('decode_sms', 'schedule.mode', `prefill_sms + decode_sms = ${prefillSms + decodeSms} is more than the header's sm_count ${header.smCount}`);
        }
        const prefills = readPrefills(f, f.array('prefills'), startAtUs);
        const decodes = readDecodes(f, f.array('decodes'), lookaheadK);
        const preempted = f.numbers('preempted', { integer: true, min: 0 });
        if (f.has('prefills') && f.has('decodes') && prefills.length + decodes.length === 0)
            f.fail('prefills', 'schedule.empty-step', 'a step runs at least one prefill chunk or decode');
        duplicateIds(f, prefills, decodes);
        const prefillTokenOffsetUs = nullableNum(f, 'prefill_token_offset_us');
        const prefillDoneOffsetUs = nullableNum(f, 'prefill_done_offset_us');
        const decodeTokenOffsetsUs = f.numbers('decode_token_offsets_us', { min: 0 });
        const s = { index, line: f.line, startAtUs, durationUs, mode, prefillSms, decodeSms, lookaheadK, prefills, decodes, preempted, prefillTokenOffsetUs, decodeTokenOffsetsUs, prefillDoneOffsetUs };
        // A step with problems still takes its place (the file is refused at the end anyway), so the next
        // line is checked against the next step number instead of repeating this line's problem.
        this.steps.push(s);
        if (problemsSince(f, before))
            return;
        this.checkConsistency(f, s, before);
    }
    /** What the rebuild relies on, once the fields themselves are well formed. */
    checkConsistency(f, s, before) {
        const { index, mode, prefills, decodes, lookaheadK, startAtUs, prefillTokenOffsetUs, prefillDoneOffsetUs, decodeTokenOffsetsUs } = s;
        const emits = prefills.some((p) => p.emits);
        if (emits !== (prefillTokenOffsetUs !== null)) {
            f.fail('prefill_token_offset_us', 'schedule.offsets', emits ? 'missing (null) although a prefill chunk emits a token' : 'must be null: no prefill chunk in this step emits a token');
        }
        const wantDone = mode === 'split' && prefills.length > 0;
        if (wantDone !== (prefillDoneOffsetUs !== null)) {
            f.fail('prefill_done_offset_us', 'schedule.offsets', wantDone ? 'missing (null) in a split window with a prefill' : 'must be null: only split windows with a prefill have one');
        }
        const wantOffsets = decodes.length === 0 ? 0 : lookaheadK;
        if (decodeTokenOffsetsUs.length !== wantOffsets) {
            f.fail('decode_token_offsets_us', 'schedule.offsets', decodes.length === 0 ? `must be [] without decodes, has ${decodeTokenOffsetsUs.length}` : `has ${decodeTokenOffsetsUs.length} offsets; a step with decodes has one per decode step (k = ${lookaheadK})`);
        }
        for (let j = 1; j < decodeTokenOffsetsUs.length; j++) {
            if (decodeTokenOffsetsUs[j] < decodeTokenOffsetsUs[j - 1])
                f.fail(`decode_token_offsets_us[${j}]`, 'schedule.offsets', `decode steps run back to back: ${decodeTokenOffsetsUs[j]} is before the previous ${decodeTokenOffsetsUs[j - 1]}`);
        }
        const prev = this.steps[index - 1];
        if (prev !== undefined && startAtUs < prev.startAtUs + prev.durationUs - SCHEDULE_ROUNDING_US) {
            f.fail('start_us', 'schedule.overlap', `starts at ${startAtUs} µs, before step ${index - 1} (line ${prev.line}) ends at ${round3(prev.startAtUs + prev.durationUs)} µs: one GPU runs one step at a time`);
        }
        if (problemsSince(f, before))
            return;
        checkTimingRule(f, s, this.header.overheads);
    }
}
/** Stands in for a step line that could not be read (the file is refused at the end). */
const UNREAD_STEP = {
    index: -1, line: 0, startAtUs: NaN, durationUs: NaN, mode: 'aggregated', prefillSms: 0, decodeSms: 0, lookaheadK: 1,
    prefills: [], decodes: [], preempted: [], prefillTokenOffsetUs: null, decodeTokenOffsetsUs: [], prefillDoneOffsetUs: null,
};
/** Whether `f` recorded problems since its list held `before` of them. */
function problemsSince(f, before) {
    return f.problems.count > before;
}
/**
 * The offsets follow the simulator's step timing (sim/latency/iteration-timing.ts, sim/engine/instance.ts),
 * which rebuild.ts inverts; checked to the file's rounding.
 */
function checkTimingRule(f, s, o) {
    const near = (a, b) => Math.abs(a - b) <= SCHEDULE_ROUNDING_US;
    if (s.mode === 'aggregated') {
        if (s.prefillTokenOffsetUs !== null && !near(s.prefillTokenOffsetUs, s.durationUs)) {
            f.fail('prefill_token_offset_us', 'schedule.timing', `an aggregated step emits its tokens at its end (${s.durationUs}), not at ${s.prefillTokenOffsetUs}`);
        }
        if (s.decodeTokenOffsetsUs.length > 0 && !near(s.decodeTokenOffsetsUs[0], s.durationUs)) {
            f.fail('decode_token_offsets_us[0]', 'schedule.timing', `an aggregated step emits its tokens at its end (${s.durationUs}), not at ${s.decodeTokenOffsetsUs[0]}`);
        }
        if (s.durationUs <= o.schedulingUs + o.samplingUs) {
            f.fail('duration_us', 'schedule.timing', `no longer than the header's scheduling + sampling (${o.schedulingUs + o.samplingUs} µs): no GPU time left`);
        }
        return;
    }
    const done = s.prefillDoneOffsetUs;
    const lastDecode = s.decodeTokenOffsetsUs.length > 0 ? s.decodeTokenOffsetsUs[s.decodeTokenOffsetsUs.length - 1] : null;
    if (done !== null && done <= o.schedulingUs)
        f.fail('prefill_done_offset_us', 'schedule.timing', `the prefill starts after scheduling (${o.schedulingUs} µs) and cannot end at ${done}`);
    if (s.decodeTokenOffsetsUs.length > 0 && s.decodeTokenOffsetsUs[0] <= o.schedulingUs) {
        f.fail('decode_token_offsets_us[0]', 'schedule.timing', `decode steps start after scheduling (${o.schedulingUs} µs) and cannot end at ${s.decodeTokenOffsetsUs[0]}`);
    }
    if (s.prefillTokenOffsetUs !== null && done !== null && !near(s.prefillTokenOffsetUs, done + o.samplingUs)) {
        f.fail('prefill_token_offset_us', 'schedule.timing', `a split window samples the prefill's tokens ${o.samplingUs} µs after it ends (${round3(done + o.samplingUs)}), not at ${s.prefillTokenOffsetUs}`);
    }
    const busyEnd = Math.max(done ?? 0, lastDecode ?? 0);
    if (!near(s.durationUs, busyEnd + o.samplingUs)) {
        f.fail('duration_us', 'schedule.timing', `a split window ends ${o.samplingUs} µs (sampling) after its later partition (${round3(busyEnd + o.samplingUs)}), not at ${s.durationUs}`);
    }
}
function readPrefills(f, arr, startAtUs) {
    const out = [];
    for (let j = 0; j < arr.length; j++) {
        const e = arr[j];
        const at = `prefills[${j}]`;
        if (typeof e !== 'object' || e === null || Array.isArray(e)) {
            f.fail(at, 'calib.type', 'expected an object');
            continue;
        }
        const { id, new: newTokens, cached, emits, arrival_us: arrival } = e;
        let ok = entryKeys(f, at, e, PREFILL_KEYS);
        if (!isInt(id, 0))
            ok = badNum(f, `${at}.id`, id, 0, true);
        if (!isInt(newTokens, 1))
            ok = badNum(f, `${at}.new`, newTokens, 1, true);
        if (!isInt(cached, 0))
            ok = badNum(f, `${at}.cached`, cached, 0, true);
        if (typeof emits !== 'boolean') {
            f.fail(`${at}.emits`, 'calib.type', `expected true or false, got ${JSON.stringify(emits) ?? 'nothing'}`);
            ok = false;
        }
        if (!isNum(arrival, 0))
            ok = badNum(f, `${at}.arrival_us`, arrival, 0, false);
        else if (arrival > startAtUs) {
            f.fail(`${at}.arrival_us`, 'schedule.arrival', `request ${String(id)} arrives at ${arrival} µs, after the step starts (${startAtUs} µs)`);
            ok = false;
        }
        if (ok)
            out.push({ id: id, newTokens: newTokens, cachedTokens: cached, emits: emits, arrivalAtUs: arrival });
    }
    return out;
}
function readDecodes(f, arr, lookaheadK) {
    const out = [];
    for (let j = 0; j < arr.length; j++) {
        const e = arr[j];
        if (typeof e !== 'object' || e === null || Array.isArray(e)) {
            f.fail(`decodes[${j}]`, 'calib.type', 'expected an object');
            continue;
        }
        const { id, context, steps } = e;
        // The hot path (hundreds of thousands of entries): three type tests, and messages only on failure.
        if (isInt(id, 0) && isInt(context, 1) && isInt(steps, 1) && steps <= lookaheadK && countKeys(e) === 3) {
            out.push({ id, contextTokens: context, steps });
            continue;
        }
        const at = `decodes[${j}]`;
        entryKeys(f, at, e, DECODE_KEYS);
        if (!isInt(id, 0))
            badNum(f, `${at}.id`, id, 0, true);
        if (!isInt(context, 1))
            badNum(f, `${at}.context`, context, 1, true);
        if (!isInt(steps, 1))
            badNum(f, `${at}.steps`, steps, 1, true);
        else if (Number.isInteger(lookaheadK) && steps > lookaheadK)
            f.fail(`${at}.steps`, 'schedule.steps', `a request takes at most k = ${lookaheadK} decode steps in a step, got ${steps}`);
    }
    return out;
}
function countKeys(o) {
    let n = 0;
    for (const _ in o)
        n++;
    return n;
}
function duplicateIds(f, prefills, decodes) {
    const seen = new Set();
    const check = (id, at) => {
        if (seen.has(id))
            f.fail(at, 'schedule.duplicate-id', `request ${id} appears twice in one step`);
        seen.add(id);
    };
    prefills.forEach((p, j) => check(p.id, `prefills[${j}].id`));
    decodes.forEach((d, j) => check(d.id, `decodes[${j}].id`));
}
function nullableNum(f, key) {
    const v = f.obj[key];
    if (v === null)
        return null;
    return f.num(key, POSITIVE);
}
function badNum(f, field, v, min, integer) {
    if (v === undefined)
        f.fail(field, 'calib.missing', 'missing field');
    else
        f.checkNum(field, v, { integer, min });
    return false;
}
function entryKeys(f, at, e, allowed) {
    let ok = true;
    for (const k of Object.keys(e)) {
        if (!allowed.has(k)) {
            f.fail(`${at}.${k}`, 'calib.unknown-key', `unknown field; expected ${[...allowed].join(', ')}`);
            ok = false;
        }
    }
    return ok;
}
function unknownKeys(f, allowed) {
    for (const k of Object.keys(f.obj))
        if (!allowed.has(k))
            f.fail(k, 'calib.unknown-key', `unknown field; expected one of ${[...allowed].join(', ')}`);
}
function round3(x) {
    return Math.round(x * 1000) / 1000;
}
