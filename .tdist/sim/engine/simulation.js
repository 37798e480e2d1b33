import { EventQueue } from '../core/event-queue.js';
import { Seq } from './seq.js';
/**
 * Event priorities at equal times: a step's end is applied first, then arrivals join the queues, then
 * the idle instances schedule — so a request arriving exactly when a step ends is seen by the next step.
 */
const PRIORITY_STEP_END = 0;
const PRIORITY_ARRIVAL = 1;
/** A loop hook's event (a KV transfer ending frees prefill-side blocks) comes before the idle instances schedule, like a step end. */
const PRIORITY_HOOK = 1;
const PRIORITY_SCHEDULE = 2;
/**
 * The event loop: arrivals, step ends and scheduling points on one clock, in total order. Returns the
 * final clock. Every request ends either finished or rejected — the loop checks that before returning —
 * unless `shouldStop` ended the run early.
 */
export function simulate(requests, instances, route, metrics, hooks = {}) {
    const q = new EventQueue();
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
    const scheduled = new Set();
    const wake = (inst, t) => {
        if (!inst.busy && !scheduled.has(inst)) {
            scheduled.add(inst);
            q.push(t, PRIORITY_SCHEDULE, { kind: 'schedule', instance: inst });
        }
    };
    const hook = hooks.loop;
    const control = {
        at: (atUs, fn) => q.push(atUs, PRIORITY_HOOK, { kind: 'hook', fn }),
        wake,
    };
    let nowUs = 0;
    const progressEvery = Math.max(1, Math.floor(seqs.length / 100));
    const runSchedule = (inst, t) => {
        if (inst.busy || !inst.hasWork)
            return;
        const step = inst.startStep(t);
        hook?.afterStepStart(inst, t, control);
        if (step)
            q.push(step.endUs, PRIORITY_STEP_END, { kind: 'step-end', instance: inst, step });
        else if (nextArrival >= seqs.length && q.size === 0) {
            // No step runs anywhere, nothing will arrive or land, and the policy still does nothing with the work
            // it holds: a policy (or engine) bug, not a load effect. Said here, rather than as a "lost" request
            // after the loop, so the message names the policy and the state it stalled in.
            throw new Error(`policy ${inst.cfg.policy.name} idles with ${inst.waiting.length} waiting and ${inst.running.length} running requests (${inst.running.filter((s) => s.isPrefilling).length} mid-prefill) and nothing left to wake it`);
        }
    };
    let stopped = false;
    while (q.size > 0 && !stopped) {
        const ev = q.pop();
        const t = q.lastTimeUs;
        if (t < nowUs)
            throw new Error(`clock went backwards: ${t} < ${nowUs}`);
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
                }
                else {
                    inst.enqueue(seq);
                    wake(inst, t);
                }
                if (hooks.onProgress && nextArrival % progressEvery === 0)
                    hooks.onProgress(nextArrival / seqs.length);
                break;
            }
            case 'step-end':
                ev.instance.finishStep(ev.step);
                hook?.afterStepEnd(ev.instance, t, control);
                if (hooks.shouldStop?.()) {
                    stopped = true;
                    break;
                }
                if (ev.instance.hasWork) {
                    // Nothing else happens at this instant (arrivals and transfers would sort right after this step
                    // end): start the next step now instead of through a schedule event. Same order, one heap
                    // round trip fewer per step — the common case of a busy server.
                    if (q.peekTimeUs() > t && !scheduled.has(ev.instance))
                        runSchedule(ev.instance, t);
                    else
                        wake(ev.instance, t);
                }
                break;
            case 'hook':
                ev.fn(t);
                break;
            case 'schedule':
                scheduled.delete(ev.instance);
                runSchedule(ev.instance, t);
                break;
        }
    }
    if (stopped)
        return nowUs;
    for (const s of seqs) {
        if (s.phase !== 'finished' && s.phase !== 'rejected')
            throw new Error(`request ${s.id} (${s.req.origin}) was lost in phase ${s.phase}`);
    }
    hooks.onProgress?.(1);
    return nowUs;
}
