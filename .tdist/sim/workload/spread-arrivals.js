import { renumber } from './renumber.js';
/**
 * Undoes timestamp quantisation (Mooncake's conversation trace puts up to 28 requests on one ~3 s
 * bucket): each run of k requests with equal arrival t is spread over [t, t + w), where w is `bucketUs`
 * or the gap to the next distinct arrival if that is shorter, so order and ids are kept. 'even' places
 * request i at t + floor(i·w/k) (the first stays at t); 'uniform' draws k seeded uniform times in the
 * bucket and assigns them in sorted order.
 */
export function spreadEqualArrivals(requests, bucketUs, mode, rng) {
    if (!(bucketUs > 0))
        throw new RangeError(`spreadEqualArrivals: bucketUs must be positive, got ${bucketUs}`);
    const out = [];
    let start = 0;
    while (start < requests.length) {
        const t = requests[start].arrivalUs;
        let end = start + 1;
        while (end < requests.length && requests[end].arrivalUs === t)
            end++;
        const count = end - start;
        const widthUs = end < requests.length ? Math.min(bucketUs, requests[end].arrivalUs - t) : bucketUs;
        const offsetsUs = mode === 'even'
            ? Array.from({ length: count }, (_, i) => Math.floor((i * widthUs) / count))
            : Array.from({ length: count }, () => Math.floor(rng.next() * widthUs)).sort((a, b) => a - b);
        for (let i = 0; i < count; i++)
            out.push({ ...requests[start + i], arrivalUs: t + offsetsUs[i] });
        start = end;
    }
    return renumber(out);
}
