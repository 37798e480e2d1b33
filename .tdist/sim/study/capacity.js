/**
 * Capacity search: the highest offered rate (requests/s) at which SLO attainment stays at or above a
 * target. Pure logic over a response function, so it can be tested against synthetic curves and reused
 * with any runner. Attainment falls with load, but near the knee single runs are noisy, so every probe
 * averages several seeds, and the search only assumes the *mean* response crosses the target once.
 */
/**
 * Brackets geometrically (multiply the rate by growthFactor until a probe fails, or divide until one
 * passes), then bisects in log space (the midpoint of lo and hi is √(lo·hi), which suits rates spanning
 * decades) until (hi − lo)/lo ≤ relTolerance. Repeats of a probe run concurrently.
 */
export async function findCapacity(attainmentAt, search) {
    const probes = [];
    const probe = async (rateQps) => {
        const repeats = Array.from({ length: search.repeats }, (_, i) => attainmentAt(rateQps, i));
        const attainments = await Promise.all(repeats);
        // Summed in repeat order so the mean is bit-identical however the runs were scheduled.
        let sum = 0;
        for (const a of attainments)
            sum += a;
        const mean = sum / attainments.length;
        const passed = mean >= search.targetAttainment;
        probes.push({ rate_qps: rateQps, attainments, mean_attainment: mean, passed });
        return passed;
    };
    const result = (lo, hi, converged) => ({
        capacity_qps: lo,
        bracket: [lo, hi],
        converged,
        probes,
    });
    let lo;
    let hi;
    let rate = search.startQps;
    if (await probe(rate)) {
        lo = rate;
        for (;;) {
            if (probes.length >= search.maxProbes || rate * search.growthFactor > search.maxQps)
                return result(lo, null, false);
            rate *= search.growthFactor;
            if (!(await probe(rate)))
                break;
            lo = rate;
        }
        hi = rate;
    }
    else {
        hi = rate;
        for (;;) {
            if (probes.length >= search.maxProbes)
                return result(0, hi, false);
            rate /= search.growthFactor;
            if (await probe(rate))
                break;
            hi = rate;
        }
        lo = rate;
    }
    while ((hi - lo) / lo > search.relTolerance) {
        if (probes.length >= search.maxProbes)
            return result(lo, hi, false);
        const mid = Math.sqrt(lo * hi);
        if (await probe(mid))
            lo = mid;
        else
            hi = mid;
    }
    return result(lo, hi, true);
}
