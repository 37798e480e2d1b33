import { EventQueue } from '../core/event-queue.js';
import type { Request } from '../workload/request.js';
import type { MetricsCollector } from '../metrics/collector.js';
import { Instance, type InFlightStep } from './instance.js';
import { Seq } from './seq.js';

/**
 * Event priorities at equal times: a step's end is applied first, then arrivals join the queues, then
 * the idle instances schedule — so a request arriving exactly when a step ends is seen by the next step.
 */
const PRIORITY_STEP_END = 0;
const PRIORITY_ARRIVAL = 1;
const PRIORITY_SCHEDULE = 2;

type SimEvent =
  | { readonly kind: 'arrival'; readonly seq: Seq }
  | { readonly kind: 'step-end'; readonly instance: Instance; readonly step: InFlightStep }
  | { readonly kind: 'schedule'; readonly instance: Instance };

/** Chooses the instance for a new request (single-instance runs use the trivial one). */
export type RouteFn = (req: Request, instances: readonly Instance[]) => number;

export interface SimulationHooks {
  /** Called about every 1% of arrivals processed, for progress bars. */
  readonly onProgress?: (doneFrac: number) => void;
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
  let nowUs = 0;
  const progressEvery = Math.max(1, Math.floor(seqs.length / 100));
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
        const reason = inst.rejectionReason(seq);
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
        if (ev.instance.hasWork) wake(ev.instance, t);
        break;
      case 'schedule': {
        const inst = ev.instance;
        scheduled.delete(inst);
        if (inst.busy || !inst.hasWork) break;
        const step = inst.startStep(t);
        if (step) q.push(step.endUs, PRIORITY_STEP_END, { kind: 'step-end', instance: inst, step });
        else if (inst.running.length === 0 && inst.waiting.length > 0 && nextArrival >= seqs.length && q.size === 0) {
          // Nothing runs, nothing will arrive, and the policy still admits nobody: a policy bug, not a load effect.
          throw new Error(`policy ${inst.cfg.policy.name} idles with ${inst.waiting.length} waiting requests and nothing running`);
        }
        break;
      }
    }
  }
  for (const s of seqs) {
    if (s.phase !== 'finished' && s.phase !== 'rejected') throw new Error(`request ${s.id} (${s.req.origin}) was lost in phase ${s.phase}`);
  }
  hooks.onProgress?.(1);
  return nowUs;
}
