import { EventQueue } from '../core/event-queue.js';
import type { Request } from '../workload/request.js';
import type { MetricsCollector } from '../metrics/collector.js';
import type { Rejection } from '../metrics/results.js';
import { Instance, type Handoff, type InFlightStep } from './instance.js';
import { Seq } from './seq.js';

/**
 * Event priorities at equal times: a step's end is applied first, then arrivals join the queues, then
 * the idle instances schedule — so a request arriving exactly when a step ends is seen by the next step.
 */
const PRIORITY_STEP_END = 0;
const PRIORITY_ARRIVAL = 1;
/** A KV transfer ending frees prefill-side blocks before the idle instances schedule, like a step end. */
const PRIORITY_KV_ARRIVED = 1;
const PRIORITY_SCHEDULE = 2;

type SimEvent =
  | { readonly kind: 'arrival'; readonly seq: Seq }
  | { readonly kind: 'kv-arrived'; readonly handoff: Handoff; readonly to: Instance; readonly blocks: number }
  | { readonly kind: 'step-end'; readonly instance: Instance; readonly step: InFlightStep }
  | { readonly kind: 'schedule'; readonly instance: Instance };

/** Chooses the instance for a new request (single-instance runs use the trivial one). */
export type RouteFn = (req: Request, instances: readonly Instance[]) => number;

/**
 * How requests move from prefill to decode instances (disaggregated serving). Decisions only: the event
 * loop applies them (reserves KV, schedules the transfer's end, releases the prefill side).
 */
export interface HandoffRules {
  /** Index into `instances` of the decode instance for a request whose prefill just finished. */
  readonly routeDecode: (req: Request, instances: readonly Instance[]) => number;
  /**
   * When the whole KV of `h` is on decode instance `to`, given its blocks there were reserved at
   * `reservedAtUs` (the prefill's end when there was room at once, later when it had to wait). Must be
   * ≥ reservedAtUs.
   */
  readonly kvArrivalUs: (h: Handoff, to: Instance, reservedAtUs: number) => number;
  /**
   * Reserve decode KV when the prefill is admitted (layer-wise transfer streams while the prefill runs, so
   * the destination must exist from its start) rather than when it ends. Without room then, the hand-off
   * falls back to reserving at the prefill's end.
   */
  readonly reserveAtAdmission: boolean;
  /** Why no decode instance can ever hold this request's context, or null. Checked at arrival. */
  readonly rejectionReason: (req: Request) => Rejection | null;
}

export interface SimulationHooks {
  /** Called about every 1% of arrivals processed, for progress bars. */
  readonly onProgress?: (doneFrac: number) => void;
  /** Required when any instance has the 'prefill' role. */
  readonly handoff?: HandoffRules;
}

/**
 * The event loop: arrivals, step ends and scheduling points on one clock, in total order. Returns the
 * final clock. Every request ends either finished or rejected — the loop checks that before returning.
 */
