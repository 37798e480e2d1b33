import type { ModelSpec } from '../model/model-spec.js';
import type { HardwareSpec } from '../hardware/hardware-spec.js';
import type { EngineOptions } from './scenario.js';
import type { Decision, KvView, Policy, SchedulerView } from '../policy/policy.js';
import type { PrefillChunk } from '../latency/iteration-batch.js';
import { stepTimingFromLanes } from '../latency/iteration-timing.js';
import { modelStepTimer, type StepSpec, type StepTimer } from './step-timer.js';
import type { MetricsCollector } from '../metrics/collector.js';
import type { Rejection } from '../metrics/results.js';
import { KvCache } from './kv-cache.js';
import { Seq, type SeqView } from './seq.js';

/** KV a request still holds on an instance it left with its prompt done (`Instance.detach`), until `releaseHeld`. */
export interface HeldKv {
  readonly blocks: number;
  readonly prefixEntries: readonly number[];
  readonly prefixTokens: number;
}

/**
 * What a serving role changes in an instance's mechanics: the cluster layer's one hook into it
 * (disaggregated serving, sim/cluster/disaggregation.ts). An instance without one serves whole requests,
 * prefill and decode (a single GPU, or a replica behind a router).
 */
export interface InstanceRoleHook {
  /** Outputs still to generate count as outstanding work here (false where only prompts run). */
  readonly countsOutputs: boolean;
  /** Why this instance can never hold the KV a request needs here, or null; replaces the whole-context check. */
  kvRejection?(seq: Seq, inst: Instance): Rejection | null;
  /** Outstanding tokens of requests on their way to this instance, beyond its queues (router load). */
  incomingTokens(): number;
  /** Requests on their way to this instance, beyond its queues. */
  incomingCount(): number;
  /** A request was admitted to run here (its first chunk, or again after a preemption). */
  onAdmit(seq: Seq): void;
  /** A request emitted a token here and has more to come; the role may take it away (`inst.detach`). */
  onToken(seq: Seq, tUs: number, inst: Instance): void;
}

/** Counters a cluster reports per instance. */
export interface InstanceStats {
  steps: number;
  busyUs: number;
  peakUsedBlocks: number;
}

export interface InstanceConfig {
  readonly id: number;
  /** Absent: the instance serves whole requests (what single-GPU runs use). */
  readonly role?: InstanceRoleHook;
  readonly model: ModelSpec;
  readonly hw: HardwareSpec;
  readonly tpDegree: number;
  readonly engine: EngineOptions;
  readonly policy: Policy;
  readonly kvBlocks: number;
  /** Where step times come from; absent: the latency model (a simulation). A live run passes the GPU's. */
  readonly timer?: StepTimer;
}

/** One step the instance is running: what to apply when it ends. */
export interface InFlightStep {
  readonly startUs: number;
  readonly endUs: number;
  readonly prefills: readonly { seq: Seq; newTokens: number }[];
  /** Decoding sequences; each one's step count for this window is in its `stepsInFlight`. */
  readonly decodes: readonly Seq[];
  /** Absolute token times: prefill tokens, and per look-ahead step for decodes. */
  readonly prefillTokenAtUs: number;
  readonly decodeTokenAtUs: readonly number[];
  readonly lookaheadK: number;
}

/** Per-step record for --iterations-csv and schedules (built only when someone listens). */
export interface StepRecord {
  readonly instance: number;
  readonly startUs: number;
  readonly durationUs: number;
  readonly mode: 'aggregated' | 'split';
  readonly prefillSms: number;
  readonly decodeSms: number;
  readonly lookaheadK: number;
  /** `completes`: the chunk finishes the request's prefill, so the step emits its next token. */
  readonly prefills: readonly { id: number; newTokens: number; cachedTokens: number; completes: boolean }[];
  /** `steps`: decode steps this request takes in the window (< k when it finishes inside it). */
  readonly decodes: readonly { id: number; contextTokens: number; steps: number }[];
  readonly preempted: readonly number[];
  /** Predicted token times: the prefill's tokens, and each look-ahead decode step's. */
  readonly prefillTokenAtUs: number;
  readonly decodeTokenAtUs: readonly number[];
  /** Split windows with a prefill: when the prefill partition's forward ends (before sampling); -1 otherwise. */
  readonly prefillDoneAtUs: number;
}

