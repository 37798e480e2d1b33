import { sampleExponential, sampleGamma } from './random-variates.js';
export const ARRIVAL_KINDS = ['poisson', 'gamma', 'constant'];
/**
 * Arrival times in whole µs, the first at 0: `count` of them, or, when count is null, all that fall
 * before `durationUs`. Exactly one of the two limits must be given.
 */
export function generateArrivalsUs(process, count, durationUs, rng) {
    if ((count === null) === (durationUs === null))
        throw new RangeError('generateArrivalsUs: give exactly one of count and durationUs');
    if (!(process.rateQps > 0))
        throw new RangeError(`generateArrivalsUs: rateQps must be positive, got ${process.rateQps}`);
    const nextGap = gapSampler(process, rng);
    const out = [];
    let tUs = 0;
    while (count === null ? tUs < durationUs : out.length < count) {
        out.push(Math.round(tUs));
        tUs += nextGap();
    }
    return out;
}
/** A function returning successive gaps in µs (fractional; rounding happens once, on the running sum). */
function gapSampler(process, rng) {
    const meanGapUs = 1e6 / process.rateQps;
    switch (process.kind) {
        case 'constant':
            return () => meanGapUs;
        case 'poisson':
            return () => meanGapUs * sampleExponential(rng);
        case 'gamma': {
            const cv = process.cv;
            if (cv === undefined || !(cv > 0))
                throw new RangeError(`generateArrivalsUs: gamma arrivals need cv > 0, got ${cv}`);
            const shape = 1 / (cv * cv);
            const scaleUs = meanGapUs * cv * cv;
            return () => scaleUs * sampleGamma(shape, rng);
        }
    }
}