export function simulate(requests: readonly Request[], instances: readonly Instance[], route: RouteFn, metrics: MetricsCollector, hooks: SimulationHooks = {}): number {
  const q = new EventQueue<SimEvent>();
  const seqs = requests.map((r) => new Seq(r));
  // Arrivals are already sorted; feeding them one at a time keeps the heap small.
  let nextArrival = 0;
  const pushNextArrival = () => {
    if (nextArrival < seqs.length) {
      const s = seqs[nextArrival++];
      q.push(s.req.arrivalUs, PRIORITY_ARRIVAL, { kind: 'arrival', seq: s });
    }
  };
  pushNextArrival();
  const scheduled = new Set<Instance>();
  const wake = (inst: Instance, t: number) => {
    if (!inst.busy && !scheduled.has(inst)) {
      scheduled.add(inst);
      q.push(t, PRIORITY_SCHEDULE, { kind: 'schedule', instance: inst });
    }
  };
  const handoff = hooks.handoff;
  if (!handoff && instances.some((i) => i.role === 'prefill')) throw new Error('prefill instances need handoff rules');
  /** Decode KV reserved while a prompt was still being prefilled (layer-wise transfer). */
  const reservedEarly = new Map<Seq, { readonly to: Instance; readonly blocks: number; readonly atUs: number }>();
  /** Schedules the KV's arrival; `t` is now (the prefill's end or later), `reservedAtUs` may be earlier. */
  const startTransfer = (h: Handoff, to: Instance, blocks: number, reservedAtUs: number, t: number) => {
    const at = handoff!.kvArrivalUs(h, to, reservedAtUs);
    if (!(at >= t)) throw new Error(`KV transfer of request ${h.seq.id} would arrive at ${at}, before its prefill ended at ${t}`);
    q.push(at, PRIORITY_KV_ARRIVED, { kind: 'kv-arrived', handoff: h, to, blocks });
  };
  /** Decode instance: reserve KV for waiting hand-offs in order while there is room (no overtaking). */
  const drainIncoming = (inst: Instance, t: number) => {
    while (inst.incoming.length > 0) {
      const blocks = inst.tryReserve(inst.incoming[0].seq);
      if (blocks === null) break;
      startTransfer(inst.incoming.shift()!, inst, blocks, t, t);
    }
  };
  /** Prefill instance that just started a step: reserve decode KV for the prompts it admitted, where there is room. */
  const reserveAdmitted = (inst: Instance, t: number) => {
    for (const seq of inst.takeAdmitted()) {
      // A one-token request finishes on the prefill side; a re-admitted one keeps its reservation.
      if (!handoff!.reserveAtAdmission || seq.req.outputTokens <= 1 || reservedEarly.has(seq)) continue;
      const to = decodeFor(seq);
      if (to.incoming.length > 0) continue;
      const blocks = to.tryReserve(seq);
      if (blocks !== null) reservedEarly.set(seq, { to, blocks, atUs: t });
    }
  };
  const decodeFor = (seq: Seq): Instance => {
    const to = instances[handoff!.routeDecode(seq.req, instances)];
    if (to.role !== 'decode') throw new Error(`request ${seq.id} handed off to instance ${to.cfg.id}, which is not a decode instance`);
    return to;
  };
  let nowUs = 0;
  const progressEvery = Math.max(1, Math.floor(seqs.length / 100));
  const runSchedule = (inst: Instance, t: number): void => {
    if (inst.busy || !inst.hasWork) return;
    const step = inst.startStep(t);
    if (inst.role === 'prefill') reserveAdmitted(inst, t);
    if (step) q.push(step.endUs, PRIORITY_STEP_END, { kind: 'step-end', instance: inst, step });
    else if (nextArrival >= seqs.length && q.size === 0) {
      // No step runs anywhere, nothing will arrive or land, and the policy still does nothing with the work
      // it holds: a policy (or engine) bug, not a load effect. Said here, rather than as a "lost" request
      // after the loop, so the message names the policy and the state it stalled in.
      throw new Error(`policy ${inst.cfg.policy.name} idles with ${inst.waiting.length} waiting and ${inst.running.length} running requests (${inst.running.filter((s) => s.isPrefilling).length} mid-prefill) and nothing left to wake it`);
    }
  };
  while (q.size > 0) {
    const ev = q.pop()!;
    const t = q.lastTimeUs;
    if (t < nowUs) throw new Error(`clock went backwards: ${t} < ${nowUs}`);
    nowUs = t;
    switch (ev.kind) {
      case 'arrival': {
        pushNextArrival();
        const seq = ev.seq;
        metrics.onArrival(t);
        const inst = instances[route(seq.req, instances)];
        const reason = inst.rejectionReason(seq) ?? (inst.role === 'prefill' ? handoff!.rejectionReason(seq.req) : null);
        if (reason) {
          seq.phase = 'rejected';
          metrics.onReject(seq.id, seq.req.origin, reason, t);
        } else {
          inst.enqueue(seq);
          wake(inst, t);
        }
        if (hooks.onProgress && nextArrival % progressEvery === 0) hooks.onProgress(nextArrival / seqs.length);
        break;
      }
      case 'step-end':
        ev.instance.finishStep(ev.step);
        for (const h of ev.instance.takeHandoffs()) {
          const early = reservedEarly.get(h.seq);
          if (early) {
            reservedEarly.delete(h.seq);
            startTransfer(h, early.to, early.blocks, early.atUs, t);
            continue;
          }
          const to = decodeFor(h.seq);
          // Later hand-offs queue behind earlier ones, so a large context is not starved by small ones.
          const blocks = to.incoming.length === 0 ? to.tryReserve(h.seq) : null;
          if (blocks !== null) startTransfer(h, to, blocks, t, t);
          else to.incoming.push(h);
        }
        if (ev.instance.role === 'decode') drainIncoming(ev.instance, t);
        if (ev.instance.hasWork) {
          // Nothing else happens at this instant (arrivals and transfers would sort right after this step
          // end): start the next step now instead of through a schedule event. Same order, one heap
          // round trip fewer per step — the common case of a busy server.
          if (q.peekTimeUs() > t && !scheduled.has(ev.instance)) runSchedule(ev.instance, t);
          else wake(ev.instance, t);
        }
        break;
      case 'kv-arrived': {
        const h = ev.handoff;
        h.from.releaseHandoff(h, t);
        ev.to.acceptHandoff(h, ev.blocks);
        wake(ev.to, t);
        if (h.from.hasWork) wake(h.from, t);
        break;
      }
      case 'schedule':
        scheduled.delete(ev.instance);
        runSchedule(ev.instance, t);
        break;
    }
  }
  for (const s of seqs) {
    if (s.phase !== 'finished' && s.phase !== 'rejected') throw new Error(`request ${s.id} (${s.req.origin}) was lost in phase ${s.phase}`);
  }
  hooks.onProgress?.(1);
  return nowUs;
}