/**
 * One model instance on one GPU (or one TP group): waiting and running queues, the KV cache, and the
 * mechanics of applying a policy's decision — KV allocation, preemption, pricing the step with the
 * latency model, and at its end emitting tokens and finishing requests. The event loop lives in
 * simulation.ts; this class never reads a clock other than the times it is given.
 */
export class Instance {
  readonly waiting: Seq[] = [];
  readonly running: Seq[] = [];
  readonly kv: KvCache;
  busy = false;
  preemptions = 0;
  readonly stats: InstanceStats = { steps: 0, busyUs: 0, peakUsedBlocks: 0 };
  private readonly kvView: KvView;
  private readonly timer: StepTimer;
  /** Steps started so far: the next step's `StepSpec.index`. */
  private stepIndex = 0;

  constructor(
    readonly cfg: InstanceConfig,
    private readonly metrics: MetricsCollector,
    /** Receives every step as it is priced (--iterations-csv, --emit-schedule); null when nobody listens. */
    private readonly onStep: ((step: StepRecord) => void) | null,
  ) {
    this.kv = new KvCache(cfg.kvBlocks, cfg.engine.blockTokens);
    this.timer = cfg.timer ?? modelStepTimer(cfg.model, cfg.hw, cfg.tpDegree);
    const kv = this.kv;
    const prefixHit = (s: SeqView) => this.prefixHitTokens(s);
    this.kvView = {
      get availableBlocks() {
        return kv.availableBlocks;
      },
      totalBlocks: kv.totalBlocks,
      blockTokens: kv.blockTokens,
      prefixHitTokens: prefixHit,
    };
  }

  /**
   * Why a request can never be served here, or null. Its prompt plus output must fit the model's context
   * (vLLM's OpenAI server refuses a request whose prompt + max_tokens exceeds max_model_len; a trace's
   * output length stands for max_tokens), and its whole context the KV cache (unless the instance's role
   * says what it must hold: a prefill instance holds only the prompt).
   */
  rejectionReason(seq: Seq): Rejection | null {
    const { promptTokens, outputTokens } = seq.req;
    const maxLen = this.cfg.model.maxModelLenTokens;
    if (maxLen !== undefined && promptTokens + outputTokens > maxLen) {
      return { code: 'exceeds-max-model-len', reason: `prompt+output (${promptTokens}+${outputTokens} tokens) exceeds ${this.cfg.model.name}'s maximum model length of ${maxLen} tokens` };
    }
    if (this.cfg.role?.kvRejection) return this.cfg.role.kvRejection(seq, this);
    const need = this.kv.blocksForTokens(promptTokens + outputTokens);
    if (need > this.kv.totalBlocks) {
      return { code: 'exceeds-kv-capacity', reason: `prompt+output (${promptTokens}+${outputTokens} tokens) needs ${need} KV blocks; the cache holds ${this.kv.totalBlocks}` };
    }
    return null;
  }

  enqueue(seq: Seq): void {
    this.waiting.push(seq);
  }

  get hasWork(): boolean {
    return this.waiting.length > 0 || this.running.length > 0;
  }

  /**
   * Outstanding tokens (prompt still to compute plus outputs still to generate): the router's load signal.
   * A role may leave outputs out (a prefill instance: decoding happens elsewhere) and add requests on their
   * way here (a decode instance: those handed to it whose KV has not arrived yet).
   */
  outstandingTokens(): number {
    const role = this.cfg.role;
    const outputs = role?.countsOutputs ?? true;
    let n = 0;
    for (const s of this.waiting) n += s.prefillTargetTokens - s.computedTokens + (outputs ? s.req.outputTokens - s.generatedTokens : 0);
    for (const s of this.running) n += s.prefillTargetTokens - s.computedTokens + (outputs ? s.req.outputTokens - s.generatedTokens : 0);
    if (role) n += role.incomingTokens();
    return n;
  }

  /** Requests waiting or running here, plus those on their way here (a decode instance's hand-offs). */
  requestCount(): number {
    return this.waiting.length + this.running.length + (this.cfg.role?.incomingCount() ?? 0);
  }

