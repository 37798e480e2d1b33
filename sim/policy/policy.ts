import type { ModelSpec } from '../model/model-spec.js';
import type { HardwareSpec } from '../hardware/hardware-spec.js';
import type { EngineOptions } from '../engine/scenario.js';
import type { SeqView } from '../engine/seq.js';

/**
 * What a policy sees of an instance at a scheduling point. Read-only: a policy returns a Decision and
 * the engine applies it (allocates KV, preempts, advances the clock, records metrics). A policy never
 * schedules events or records metrics.
 */
export interface SchedulerView {
  readonly nowUs: number;
  /** Waiting sequences in queue order (preempted ones go back to the front, as vLLM does). */
  readonly waiting: readonly SeqView[];
  /** Admitted sequences in admission order (the last is the first preemption victim). */
  readonly running: readonly SeqView[];
  readonly kv: KvView;
  readonly engine: EngineOptions;
  readonly model: ModelSpec;
  readonly hw: HardwareSpec;
  readonly tpDegree: number;
}

export interface KvView {
  /** Blocks an allocation can take now. */
  readonly availableBlocks: number;
  readonly totalBlocks: number;
  readonly blockTokens: number;
  /** Tokens of a waiting sequence's prompt that the prefix cache already holds (0 when caching is off). */
  prefixHitTokens(seq: SeqView): number;
}

export interface PrefillAssignment {
  readonly seq: SeqView;
  /** Tokens of this sequence's prefill computed in this step (a chunk, or the whole remainder). */
  readonly newTokens: number;
}

/** The work of one step, before the engine prices it. */
export interface StepBatch {
  readonly prefills: readonly PrefillAssignment[];
  readonly decodes: readonly SeqView[];
  /** Running sequences to preempt (by recompute) before the step. */
  readonly preempt: readonly SeqView[];
}

export type Decision =
  | { readonly kind: 'idle' }
  | ({ readonly kind: 'aggregated' } & StepBatch)
  | ({
      readonly kind: 'split';
      readonly prefillSms: number;
      readonly decodeSms: number;
      /** Decode steps launched back to back beside the one prefill. */
      readonly lookaheadK: number;
    } & StepBatch);

/**
 * A scheduling policy. `decide` is called whenever the instance is free and has work; it must be a
 * function of the view (and the policy's own parameters): no clock reads, no randomness beyond what the
 * view holds. Contract: every waiting sequence it schedules must fit the KV blocks it reports available
 * after its preemptions; a decision with no prefills and no decodes is only allowed as 'idle'.
 */
export interface Policy {
  readonly name: string;
  decide(view: SchedulerView): Decision;
  /**
   * Optional fast path for the steady decode state — nothing waiting, every running sequence decoding,
   * KV room for one more token each — the state a server spends most steps in between arrivals. Return
   * the shape of the step `decide` would take there (one decode step of every running sequence, on all
   * SMs or on a fixed split), or null to have `decide` called. The engine then builds that step without
   * `decide`. It must be exactly `decide`'s answer (tests run both paths and compare results byte for
   * byte); do not implement it for a policy that ever decides differently in that state.
   */
  steadyDecode?(view: SchedulerView): SteadyDecodeShape | null;
}

export type SteadyDecodeShape = { readonly kind: 'aggregated' } | { readonly kind: 'split'; readonly prefillSms: number; readonly decodeSms: number };

/** Builds a policy from user parameters (validated here, with errors naming the parameter). */
export interface PolicyFactory {
  readonly description: string;
  /** Parameter names with a one-line doc and default, for `duetsim list policies` and validation. */
  readonly params: Readonly<Record<string, { readonly doc: string; readonly default: number | string | boolean | null }>>;
  create(params: Readonly<Record<string, number | string | boolean>>, ctx: PolicyContext): Policy;
  /**
   * The engine limits (`--max-num-seqs`, `--max-batch-tokens`) a policy built from these user parameters never
   * reads, each with the parameter that sets it instead. The CLI refuses such a flag: a run would otherwise
   * record a setting it never used. Absent: the policy reads both.
   */
  unreadEngineLimits?(params: Readonly<Record<string, number | string | boolean>>): Partial<Record<EngineLimit, string>>;
}

/** The engine options a policy may take its token budget and sequence cap from (EngineOptions). */
export type EngineLimit = 'maxNumSeqs' | 'maxBatchTokens';

export interface PolicyContext {
  readonly model: ModelSpec;
  readonly hw: HardwareSpec;
  readonly tpDegree: number;
  /** The run's TBT SLO in ms (from --slo-tbt), or null; DuetServe uses it as τ when not given its own. */
  readonly sloTbtMs: number | null;
}
