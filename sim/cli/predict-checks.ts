import { inputError } from '../core/input-error.js';
import { DEFAULT_ENGINE } from '../engine/scenario.js';
import { kvCapacityBlocks } from '../engine/kv-capacity.js';
import type { HardwareSpec } from '../hardware/hardware-spec.js';
import type { ModelSpec } from '../model/model-spec.js';
import type { PrefillChunk } from '../latency/iteration-batch.js';

const WHERE = '<command line>';

/** The flags of `duetsim predict` these checks read (a subset, so the command can grow flags freely). */
export interface PredictCheckFlags {
  readonly prefill?: readonly PrefillChunk[];
  readonly decode?: { readonly count: number; readonly contextTokens: number; readonly longestTokens?: number };
  readonly sms?: number;
  readonly split?: boolean;
  readonly prefillSms?: number;
  readonly decodeSms?: number;
  readonly tp: number;
}

/**
 * Flag combinations `predict` would otherwise ignore without a word, and batches no GPU could hold.
 * `--prefill-sms` without `--split` used to be dropped (the forward ran on the whole GPU), as was `--sms`
 * with `--split`; a 10^7-token decode context on one H100 was priced as if it fit.
 */
export function checkPredictFlags(o: PredictCheckFlags, model: ModelSpec, hw: HardwareSpec): void {
  if (!o.split) {
    for (const [flag, v] of [['--prefill-sms', o.prefillSms], ['--decode-sms', o.decodeSms]] as const) {
      if (v !== undefined) throw inputError('bad-flag', WHERE, 0, flag, `${flag} sizes a partition of --split; add --split, or use --sms for one forward on fewer SMs`);
    }
  } else if (o.sms !== undefined) {
    throw inputError('bad-flag', WHERE, 0, '--sms', '--sms sizes a whole-GPU forward; with --split give --prefill-sms and --decode-sms instead');
  }
  // A request longer than the model serves (max_model_len): replay rejects it, so predict does not price it.
  const maxLen = model.maxModelLenTokens;
  if (maxLen !== undefined) {
    const longest = Math.max(o.decode?.longestTokens ?? 0, ...(o.prefill ?? []).map((c) => c.cachedTokens + c.newTokens));
    if (longest > maxLen) throw inputError('beyond-max-model-len', WHERE, 0, '--prefill/--decode', `a request of ${longest.toLocaleString('en-US')} tokens is longer than ${model.name} serves (maxModelLen ${maxLen.toLocaleString('en-US')})`);
  }
  // The KV cache the batch attends over: every prefill chunk's cached and new tokens, every decode's context.
  let contextTokens = o.decode?.contextTokens ?? 0;
  for (const c of o.prefill ?? []) contextTokens += c.cachedTokens + c.newTokens;
  const blocks = kvCapacityBlocks(model, hw, DEFAULT_ENGINE, o.tp);
  const capacityTokens = Math.max(0, blocks) * DEFAULT_ENGINE.blockTokens;
  if (contextTokens > capacityTokens) {
    const why = blocks <= 0 ? `${model.name}'s weights leave no room for a KV cache` : `the KV cache holds at most ${capacityTokens.toLocaleString('en-US')} tokens`;
    throw inputError('does-not-fit', WHERE, 0, '--prefill/--decode', `the batch attends over ${contextTokens.toLocaleString('en-US')} tokens of context, but on ${hw.name} at tp ${o.tp} ${why} (gpuMemoryUtilization ${DEFAULT_ENGINE.gpuMemoryUtilization})`);
  }
}