  private prefixHitTokens(s: SeqView): number {
    if (!this.cfg.engine.prefixCaching || s.req.hashIds.length === 0 || s.generatedTokens > 0) return 0;
    const matched = this.kv.matchPrefix(s.req.hashIds);
    const bt = s.req.hashBlockTokens;
    // At least one prompt token must be computed to produce logits.
    return Math.min(matched, Math.floor((s.req.promptTokens - 1) / bt)) * bt;
  }

  /** Asks the policy and starts the step; returns it, or null when the policy idles. */
  startStep(nowUs: number): InFlightStep | null {
    const view: SchedulerView = {
      nowUs,
      waiting: this.waiting,
      running: this.running,
      kv: this.kvView,
      engine: this.cfg.engine,
      model: this.cfg.model,
      hw: this.cfg.hw,
      tpDegree: this.cfg.tpDegree,
    };
    // Host time is read only for a timer that charges it (a live run): simulations stay deterministic.
    const t0 = this.timer.measuresHost ? performance.now() : 0;
    const d = this.steadyDecision(view) ?? this.cfg.policy.decide(view);
    const decisionUs = this.timer.measuresHost ? (performance.now() - t0) * 1000 : 0;
    this.metrics.sample(nowUs, this.cfg.id, this.waiting.length, this.running.length, this.kv.usedBlocks / this.kv.totalBlocks);
    if (d.kind === 'idle') return null;
    return this.apply(d, nowUs, decisionUs);
  }

  /**
   * The policy's steady-decode step (see Policy.steadyDecode) when the instance is in that state: nothing
   * waiting, every running sequence decoding, KV room for one more token each. Null otherwise.
   */
  private steadyDecision(view: SchedulerView): Decision | null {
    const policy = this.cfg.policy;
    if (!policy.steadyDecode || this.waiting.length > 0 || this.running.length === 0) return null;
    const bt = this.kv.blockTokens;
    let need = 0;
    for (const s of this.running) {
      if (s.isPrefilling) return null;
      need += Math.max(0, Math.ceil((s.computedTokens + 1 - s.prefixTokens) / bt) - s.ownBlocks);
    }
    if (need > this.kv.availableBlocks) return null;
    const shape = policy.steadyDecode(view);
    if (!shape) return null;
    const decodes = this.running.slice();
    return shape.kind === 'aggregated'
      ? { kind: 'aggregated', prefills: [], decodes, preempt: [] }
      : { kind: 'split', prefills: [], decodes, preempt: [], prefillSms: shape.prefillSms, decodeSms: shape.decodeSms, lookaheadK: 1 };
  }

