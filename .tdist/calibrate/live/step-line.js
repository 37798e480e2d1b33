import { JsonFields } from '../../sim/input/json-fields.js';
import { ProblemList } from '../../sim/input/problem-list.js';
import { POSITIVE } from '../../sim/input/number-rule.js';
export function execStepLine(line) {
    return JSON.stringify(line);
}
/** The step line of an engine step (`release`: the requests the step finishes, in id order like the closed loop's plans). */
export function stepLineOf(spec) {
    const r = spec.requests();
    return {
        step: spec.index,
        mode: spec.mode,
        prefill_sms: spec.prefillSms,
        decode_sms: spec.decodeSms,
        k: spec.lookaheadK,
        free: spec.preempted,
        prefills: r.prefills.map((p) => [p.id, p.newTokens, p.cachedTokens]),
        decodes: r.decodes.map((d) => [d.id, d.contextTokens, d.steps]),
        release: [...r.finishing].sort((a, b) => a - b),
    };
}
/**
 * Reads a session's result line for `sent`, checking it answers that step (number, mode, partitions, one
 * time per thing the step ran). Errors name the step ("<live step 12>") and the field.
 */
export function parseStepResult(text, sent) {
    const problems = new ProblemList(`<live step ${sent.step}>`);
    const f = JsonFields.document(text, problems, 'live.');
    const result = readResult(f, sent);
    problems.throwIfAny();
    return result;
}
function readResult(f, sent) {
    const step = f.int('step');
    if (Number.isInteger(step) && step !== sent.step)
        f.fail('step', 'live.order', `answers step ${step}; step ${sent.step} was sent`);
    const mode = f.oneOf('mode', ['aggregated', 'split']);
    if (mode !== sent.mode && (mode === 'aggregated' || mode === 'split'))
        f.fail('mode', 'live.mode', `${mode} here; a ${sent.mode} step was sent`);
    const prepareUs = f.num('prepare_us', { min: 0 });
    const idleBeforeUs = f.obj.idle_before_us === null ? null : f.num('idle_before_us', { min: 0 });
    const kvUsedBlocks = f.int('kv_used_blocks');
    const arenaGrew = f.has('arena_grew') ? f.bool('arena_grew') : false;
    const common = { prepareUs, idleBeforeUs, kvUsedBlocks, arenaGrew };
    if (sent.mode === 'aggregated')
        return { lanes: { mode: 'aggregated', gpuUs: f.num('gpu_us', POSITIVE) }, smidsOk: true, ...common };
    for (const [key, want] of [['prefill_sms', sent.prefill_sms], ['decode_sms', sent.decode_sms], ['k', sent.k]]) {
        const got = f.int(key);
        if (Number.isInteger(got) && got !== want)
            f.fail(key, 'live.step-mismatch', `${got} here; ${want} was sent`);
    }
    let prefillEndUs = null;
    if (sent.prefills.length === 0) {
        if (f.obj.prefill_end_us !== null)
            f.fail('prefill_end_us', 'live.step-mismatch', 'must be null: the window sent has no prefill');
    }
    else
        prefillEndUs = f.num('prefill_end_us', POSITIVE);
    const want = sent.decodes.length === 0 ? 0 : sent.k;
    const ends = f.numbers('decode_end_us', POSITIVE);
    if (ends.length !== want)
        f.fail('decode_end_us', 'live.step-mismatch', `has ${ends.length} times; the window sent runs ${want} decode steps`);
    for (let j = 1; j < ends.length; j++) {
        if (ends[j] < ends[j - 1])
            f.fail(`decode_end_us[${j}]`, 'live.order', `decode graphs run back to back: ${ends[j]} is before the previous end ${ends[j - 1]}`);
    }
    return { lanes: { mode: 'split', prefillEndUs, decodeEndsUs: ends }, smidsOk: f.bool('smids_ok'), ...common };
}
