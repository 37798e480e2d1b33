/**
 * A request's TBT as judged against the SLO, kept online while it decodes: its worst gap
 * ('every-gap') or the p99 of its gaps ('request-p99-gap', R-7 like d3.quantile).
 *
 * A request of N output tokens has exactly N−1 gaps, so the p99 interpolates between the order
 * statistics at ⌊h⌋ and ⌊h⌋+1 (h = 0.99·(N−2)), which are among the m = N−1−⌊h⌋ largest gaps — one to a
 * few dozen. Only those are kept (a small min-heap), so memory per running request is bounded and no
 * per-request sort is needed at the end.
 */
export class RequestGaps {
    heap;
    size = 0;
    h;
    lo;
    count = 0;
    constructor(outputTokens, definition) {
        const n = Math.max(0, outputTokens - 1);
        if (definition === 'every-gap' || n === 0) {
            this.h = Math.max(0, n - 1);
            this.lo = this.h;
        }
        else {
            this.h = 0.99 * (n - 1);
            this.lo = Math.floor(this.h);
        }
        this.heap = new Float64Array(Math.max(1, n - this.lo));
    }
    add(gapUs) {
        this.count++;
        const heap = this.heap;
        const m = heap.length;
        if (this.size < m) {
            let j = this.size++;
            heap[j] = gapUs;
            while (j > 0) {
                const parent = (j - 1) >> 1;
                if (heap[parent] <= heap[j])
                    break;
                const t = heap[parent];
                heap[parent] = heap[j];
                heap[j] = t;
                j = parent;
            }
            return;
        }
        if (gapUs <= heap[0])
            return;
        heap[0] = gapUs;
        let j = 0;
        for (;;) {
            const l = 2 * j + 1;
            const r = l + 1;
            let s = j;
            if (l < m && heap[l] < heap[s])
                s = l;
            if (r < m && heap[r] < heap[s])
                s = r;
            if (s === j)
                break;
            const t = heap[s];
            heap[s] = heap[j];
            heap[j] = t;
            j = s;
        }
    }
    /** The request's TBT in µs; 0 with no gaps. Exact once every gap has been added. */
    value() {
        if (this.size === 0)
            return 0;
        const heap = this.heap;
        if (this.size === 1)
            return heap[0];
        // heap[0] is the order statistic at lo; the next one up is the smaller child of the root.
        const atLo = heap[0];
        const atHi = this.size === 2 ? heap[1] : Math.min(heap[1], heap[2]);
        return atLo + (this.h - this.lo) * (atHi - atLo);
    }
}
