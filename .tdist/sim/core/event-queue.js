/**
 * Binary min-heap of events with a total order: (timeUs, priority, sequence number). The sequence number
 * is assigned by this queue instance at push time, so ties resolve in push order and two runs in one
 * process never share a counter.
 *
 * Stored as parallel arrays rather than objects: the simulator pushes a few hundred thousand events per
 * replay and this keeps the hot loop free of allocation.
 */
export class EventQueue {
    times = [];
    prios = [];
    seqs = [];
    items = [];
    nextSeq = 0;
    get size() {
        return this.items.length;
    }
    /** Adds an event. Lower priority values run first among events at the same time. */
    push(timeUs, priority, item) {
        if (!Number.isFinite(timeUs))
            throw new Error(`event time must be finite, got ${timeUs}`);
        let i = this.items.length;
        this.times.push(timeUs);
        this.prios.push(priority);
        this.seqs.push(this.nextSeq++);
        this.items.push(item);
        while (i > 0) {
            const parent = (i - 1) >> 1;
            if (!this.less(i, parent))
                break;
            this.swap(i, parent);
            i = parent;
        }
    }
    peekTimeUs() {
        return this.items.length > 0 ? this.times[0] : Infinity;
    }
    /** Removes and returns the earliest event; its time is available from `lastTimeUs`. */
    pop() {
        const n = this.items.length;
        if (n === 0)
            return undefined;
        const top = this.items[0];
        this.lastTimeUs = this.times[0];
        const last = n - 1;
        if (last > 0)
            this.swap(0, last);
        this.times.pop();
        this.prios.pop();
        this.seqs.pop();
        this.items.pop();
        let i = 0;
        const size = last;
        for (;;) {
            const l = 2 * i + 1;
            const r = l + 1;
            let m = i;
            if (l < size && this.less(l, m))
                m = l;
            if (r < size && this.less(r, m))
                m = r;
            if (m === i)
                break;
            this.swap(i, m);
            i = m;
        }
        return top;
    }
    /** Time of the event most recently popped. */
    lastTimeUs = 0;
    less(a, b) {
        const ta = this.times[a];
        const tb = this.times[b];
        if (ta !== tb)
            return ta < tb;
        const pa = this.prios[a];
        const pb = this.prios[b];
        if (pa !== pb)
            return pa < pb;
        return this.seqs[a] < this.seqs[b];
    }
    swap(a, b) {
        const t = this.times[a];
        this.times[a] = this.times[b];
        this.times[b] = t;
        const p = this.prios[a];
        this.prios[a] = this.prios[b];
        this.prios[b] = p;
        const s = this.seqs[a];
        this.seqs[a] = this.seqs[b];
        this.seqs[b] = s;
        const it = this.items[a];
        this.items[a] = this.items[b];
        this.items[b] = it;
    }
}
