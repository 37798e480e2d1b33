import { JsonFields } from '../../sim/input/json-fields.js';
import { ProblemList } from '../../sim/input/problem-list.js';
import { parseJsonObjectLine } from '../../sim/input/json-line.js';
import { POSITIVE } from '../../sim/input/number-rule.js';
import { bucketLabel, DECODE_BUCKETS, driftFromItems, PREFILL_BUCKETS } from '../closed-loop/drift.js';
export function parseLiveSteps(text, file) {
    const problems = new ProblemList(file, { maxProblems: 50 });
    const steps = [];
    let error = null;
    text.split('\n').forEach((raw, i) => {
        if (raw.trim() === '')
            return;
        const obj = parseJsonObjectLine(raw, i + 1, problems);
        const f = obj === null ? null : JsonFields.root(i + 1, obj, problems, 'live.');
        if (f === null)
            return;
        if (f.obj.kind === 'error') {
            error = f.str('message');
            return;
        }
        const step = f.int('step');
        if (Number.isInteger(step) && step !== steps.length)
            f.fail('step', 'live.order', `step ${step} where step ${steps.length} was expected (records are written in step order from 0)`);
        const mode = f.oneOf('mode', ['aggregated', 'split']);
        steps.push({
            step,
            startUs: f.num('start_ms', { min: 0 }) * 1000,
            mode,
            prefillSms: f.int('prefill_sms'),
            decodeSms: f.int('decode_sms'),
            prefillTokens: f.int('prefill_tokens'),
            decodeRequests: f.int('decode_requests'),
            measured: lanes(f, 'measured', mode),
            predicted: lanes(f, 'predicted', mode),
        });
    });
    if (steps.length === 0 && problems.count === 0)
        problems.add('live.empty', 0, '', 'no step records');
    problems.throwIfAny();
    return { file, steps, error };
}
function lanes(f, key, mode) {
    const c = f.child(key);
    if (c === null)
        return { gpuUs: null, prefillEndUs: null, decodeEndUs: [] };
    if (mode === 'aggregated')
        return { gpuUs: c.num('gpu_us', POSITIVE), prefillEndUs: null, decodeEndUs: [] };
    return { gpuUs: null, prefillEndUs: c.obj.prefill_end_us === null ? null : c.num('prefill_end_us', POSITIVE), decodeEndUs: c.numbers('decode_end_us', POSITIVE) };
}
/** The drift report of a live run (closed-loop/drift.ts's schema): measured vs the model's price, grouped by regime. */
export function liveDriftReport(run) {
    const items = [];
    const busyUs = new Float64Array(run.steps.length);
    const startUs = new Float64Array(run.steps.length);
    run.steps.forEach((s, i) => {
        startUs[i] = s.startUs;
        const prefillBucket = ['prefill tokens', bucketLabel(s.prefillTokens, PREFILL_BUCKETS)];
        const decodeBucket = ['decode batch', bucketLabel(s.decodeRequests, DECODE_BUCKETS)];
        const m = s.measured;
        const p = s.predicted;
        if (s.mode === 'aggregated') {
            busyUs[i] = m.gpuUs;
            items.push({ step: i, lane: 'aggregated', measuredUs: m.gpuUs, predictedUs: p.gpuUs, keys: [prefillBucket, decodeBucket] });
            return;
        }
        const partition = ['partition S_p/S_d', `${s.prefillSms}/${s.decodeSms}`];
        const lastEnd = m.decodeEndUs.length > 0 ? m.decodeEndUs[m.decodeEndUs.length - 1] : 0;
        busyUs[i] = Math.max(m.prefillEndUs ?? 0, lastEnd);
        if (m.prefillEndUs !== null && p.prefillEndUs !== null)
            items.push({ step: i, lane: 'split-prefill', measuredUs: m.prefillEndUs, predictedUs: p.prefillEndUs, keys: [prefillBucket, partition] });
        if (m.decodeEndUs.length > 0 && m.decodeEndUs.length === p.decodeEndUs.length) {
            items.push({ step: i, lane: 'split-decode', measuredUs: lastEnd, predictedUs: p.decodeEndUs[p.decodeEndUs.length - 1], keys: [decodeBucket, partition] });
            m.decodeEndUs.forEach((end, j) => {
                const from = j === 0 ? 0 : m.decodeEndUs[j - 1];
                const when = m.prefillEndUs === null ? 'no prefill in the window' : from < m.prefillEndUs ? 'during the prefill' : 'after the prefill';
                items.push({ step: i, lane: 'split-decode-step', measuredUs: end - from, predictedUs: p.decodeEndUs[j] - (j === 0 ? 0 : p.decodeEndUs[j - 1]), keys: [['decode step vs prefill', when]] });
            });
        }
    });
    return driftFromItems(items.filter((it) => it.predictedUs > 0 && it.measuredUs > 0), busyUs, startUs);
}
