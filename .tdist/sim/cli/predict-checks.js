import { inputError } from '../core/input-error.js';
import { DEFAULT_ENGINE } from '../engine/scenario.js';
import { kvCapacityBlocks } from '../engine/kv-capacity.js';
const WHERE = '<command line>';
/**
 * Flag combinations `predict` would otherwise ignore without a word, and batches no GPU could hold.
 * `--prefill-sms` without `--split` used to be dropped (the forward ran on the whole GPU), as was `--sms`
 * with `--split`; a 10^7-token decode context on one H100 was priced as if it fit.
 */
export function checkPredictFlags(o, model, hw) {
    if (!o.split) {
        for (const [flag, v] of [['--prefill-sms', o.prefillSms], ['--decode-sms', o.decodeSms]]) {
            if (v !== undefined)
                throw inputError('bad-flag', WHERE, 0, flag, `${flag} sizes a partition of --split; add --split, or use --sms for one forward on fewer SMs`);
        }
    }
    else if (o.sms !== undefined) {
        throw inputError('bad-flag', WHERE, 0, '--sms', '--sms sizes a whole-GPU forward; with --split give --prefill-sms and --decode-sms instead');
    }
    // The KV cache the batch attends over: every prefill chunk's cached and new tokens, every decode's context.
    let contextTokens = o.decode?.contextTokens ?? 0;
    for (const c of o.prefill ?? [])
        contextTokens += c.cachedTokens + c.newTokens;
    const blocks = kvCapacityBlocks(model, hw, DEFAULT_ENGINE, o.tp);
    const capacityTokens = Math.max(0, blocks) * DEFAULT_ENGINE.blockTokens;
    if (contextTokens > capacityTokens) {
        const why = blocks <= 0 ? `${model.name}'s weights leave no room for a KV cache` : `the KV cache holds at most ${capacityTokens.toLocaleString('en-US')} tokens`;
        throw inputError('does-not-fit', WHERE, 0, '--prefill/--decode', `the batch attends over ${contextTokens.toLocaleString('en-US')} tokens of context, but on ${hw.name} at tp ${o.tp} ${why} (gpuMemoryUtilization ${DEFAULT_ENGINE.gpuMemoryUtilization})`);
    }
}
