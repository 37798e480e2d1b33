import { JsonFields } from '../../sim/input/json-fields.js';
import { ProblemList } from '../../sim/input/problem-list.js';
import { POSITIVE } from '../../sim/input/number-rule.js';
import { jsonDifference, MAX_PROBLEMS } from './problems.js';
/**
 * Reads what the GPU executor measured when it ran a schedule (format `duetsim-exec-result` version 1,
 * calibrate/README.md "Closed loop: compare") and checks it against that schedule: same steps in the
 * same order (a run cut short gives a prefix), the same mode, partition and look-ahead per step, one
 * time per thing the step ran. Every problem is reported with file:line and field.
 *
 * A killed executor can leave its last line half written: a last line that is not valid JSON is left out
 * (and said so); any other malformed line is an error. Fields the format does not name are ignored, so
 * an executor may record more (timings of its own, build ids) without breaking this reader.
 */
export const EXEC_RESULT_FORMAT = 'duetsim-exec-result';
export const EXEC_RESULT_VERSION = 1;
const BACKENDS = ['runner', 'addon'];
/**
 * The executor parses the schedule's header and writes it back with its own JSON writer, which prints
 * numbers to 6 significant digits (cuda/core/json.cpp `format_number`), so numbers match to that.
 */
const HEADER_NUMBER_TOLERANCE = 1e-5;
export function parseExecResult(text, file, schedule) {
    const problems = new ProblemList(file, { maxProblems: MAX_PROBLEMS });
    const lines = text.split('\n');
    let last = lines.length - 1;
    while (last >= 0 && lines[last].trim() === '')
        last--;
    let meta = null;
    const steps = [];
    let doneLine = 0;
    let wallS = null;
    let droppedPartialLine = false;
    for (let i = 0; i <= last; i++) {
        const raw = lines[i];
        const line = i + 1;
        if (raw.trim() === '')
            continue;
        let value;
        try {
            value = JSON.parse(raw);
        }
        catch (e) {
            if (i === last && meta !== null) {
                droppedPartialLine = true;
                break;
            }
            problems.add('calib.bad-json', line, '', `not valid JSON${i === last ? ' (a partly written line where the meta line should be)' : ' (only the last line may be partly written)'}: ${e instanceof Error ? e.message : String(e)}`);
            if (meta === null)
                break;
            continue;
        }
        const lineStartCount = problems.count;
        const f = JsonFields.root(line, value, problems, 'calib.');
        if (f !== null) {
            if (meta === null) {
                meta = readMeta(f, schedule);
                // Step lines cannot be checked against a result of another schedule or format.
                if (problems.count > lineStartCount)
                    break;
            }
            else if (doneLine > 0) {
                f.fail('kind', 'exec.after-done', `a line after the 'done' line (line ${doneLine})`);
            }
            else {
                const kind = f.oneOf('kind', ['step', 'done']);
                if (kind === 'step') {
                    const m = readStep(f, schedule, steps.length);
                    if (m === MISALIGNED) {
                        // Later lines cannot be matched to schedule steps; one message says where it went wrong.
                        break;
                    }
                    // A step with problems still takes its place, so the next line is checked against the next step.
                    steps.push(m ?? PLACEHOLDER);
                }
                else if (kind === 'done') {
                    doneLine = line;
                    const n = f.int('steps');
                    if (Number.isInteger(n) && n !== steps.length)
                        f.fail('steps', 'exec.done-count', `says ${n} steps were run, but the file has ${steps.length} step lines`);
                    wallS = f.num('wall_s');
                }
            }
        }
        else if (meta === null)
            break;
    }
    if (meta === null && problems.count === 0)
        problems.add('exec.no-meta', 0, '', 'no meta line: the file is empty');
    problems.throwIfAny();
    return { file, meta: meta, steps, complete: doneLine > 0, wallS, droppedPartialLine };
}
/** Stands in for a step line that had problems (never returned: those throw). */
const PLACEHOLDER = { mode: 'aggregated', gpuUs: NaN };
/** A step line whose number is not the next step's: the lines after it cannot be matched to the schedule. */
const MISALIGNED = 'misaligned';
function readMeta(f, schedule) {
    if (f.obj.kind !== 'meta') {
        f.fail('kind', 'exec.no-meta', `the first line must be the executor's meta line (kind 'meta'), got kind ${JSON.stringify(f.obj.kind) ?? '(missing)'}`);
        return EMPTY_META;
    }
    if (f.obj.format !== EXEC_RESULT_FORMAT) {
        f.fail('format', 'exec.format', `expected '${EXEC_RESULT_FORMAT}', got ${JSON.stringify(f.obj.format) ?? 'nothing'}`);
        return EMPTY_META;
    }
    if (f.obj.version !== EXEC_RESULT_VERSION) {
        f.fail('version', 'exec.version', `unknown version ${JSON.stringify(f.obj.version) ?? '(missing)'}; this duetsim reads version ${EXEC_RESULT_VERSION}`);
        return EMPTY_META;
    }
    const s = f.child('schedule');
    if (s !== null) {
        const d = jsonDifference(s.obj, schedule.header.raw, HEADER_NUMBER_TOLERANCE);
        if (d !== null) {
            const here = JSON.stringify(pick(s.obj, d));
            const there = JSON.stringify(pick(schedule.header.raw, d));
            f.fail(`schedule.${d}`, 'exec.other-schedule', `this result is of another schedule: ${here ?? '(missing)'} here, ${there ?? '(missing)'} in ${schedule.file}'s header`);
        }
    }
    const smCount = f.int('sm_count', 1);
    if (Number.isInteger(smCount) && smCount !== schedule.header.smCount) {
        f.fail('sm_count', 'exec.sm-count', `the GPU has ${smCount} SMs but the schedule's partitions are of ${schedule.header.smCount}`);
    }
    return {
        gpu: f.str('gpu'),
        smCount,
        driver: f.str('driver'),
        cudaRuntime: f.str('cuda_runtime'),
        date: f.str('date'),
        host: f.has('host') ? f.str('host') : '',
        backend: f.oneOf('backend', BACKENDS),
        kvBlocks: f.int('kv_blocks'),
        kvCopies: f.int('kv_copies'),
    };
}
const EMPTY_META = { gpu: '', smCount: 0, driver: '', cudaRuntime: '', date: '', host: '', backend: 'runner', kvBlocks: 0, kvCopies: 0 };
/** The value at a key path such as `overheads_us.sampling` or `a[2]`. */
function pick(obj, path) {
    if (path === '(root)')
        return obj;
    let v = obj;
    for (const part of path.split(/\.|(?=\[)/)) {
        if (typeof v !== 'object' || v === null)
            return undefined;
        const m = /^\[(\d+)\]$/.exec(part);
        v = m ? v[Number(m[1])] : v[part];
    }
    return v;
}
function readStep(f, schedule, index) {
    const before = f.problems.count;
    const step = f.int('step');
    if (!Number.isInteger(step))
        return MISALIGNED;
    if (step !== index) {
        f.fail('step', 'exec.order', `step ${step} where step ${index} was expected: steps are written in schedule order from 0 (later lines not checked)`);
        return MISALIGNED;
    }
    const s = schedule.steps[index];
    if (s === undefined) {
        f.fail('step', 'exec.extra-step', `the schedule has only ${schedule.steps.length} steps (0..${schedule.steps.length - 1})`);
        return MISALIGNED;
    }
    const where = `${schedule.file}:${s.line}`;
    const mode = f.oneOf('mode', ['aggregated', 'split']);
    if (f.problems.count > before)
        return null;
    if (mode !== s.mode) {
        f.fail('mode', 'exec.mode-mismatch', `step ${index} is ${s.mode} in the schedule (${where}), ${mode} here`);
        return null;
    }
    if (mode === 'aggregated') {
        const gpuUs = f.num('gpu_us', POSITIVE);
        return f.problems.count > before ? null : { mode, gpuUs };
    }
    sameAs(f, 'prefill_sms', s.prefillSms, where);
    sameAs(f, 'decode_sms', s.decodeSms, where);
    sameAs(f, 'k', s.lookaheadK, where);
    const prefillEndUs = readPrefillEnd(f, s, where);
    const decodeEndUs = readDecodeEnds(f, s, where);
    const smidsOk = f.bool('smids_ok');
    return f.problems.count > before ? null : { mode, prefillEndUs, decodeEndUs, smidsOk };
}
function sameAs(f, key, want, where) {
    const got = f.int(key);
    if (Number.isInteger(got) && got !== want)
        f.fail(key, 'exec.step-mismatch', `${got} here, ${want} in the schedule (${where})`);
}
function readPrefillEnd(f, s, where) {
    const v = f.obj.prefill_end_us;
    if (s.prefills.length === 0) {
        if (v !== null)
            f.fail('prefill_end_us', 'exec.step-mismatch', `must be null: the window has no prefill in the schedule (${where})`);
        return null;
    }
    if (v === null) {
        f.fail('prefill_end_us', 'exec.step-mismatch', `null, but the window runs ${s.prefills.length} prefill chunk(s) in the schedule (${where})`);
        return null;
    }
    return f.num('prefill_end_us', POSITIVE);
}
function readDecodeEnds(f, s, where) {
    const ends = f.array('decode_end_us');
    const want = s.decodes.length === 0 ? 0 : s.lookaheadK;
    if (ends.length !== want) {
        const why = want === 0 ? `must be []: the window has no decodes in the schedule (${where})` : `has ${ends.length} times; the window runs k = ${want} decode steps in the schedule (${where})`;
        if (f.has('decode_end_us'))
            f.fail('decode_end_us', 'exec.step-mismatch', why);
        return [];
    }
    const out = [];
    for (let j = 0; j < ends.length; j++) {
        const v = f.checkNum(`decode_end_us[${j}]`, ends[j], POSITIVE);
        if (Number.isNaN(v))
            continue;
        if (out.length > 0 && v < out[out.length - 1])
            f.fail(`decode_end_us[${j}]`, 'exec.order', `decode graphs run back to back: ${v} is before the previous end ${out[out.length - 1]}`);
        out.push(v);
    }
    return out;
}
