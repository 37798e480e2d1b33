import { modelStepLanes } from '../../sim/engine/step-timer.js';
import { JsonFields } from '../../sim/input/json-fields.js';
import { ProblemList } from '../../sim/input/problem-list.js';
import { LIVE_FORMAT, LIVE_VERSION } from './live-header.js';
import { ExecKvLedger } from '../closed-loop/exec-kv.js';
export function openFakeSession(header, model, hw, opts = {}) {
    if (header.format !== LIVE_FORMAT || header.version !== LIVE_VERSION)
        throw new Error(`<live header>: format: expected ${LIVE_FORMAT} version ${LIVE_VERSION}`);
    const scale = opts.scale ?? 1;
    if (!(scale > 0 && Number.isFinite(scale)))
        throw new Error(`fake session: scale must be a positive number (got ${scale})`);
    let kv = new ExecKvLedger(header.block_tokens);
    let next = 0;
    let closed = false;
    const meta = JSON.stringify({ kind: 'meta', format: 'duetsim-live-result', version: 1, backend: 'fake', gpu: `model of ${hw.name}`, sm_count: hw.smCount, scale, model: header.model_name, kv_blocks: header.kv_blocks });
    const step = (text) => {
        if (closed)
            throw new Error('fake session: step() after close()');
        const problems = new ProblemList(`<live step ${next}>`);
        const f = JsonFields.document(text, problems, 'live.');
        const index = f.int('step');
        const mode = f.oneOf('mode', ['aggregated', 'split']);
        const prefillSms = f.int('prefill_sms');
        const decodeSms = f.int('decode_sms');
        const k = f.int('k', 1);
        const free = f.numbers('free', { min: 0, integer: true });
        const prefills = tuples(f, 'prefills');
        const decodes = tuples(f, 'decodes');
        const release = f.numbers('release', { min: 0, integer: true });
        if (Number.isInteger(index) && index !== next)
            f.fail('step', 'live.order', `step ${index} where step ${next} was expected`);
        if (mode === 'split' && prefillSms + decodeSms > hw.smCount)
            f.fail('prefill_sms', 'live.split', `${prefillSms} + ${decodeSms} SMs exceed the GPU's ${hw.smCount}`);
        problems.throwIfAny();
        // KV: the executor's rule, tried on a copy so a refused step changes nothing.
        const after = kv.clone();
        for (const id of free)
            if (!after.free(id))
                f.fail('free', 'live.kv', `request ${id} is freed but holds no KV`);
        for (const [id, n, cached] of prefills)
            after.ensure(id, cached + n);
        for (const [id, ctx, steps] of decodes)
            after.ensure(id, ctx + (mode === 'split' ? k : steps) - 1);
        if (after.usedBlocks > header.kv_blocks)
            f.fail('decodes', 'live.kv', `the step needs ${after.usedBlocks} KV blocks; the pool holds ${header.kv_blocks}`);
        for (const id of release)
            if (!after.holds(id))
                f.fail('release', 'live.kv', `request ${id} is released but holds no KV`);
        problems.throwIfAny();
        const chunks = prefills.map(([, n, cached]) => ({ newTokens: n, cachedTokens: cached }));
        let ctxSum = 0;
        for (const [, ctx] of decodes)
            ctxSum += ctx;
        const spec = {
            index,
            startUs: 0,
            mode,
            prefillSms,
            decodeSms,
            lookaheadK: k,
            preempted: free,
            requests: () => {
                throw new Error('the model prices batches, not requests');
            },
            prefillBatch: { prefills: chunks, decodeCount: 0, decodeContextTokens: 0 },
            decodeBatch: { prefills: [], decodeCount: decodes.length, decodeContextTokens: ctxSum },
            decisionUs: 0,
        };
        const lanes = scaled(modelStepLanes(model, hw, 1, spec), scale);
        const kvUsedBlocks = after.usedBlocks;
        for (const id of release)
            after.free(id);
        kv = after;
        const host = { prepare_us: 0, idle_before_us: next === 0 ? null : 0, kv_used_blocks: kvUsedBlocks, arena_grew: false };
        next++;
        if (lanes.mode === 'aggregated')
            return JSON.stringify({ kind: 'step', step: index, mode, gpu_us: lanes.gpuUs, ...host });
        return JSON.stringify({ kind: 'step', step: index, mode, prefill_sms: prefillSms, decode_sms: decodeSms, k, prefill_end_us: lanes.prefillEndUs, decode_end_us: lanes.decodeEndsUs, smids_ok: true, ...host });
    };
    return {
        step,
        interrupted: () => false,
        meta: () => meta,
        close: () => {
            closed = true;
        },
    };
}
/** [[a, b, c], …] of non-negative integers. */
function tuples(f, key) {
    return f.array(key).map((v, i) => {
        if (!Array.isArray(v) || v.length !== 3 || !v.every((x) => Number.isInteger(x) && x >= 0)) {
            f.fail(`${key}[${i}]`, 'live.type', 'must be [id, tokens, tokens]: three non-negative integers');
            return [0, 0, 0];
        }
        return [v[0], v[1], v[2]];
    });
}
function scaled(l, s) {
    if (s === 1)
        return l;
    if (l.mode === 'aggregated')
        return { mode: 'aggregated', gpuUs: l.gpuUs * s };
    return { mode: 'split', prefillEndUs: l.prefillEndUs === null ? null : l.prefillEndUs * s, decodeEndsUs: l.decodeEndsUs.map((e) => e * s) };
}
