import type { ModelSpec } from '../sim/model/model-spec.js';

/**
 * The measurement plan as the CUDA runner and addon read it (JSON). These types are the wire format,
 * key for key (snake_case where the runner's contract uses it); `duetsim calibrate plan` builds one and
 * `calibrate run` hands it over unchanged. Every timed experiment echoes its fields into the JSONL
 * record it produces, which is how fit and validate recover shapes and batches.
 */
export const PLAN_VERSION = 1;

/** Architecture of a model as the runner builds it (bf16 weights, distinct per layer). */
export type PlanModel = Pick<
  ModelSpec,
  'numLayers' | 'hiddenSize' | 'numQHeads' | 'numKvHeads' | 'headDim' | 'ffnSize' | 'vocabSize' | 'qkNorm'
>;

export interface PlanChunk {
  readonly new: number;
  readonly cached: number;
}

/** `decodes` is either `count` sequences of one context length or a list of per-sequence contexts. */
export interface PlanBatch {
  readonly prefills?: readonly PlanChunk[];
  readonly decodes?: { readonly count: number; readonly context: number } | readonly number[];
}

export type PlanExperiment =
  | { readonly id: string; readonly kind: 'ceiling_gemm'; readonly sms: number; readonly m: number; readonly n: number; readonly k: number }
  | { readonly id: string; readonly kind: 'ceiling_bandwidth'; readonly sms: number; readonly bytes: number }
  | { readonly id: string; readonly kind: 'op'; readonly op: 'gemm'; readonly sms: number; readonly n: number; readonly d_in: number; readonly d_out: number }
  | {
      readonly id: string;
      readonly kind: 'op';
      readonly op: 'attn_prefill';
      readonly sms: number;
      readonly hq: number;
      readonly hkv: number;
      readonly dh: number;
      readonly chunks: readonly PlanChunk[];
    }
  | {
      readonly id: string;
      readonly kind: 'op';
      readonly op: 'attn_decode';
      readonly sms: number;
      readonly hq: number;
      readonly hkv: number;
      readonly dh: number;
      readonly contexts: readonly number[];
    }
  | {
      readonly id: string;
      readonly kind: 'op';
      readonly op: 'elementwise';
      readonly which: string;
      readonly sms: number;
      readonly n: number;
      readonly dim: number;
    }
  | { readonly id: string; readonly kind: 'forward'; readonly model: string; readonly sms: number; readonly batch: PlanBatch }
  | {
      readonly id: string;
      readonly kind: 'concurrent';
      readonly model: string;
      readonly prefill: { readonly sms: number; readonly batch: PlanBatch };
      readonly decode: { readonly sms: number; readonly batch: PlanBatch; readonly k: number };
    }
  | {
      /**
       * One prefill forward repeated back to back for `seconds` (the power cap lowers the clock), then the
       * same forward interleaved with k decode steps on the same SMs (serving). Reference runner only.
       */
      readonly id: string;
      readonly kind: 'clock_regime';
      readonly model: string;
      readonly sms: number;
      readonly batch: PlanBatch;
      readonly interleave: { readonly batch: PlanBatch; readonly k: number };
      readonly seconds: number;
    };

export interface Plan {
  readonly version: number;
  readonly models: Readonly<Record<string, PlanModel>>;
  /** Models measured for validation only: fit never sees their records (reference plans). */
  readonly unseenModels?: readonly string[];
  readonly repeats: number;
  readonly warmup: number;
  readonly experiments: readonly PlanExperiment[];
}

/**
 * A plan's experiment list that keeps the first experiment of each id: models sharing a shape (same hidden
 * size, same heads, same linear layer) share its measurement, and a plan lists it once.
 */
export function uniqueExperiments(): { readonly experiments: PlanExperiment[]; readonly add: (e: PlanExperiment) => void } {
  const experiments: PlanExperiment[] = [];
  const ids = new Set<string>();
  return {
    experiments,
    add: (e) => {
      if (ids.has(e.id)) return;
      ids.add(e.id);
      experiments.push(e);
    },
  };
}