  private apply(d: Exclude<Decision, { kind: 'idle' }>, nowUs: number, decisionUs: number): InFlightStep | null {
    const bt = this.kv.blockTokens;
    const preempted: number[] = [];
    for (const v of d.preempt) {
      const seq = v as Seq;
      this.preempt(seq);
      preempted.push(seq.id);
    }
    // Preemptions alone make no step. A decode instance's free blocks may be reserved for KV still in
    // flight, so a policy can be left with nothing to run after freeing room; the instance idles until the
    // next event (a transfer landing) wakes it.
    if (d.prefills.length === 0 && d.decodes.length === 0) return null;
    const k = d.kind === 'split' ? d.lookaheadK : 1;
    const prefills: { seq: Seq; newTokens: number }[] = [];
    const chunks: PrefillChunk[] = [];
    let admitted = 0;
    // Admit (and pin the cached prefixes of) every new sequence before any block is allocated: an
    // allocation may evict unpinned prefix entries, and the policy sized each admission on the prefix
    // hit it saw. Allocating first let one admission evict the prefix of the next, which then started
    // with less cached than its chunk assumed and, under a policy that never continues prefills (vllm-v0),
    // was left half-prefilled for ever.
    for (const a of d.prefills) {
      const seq = a.seq as Seq;
      if (seq.phase !== 'waiting') continue;
      if (this.waiting[admitted] !== seq) throw new Error(`policy ${this.cfg.policy.name} admitted request ${seq.id} out of queue order`);
      admitted++;
      this.admit(seq, nowUs);
    }
    for (const a of d.prefills) {
      const seq = a.seq as Seq;
      if (seq.computedTokens + a.newTokens > seq.prefillTargetTokens) {
        throw new Error(`policy ${this.cfg.policy.name} scheduled ${a.newTokens} prefill tokens of request ${seq.id}, which has ${seq.prefillTargetTokens - seq.computedTokens} left`);
      }
      const need = Math.max(0, Math.ceil((seq.computedTokens + a.newTokens - seq.prefixTokens) / bt) - seq.ownBlocks);
      this.kv.allocate(need);
      seq.ownBlocks += need;
      prefills.push({ seq, newTokens: a.newTokens });
      chunks.push({ newTokens: a.newTokens, cachedTokens: seq.computedTokens });
    }
    if (admitted > 0) this.waiting.splice(0, admitted);
    // The policy's fresh array is kept as is: one allocation fewer per step on the hot path.
    const decodes = d.decodes as readonly Seq[];
    let decodeContextTokens = 0;
    for (const seq of decodes) {
      const steps = Math.min(k, seq.req.outputTokens - seq.generatedTokens);
      const need = Math.max(0, Math.ceil((seq.computedTokens + steps - seq.prefixTokens) / bt) - seq.ownBlocks);
      if (need > 0) {
        this.kv.allocate(need);
        seq.ownBlocks += need;
      }
      seq.stepsInFlight = steps;
      decodeContextTokens += seq.decodeContextTokens;
    }
    const spec: StepSpec = {
      index: this.stepIndex++,
      startUs: nowUs,
      mode: d.kind,
      prefillSms: d.kind === 'split' ? d.prefillSms : 0,
      decodeSms: d.kind === 'split' ? d.decodeSms : 0,
      lookaheadK: k,
      preempted,
      requests: () => ({
        prefills: prefills.map((p, i) => ({ id: p.seq.id, newTokens: p.newTokens, cachedTokens: chunks[i].cachedTokens })),
        decodes: decodes.map((x) => ({ id: x.id, contextTokens: x.decodeContextTokens, steps: x.stepsInFlight })),
        finishing: finishingIds(prefills, chunks, decodes),
      }),
      prefillBatch: { prefills: chunks, decodeCount: 0, decodeContextTokens: 0 },
      decodeBatch: { prefills: [], decodeCount: decodes.length, decodeContextTokens },
      decisionUs,
    };
    const timed = this.timer.time(spec);
    if (timed.lanes.mode !== d.kind) throw new Error(`step timer ${this.timer.name} answered a ${timed.lanes.mode} step for a ${d.kind} one`);
    const t = stepTimingFromLanes(this.cfg.hw.overheads, timed.lanes, timed.hostUs);
    const endUs = nowUs + t.durationUs;
    const prefillTokenAtUs = nowUs + t.prefillTokenOffsetUs;
    const decodeTokenAtUs = t.decodeTokenOffsetsUs.map((off) => nowUs + off);
    const prefillSms = spec.prefillSms;
    const decodeSms = spec.decodeSms;
    const prefillDoneAtUs = d.kind === 'split' && chunks.length > 0 ? nowUs + t.prefillDoneOffsetUs : -1;
    if (!(endUs > nowUs)) throw new Error(`step priced at ${endUs - nowUs} µs; the clock must advance`);
    this.stats.steps++;
    this.stats.busyUs += endUs - nowUs;
    if (this.kv.usedBlocks > this.stats.peakUsedBlocks) this.stats.peakUsedBlocks = this.kv.usedBlocks;
    this.metrics.onStep(this.cfg.id, nowUs, endUs - nowUs, d.kind, prefillSms, decodeSms, k);
    if (this.onStep) {
      this.onStep({
        instance: this.cfg.id,
        startUs: nowUs,
        durationUs: endUs - nowUs,
        mode: d.kind,
        prefillSms,
        decodeSms,
        lookaheadK: d.kind === 'split' ? k : 1,
        prefills: prefills.map((p, i) => ({ id: p.seq.id, newTokens: p.newTokens, cachedTokens: chunks[i].cachedTokens, completes: chunks[i].cachedTokens + p.newTokens >= p.seq.prefillTargetTokens })),
        decodes: decodes.map((x) => ({ id: x.id, contextTokens: x.decodeContextTokens, steps: x.stepsInFlight })),
        preempted,
        prefillTokenAtUs,
        decodeTokenAtUs,
        prefillDoneAtUs,
      });
    }
    this.busy = true;
    return { startUs: nowUs, endUs, prefills, decodes, prefillTokenAtUs, decodeTokenAtUs, lookaheadK: k };
  }

