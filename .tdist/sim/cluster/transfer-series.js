/**
 * KV transfers over time, per link: how many transfers landed, and how many bytes, in each time bucket.
 * A link is a prefill instance's outgoing link (build-cluster.ts sends one request's KV at a time per
 * prefill instance). Buckets are indexed on the trace clock from 0, like the results timeline, by the
 * time the KV was whole on the decode side.
 *
 * Memory is bounded whatever the run's length: at most `limit` buckets per link. A transfer landing
 * past the last bucket widens every bucket twofold (neighbours merged) until it fits, so a long run
 * gets coarser buckets instead of more of them.
 */
/**
 * Buckets kept per link. 256 spread over a 560-pixel chart (reports/chart.ts CHART_WIDTH) are two pixels
 * or more each: finer would not show, and a results file of many prefill instances stays small.
 */
export const TRANSFER_SERIES_BUCKET_LIMIT = 256;
/** Width before any widening: one second, the finest the results timeline uses (sim/run/scenario-collector.ts niceBucketUs). */
export const TRANSFER_SERIES_FIRST_BUCKET_US = 1e6;
export class TransferSeries {
    limit;
    bucketUs;
    links = new Map();
    constructor(limit = TRANSFER_SERIES_BUCKET_LIMIT, firstBucketUs = TRANSFER_SERIES_FIRST_BUCKET_US) {
        this.limit = limit;
        if (!(limit >= 1 && Number.isInteger(limit)) || !(firstBucketUs > 0))
            throw new Error(`TransferSeries needs an integer limit ≥ 1 and a positive bucket width (got ${limit}, ${firstBucketUs})`);
        this.bucketUs = firstBucketUs;
    }
    /** One transfer over link `fromInstance` whose KV landed at `landedAtUs`. */
    add(fromInstance, landedAtUs, bytes) {
        while (Math.floor(landedAtUs / this.bucketUs) >= this.limit)
            this.widen();
        const i = Math.max(0, Math.floor(landedAtUs / this.bucketUs));
        let link = this.links.get(fromInstance);
        if (link === undefined)
            this.links.set(fromInstance, (link = { count: [], bytes: [] }));
        while (link.count.length <= i) {
            link.count.push(0);
            link.bytes.push(0);
        }
        link.count[i]++;
        link.bytes[i] += bytes;
    }
    widen() {
        this.bucketUs *= 2;
        const merge = (a) => Array.from({ length: Math.ceil(a.length / 2) }, (_, j) => a[2 * j] + (a[2 * j + 1] ?? 0));
        for (const l of this.links.values()) {
            l.count = merge(l.count);
            l.bytes = merge(l.bytes);
        }
    }
    /** Links in instance order, every array padded to the longest so bucket j means the same time on each; bytes rounded to whole bytes. */
    toJson() {
        const n = Math.max(0, ...[...this.links.values()].map((l) => l.count.length));
        const pad = (a) => [...a, ...new Array(n - a.length).fill(0)];
        return {
            bucket_s: this.bucketUs / 1e6,
            links: [...this.links].sort(([a], [b]) => a - b).map(([from, l]) => ({ from_instance: from, transfers: pad(l.count), bytes: pad(l.bytes).map(Math.round) })),
        };
    }
}
