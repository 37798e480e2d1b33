import { predictGpuUs, WHOLE_GPU } from '../../sim/latency/roofline.js';
import { splitTiming } from '../../sim/latency/iteration-timing.js';
import { withServingCorrection } from '../../sim/config/load-hardware.js';
import { nelderMead } from '../nelder-mead.js';
function batchOf(step, part) {
    const prefills = part === 'decode' ? [] : step.prefills.map((p) => ({ newTokens: p.newTokens, cachedTokens: p.cachedTokens }));
    const decodes = part === 'prefill' ? [] : step.decodes;
    return { prefills, decodeCount: decodes.length, decodeContextTokens: decodes.reduce((a, d) => a + d.contextTokens, 0) };
}
function itemsOf(model, run) {
    const out = [];
    run.measured.steps.forEach((m, i) => {
        const s = run.schedule.steps[i];
        if (m.mode === 'aggregated') {
            const b = batchOf(s, 'all');
            out.push({ kind: 'aggregated', measuredUs: m.gpuUs, predict: (hw) => predictGpuUs(model, hw, b, WHOLE_GPU(hw)) });
            return;
        }
        const pb = batchOf(s, 'prefill');
        const db = batchOf(s, 'decode');
        const timing = (hw) => splitTiming(model, hw, pb, db, s.prefillSms, s.decodeSms, s.lookaheadK, 1);
        if (m.prefillEndUs !== null)
            out.push({ kind: 'split-prefill', measuredUs: m.prefillEndUs, predict: (hw) => timing(hw).prefillGpuUs });
        if (m.decodeEndUs.length > 0)
            out.push({ kind: 'split-decode', measuredUs: m.decodeEndUs[m.decodeEndUs.length - 1], predict: (hw) => timing(hw).decodeLaneUs });
    });
    return out;
}
function errors(items, hw) {
    const acc = {};
    for (const it of items) {
        const p = it.predict(hw);
        const a = (acc[it.kind] ??= { n: 0, ape: 0, meas: 0, pred: 0 });
        a.n++;
        a.ape += Math.abs(p - it.measuredUs) / it.measuredUs;
        a.meas += it.measuredUs;
        a.pred += p;
    }
    const kinds = ['aggregated', 'split-prefill', 'split-decode'];
    return Object.fromEntries(kinds.map((k) => [k, acc[k] ? { count: acc[k].n, mape: acc[k].ape / acc[k].n, ratio: acc[k].meas / acc[k].pred } : { count: 0, mape: 0, ratio: 1 }]));
}
export function fitServingCorrection(model, hw, runs) {
    const items = runs.flatMap((r) => itemsOf(model, r));
    if (items.length === 0)
        throw new Error('fit-serving: no executed steps to fit');
    const corrected = (x) => ({
        ...hw,
        perf: withServingCorrection(hw.perf, { computeScale: Math.exp(x[0]), memoryScale: Math.exp(x[1]), contentionCompute: Math.abs(x[2]), contentionMemory: Math.abs(x[3]), provenance: '' }),
    });
    const loss = (x) => {
        const h = corrected(x);
        let sum = 0;
        for (const it of items) {
            const r = Math.log(it.predict(h) / it.measuredUs);
            sum += r * r;
        }
        return sum / items.length;
    };
    const start = [0, 0, hw.perf.contention.compute, hw.perf.contention.memory];
    const best = nelderMead(loss, start, { step: [0.1, 0.1, 0.2, 0.2], maxEvaluations: 400, fTolerance: 1e-9 });
    const x = best.x;
    const correction = { computeScale: Math.exp(x[0]), memoryScale: Math.exp(x[1]), contentionCompute: Math.abs(x[2]), contentionMemory: Math.abs(x[3]) };
    return { correction, before: errors(items, hw), after: errors(items, corrected(x)), items: items.length };
}
/** The `servingCorrection:` YAML block for a hardware file, replacing an existing one. */
export function withServingSection(yamlText, c) {
    const r = (v) => Number(v.toPrecision(4));
    const block = [
        '# Written by `duetsim calibrate fit-serving --write` from closed-loop runs; rerun it rather than editing by hand.',
        'servingCorrection:',
        `  computeScale: ${r(c.computeScale)}`,
        `  memoryScale: ${r(c.memoryScale)}`,
        `  contentionCompute: ${r(c.contentionCompute)}`,
        `  contentionMemory: ${r(c.contentionMemory)}`,
        `  provenance: ${JSON.stringify(c.provenance)}`,
        '',
    ].join('\n');
    const at = yamlText.search(/^# Written by `duetsim calibrate fit-serving[^\n]*\nservingCorrection:/m);
    const start = at >= 0 ? at : yamlText.search(/^servingCorrection:/m);
    if (start < 0)
        return (yamlText.endsWith('\n') ? yamlText : yamlText + '\n') + block;
    // The block runs to the next top-level key (or the end of the file).
    const after = yamlText.slice(start).split('\n');
    let end = 1;
    while (end < after.length && (after[end].startsWith(' ') || after[end] === '' || (end === 1 && after[0].startsWith('#'))))
        end++;
    const rest = after.slice(end).join('\n');
    return yamlText.slice(0, start) + block + rest;
}
