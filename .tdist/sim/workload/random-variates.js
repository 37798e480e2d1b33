/** Exponential with mean 1 (inverse CDF; 1 − u keeps the log away from 0). */
export function sampleExponential(rng) {
    return -Math.log(1 - rng.next());
}
/** Standard normal by Box–Muller, one draw pair per value: simpler to keep deterministic than caching the twin. */
export function sampleStandardNormal(rng) {
    const u1 = 1 - rng.next();
    const u2 = rng.next();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}
/**
 * Gamma with the given shape and scale 1, by Marsaglia & Tsang, "A simple method for generating gamma
 * variables", ACM TOMS 26(3), 2000. Shapes below 1 (CV above 1: bursty traffic) use their boost
 * Gamma(a) = Gamma(a + 1) · U^(1/a).
 */
export function sampleGamma(shape, rng) {
    if (!(shape > 0))
        throw new RangeError(`sampleGamma: shape must be positive, got ${shape}`);
    if (shape < 1)
        return sampleGamma(shape + 1, rng) * Math.pow(1 - rng.next(), 1 / shape);
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
        const x = sampleStandardNormal(rng);
        const v = (1 + c * x) ** 3;
        if (v <= 0)
            continue;
        const u = 1 - rng.next();
        if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v))
            return d * v;
    }
}
