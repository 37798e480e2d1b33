import { inputError } from '../../sim/core/input-error.js';
import { toPlanModel } from '../plan.js';
import { ExecKvLedger } from './exec-kv.js';
/**
 * Turns a simulated schedule (duetsim-schedule v2) into the GPU executor's plan, `duetsim-exec` version 1
 * (read by cuda/core/exec_plan.cpp; format in cuda/README.md): the model's shape, the KV pool size, and
 * per step the batch plus the requests whose KV is freed before it (preempted) and after it (finished).
 *
 * The KV bookkeeping here is the executor's, rule for rule (cuda/core/kv_pool.cpp): a request holds
 * ceil(tokens / block) blocks for every token it has written — a prefill chunk writes up to cached + new,
 * a decode up to context + steps − 1, and in a split window every decode runs all k look-ahead steps
 * (DuetServe's graphs are captured for the whole batch; a request finishing inside the window wastes the
 * rest of it, writing KV all the same) — never fewer, until it is preempted or finishes. The pool is
 * sized to the peak of that count, so the executor's own dry run of the same rule must fit exactly.
 * Pure: the caller reads and writes files.
 */
export const EXEC_FORMAT = 'duetsim-exec';
export const EXEC_VERSION = 1;
/** The kernels' paged-KV block size (cuda/core/forward.cpp). */
export const EXEC_BLOCK_TOKENS = 16;
/** `model` is the schedule's model (`header.model`), loaded by the caller. */
export function compileExecPlan(schedule, model) {
    const h = schedule.header;
    const at = (field, message, line = 1) => inputError('exec.unsupported', schedule.file, line, field, message);
    if (h.tpDegree !== 1)
        throw at('tp_degree', `the executor runs one GPU; this schedule has tp_degree ${h.tpDegree}`);
    if (h.blockTokens !== EXEC_BLOCK_TOKENS)
        throw at('block_tokens', `the kernels page the KV cache in blocks of ${EXEC_BLOCK_TOKENS} tokens; replay with that block size (this schedule has ${h.blockTokens})`);
    // Where each request last appears: its KV is freed after that step.
    const lastStep = new Map();
    schedule.steps.forEach((s, i) => {
        for (const p of s.prefills)
            lastStep.set(p.id, i);
        for (const d of s.decodes)
            lastStep.set(d.id, i);
    });
    const releaseAfter = schedule.steps.map(() => []);
    for (const [id, i] of lastStep)
        releaseAfter[i].push(id);
    for (const r of releaseAfter)
        r.sort((a, b) => a - b);
    const kv = new ExecKvLedger(EXEC_BLOCK_TOKENS);
    const free = (id, line, field) => {
        if (!kv.free(id))
            throw inputError('exec.inconsistent', schedule.file, line, field, `request ${id} is freed but holds no KV (it never ran before this step)`);
    };
    const lines = [];
    schedule.steps.forEach((s, i) => {
        for (const id of s.preempted)
            free(id, s.line, 'preempted');
        for (const p of s.prefills)
            kv.ensure(p.id, p.cachedTokens + p.newTokens);
        for (const d of s.decodes)
            kv.ensure(d.id, d.contextTokens + (s.mode === 'split' ? s.lookaheadK : d.steps) - 1);
        lines.push(JSON.stringify({
            step: i,
            mode: s.mode,
            prefill_sms: s.prefillSms,
            decode_sms: s.decodeSms,
            k: s.lookaheadK,
            free: s.preempted,
            prefills: s.prefills.map((p) => [p.id, p.newTokens, p.cachedTokens]),
            decodes: s.decodes.map((d) => [d.id, d.contextTokens, d.steps]),
            release: releaseAfter[i],
        }));
        for (const id of releaseAfter[i])
            free(id, s.line, 'release');
    });
    const kvBlocks = Math.max(kv.peakBlocks, 1);
    const header = {
        format: EXEC_FORMAT,
        version: EXEC_VERSION,
        model_name: h.model,
        model: toPlanModel(model),
        block_tokens: EXEC_BLOCK_TOKENS,
        kv_blocks: kvBlocks,
        steps: schedule.steps.length,
        schedule: h.raw,
    };
    return {
        text: [JSON.stringify(header), ...lines].join('\n') + '\n',
        steps: schedule.steps.length,
        kvBlocks,
        kvBytesPerLayer: kvBlocks * EXEC_BLOCK_TOKENS * model.numKvHeads * model.headDim * 2 * 2,
    };
}