  private admit(seq: Seq, nowUs: number): void {
    const hit = this.prefixHitTokens(seq);
    if (hit > 0) {
      const ids = seq.req.hashIds.slice(0, hit / seq.req.hashBlockTokens);
      this.kv.pin(ids, nowUs);
      seq.prefixEntries = ids;
      this.metrics.onPrefixHit(hit);
    }
    seq.prefixTokens = hit;
    seq.computedTokens = hit;
    seq.phase = 'running';
    if (seq.firstScheduledAtUs < 0) seq.firstScheduledAtUs = nowUs;
    this.running.push(seq);
    this.cfg.role?.onAdmit(seq);
  }

  private preempt(seq: Seq): void {
    const i = this.running.indexOf(seq);
    if (i < 0) throw new Error(`policy ${this.cfg.policy.name} preempted request ${seq.id}, which is not running`);
    this.running.splice(i, 1);
    this.releaseAll(seq);
    seq.computedTokens = 0;
    seq.phase = 'waiting';
    seq.preemptions++;
    this.preemptions++;
    // vLLM puts preempted requests back at the front of the queue.
    this.waiting.unshift(seq);
  }

  private releaseAll(seq: Seq): void {
    this.kv.release(seq.ownBlocks);
    seq.ownBlocks = 0;
    if (seq.prefixEntries.length > 0) this.kv.unpin(seq.prefixEntries);
    seq.prefixEntries = [];
    seq.prefixTokens = 0;
  }

  /** Applies the end of a step: computed tokens, emitted tokens, finished requests. */
  finishStep(step: InFlightStep): void {
    this.busy = false;
    for (const { seq, newTokens } of step.prefills) {
      seq.computedTokens += newTokens;
      if (seq.computedTokens >= seq.prefillTargetTokens) this.emit(seq, step.prefillTokenAtUs);
    }
    for (const seq of step.decodes) {
      const steps = seq.stepsInFlight;
      for (let i = 0; i < steps; i++) {
        seq.computedTokens += 1;
        this.emit(seq, step.decodeTokenAtUs[i]);
      }
      if (steps < step.lookaheadK) this.metrics.onWastedDecodeSteps(step.lookaheadK - steps);
    }
    // Most steps finish nobody: compact the running list only when someone left it (finished or handed off).
    if (this.leftSinceCompaction > 0) {
      let w = 0;
      for (let r = 0; r < this.running.length; r++) {
        const s = this.running[r];
        if (s.phase === 'running') this.running[w++] = s;
      }
      this.running.length = w;
      this.leftSinceCompaction = 0;
    }
  }

  /** Sequences that left `running` (finished, or handed off) since the list was last compacted. */
  private leftSinceCompaction = 0;

  private emit(seq: Seq, tUs: number): void {
    seq.generatedTokens++;
    if (seq.firstTokenAtUs < 0) {
      seq.firstTokenAtUs = tUs;
      seq.gaps = this.metrics.newGapTracker(seq.req.outputTokens);
    } else {
      const gap = tUs - seq.lastTokenAtUs;
      seq.gaps!.add(gap);
      this.metrics.onGap(gap, tUs);
    }
    seq.lastTokenAtUs = tUs;
    if (seq.generatedTokens >= seq.req.outputTokens) this.finish(seq, tUs);
    else this.cfg.role?.onToken(seq, tUs, this);
  }

  /**
   * Takes a running request away with its prompt done (a prefill instance's hand-off). Its KV stays held
   * here, returned, until `releaseHeld`; the request no longer owns it.
   */
  detach(seq: Seq): HeldKv {
    seq.phase = 'handoff';
    this.leftSinceCompaction++;
    const held: HeldKv = { blocks: seq.ownBlocks, prefixEntries: seq.prefixEntries, prefixTokens: seq.prefixTokens };
    seq.ownBlocks = 0;
    seq.prefixEntries = [];
    seq.prefixTokens = 0;
    return held;
  }

  /** Frees (or, with prefix caching, donates) the KV `detach` left held for `req`. */
  releaseHeld(req: Seq['req'], held: HeldKv, tUs: number): void {
    let own = held.blocks;
    if (this.cfg.engine.prefixCaching) own = this.donatePrefixBlocks(req, held.prefixTokens, own, tUs);
    this.kv.release(own);
    if (held.prefixEntries.length > 0) this.kv.unpin(held.prefixEntries);
  }

  /**
   * Takes KV blocks for `tokens` tokens for a request not yet running here (a decode instance reserving a
   * hand-off's prompt). Returns the blocks taken, or null, taking nothing, when they are not available now.
   */
  reserveBlocks(tokens: number): number | null {
    const need = this.kv.blocksForTokens(tokens);
    if (need > this.kv.availableBlocks) return null;
    this.kv.allocate(need);
    if (this.kv.usedBlocks > this.stats.peakUsedBlocks) this.stats.peakUsedBlocks = this.kv.usedBlocks;
    return need;
  }

  /** A request whose KV (`blocks` blocks, from `reserveBlocks`) is here joins the running set as a decode. */
  adopt(seq: Seq, blocks: number): void {
    seq.ownBlocks = blocks;
    seq.phase = 'running';
    this.running.push(seq);
  }

  private finish(seq: Seq, tUs: number): void {
    seq.phase = 'finished';
    this.leftSinceCompaction++;
    seq.finishedAtUs = tUs;
    if (this.cfg.engine.prefixCaching) this.donatePrefix(seq, tUs);
    this.releaseAll(seq);
    this.metrics.onFinish({
      id: seq.id,
      origin: seq.req.origin,
      arrivalUs: seq.req.arrivalUs,
      promptTokens: seq.req.promptTokens,
      outputTokens: seq.req.outputTokens,
      firstScheduledAtUs: seq.firstScheduledAtUs,
      firstTokenAtUs: seq.firstTokenAtUs,
      finishedAtUs: tUs,
      preemptions: seq.preemptions,
      gaps: seq.gaps!,
    });
    seq.gaps = null;
  }

  /** Leaves the finished prompt's whole hash blocks in the prefix cache for later requests. */
  private donatePrefix(seq: Seq, tUs: number): void {
    seq.ownBlocks = this.donatePrefixBlocks(seq.req, seq.prefixTokens, seq.ownBlocks, tUs);
  }

  /** Donates the prompt's whole hash blocks past `prefixTokens` out of `ownBlocks`; returns the blocks left. */
  private donatePrefixBlocks(req: Seq['req'], prefixTokens: number, ownBlocks: number, tUs: number): number {
    const hb = req.hashBlockTokens;
    if (hb === 0 || hb % this.kv.blockTokens !== 0) return ownBlocks;
    const perHash = hb / this.kv.blockTokens;
    const firstOwn = prefixTokens / hb;
    const full = Math.min(req.hashIds.length, Math.floor(req.promptTokens / hb));
    let own = ownBlocks;
    for (let i = firstOwn; i < full && own >= perHash; i++) {
      if (this.kv.donate(req.hashIds[i], perHash, tUs)) own -= perHash;
    }
    return own;
  }
}

/** Requests whose last token the step emits: a prefill that completes with one output left, a decode whose steps reach its output length. */
function finishingIds(prefills: readonly { seq: Seq; newTokens: number }[], chunks: readonly PrefillChunk[], decodes: readonly Seq[]): number[] {
  const ids: number[] = [];
  prefills.forEach(({ seq, newTokens }, i) => {
    if (chunks[i].cachedTokens + newTokens >= seq.prefillTargetTokens && seq.generatedTokens + 1 >= seq.req.outputTokens) ids.push(seq.id);
  });
  for (const seq of decodes) if (seq.generatedTokens + seq.stepsInFlight >= seq.req.outputTokens) ids.push(seq.id);
  return ids;
}
