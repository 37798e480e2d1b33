/**
 * Groups study points by (setting, rate), ordered by setting then rate. Capacity probes run several
 * seeds per rate; averaging them here is what the search itself judged. Points without an offered
 * rate (the trace's own) cannot be placed on a rate axis and are left out.
 */
export function sweepPoints(points) {
    const groups = new Map();
    for (const p of points) {
        if (p.rateQps === null)
            continue;
        const key = JSON.stringify([p.series, p.rateQps]);
        const g = groups.get(key);
        if (g)
            g.push(p);
        else
            groups.set(key, [p]);
    }
    const out = [...groups.values()].map((g) => {
        // Summed in seed order, so the mean does not depend on the order lines were written in.
        const bySeed = [...g].sort((a, b) => a.seed - b.seed);
        const first = bySeed[0];
        const measured = bySeed.every((p) => p.arrivalRateQps !== null);
        return {
            series: first.series,
            policy: first.policy,
            coords: first.coords,
            rateQps: first.rateQps,
            arrivalRateQps: measured ? bySeed.reduce((acc, p) => acc + p.arrivalRateQps, 0) / bySeed.length : first.rateQps,
            measured,
            seeds: bySeed.length,
            mean: (pick) => bySeed.reduce((acc, p) => acc + pick(p.summary), 0) / bySeed.length,
        };
    });
    return out.sort((a, b) => (a.series < b.series ? -1 : a.series > b.series ? 1 : a.rateQps - b.rateQps));
}
/**
 * The axis a study's charts are split into panels by: the model when several were run (the first
 * thing a reader compares within), else the first other axis with several values that is not the
 * policy, rate or seed; null when there is none. Lines within a panel are the remaining axes.
 */
export function facetAxis(points) {
    const values = new Map();
    for (const p of points)
        for (const [k, v] of Object.entries(p.coords))
            (values.get(k) ?? values.set(k, new Set()).get(k)).add(v);
    const varying = [...values].filter(([k, v]) => v.size > 1 && !['policy', 'rateQps', 'seed'].includes(k)).map(([k]) => k);
    if (varying.includes('model'))
        return 'model';
    return varying[0] ?? null;
}
/** A sweep point's line label inside a panel of `facet`: its axis values other than the panel's, rate and seed. */
export function lineLabel(coords, facet) {
    const parts = Object.entries(coords)
        .filter(([k]) => k !== facet && k !== 'rateQps' && k !== 'seed')
        .map(([k, v]) => (['policy', 'model', 'hardware', 'trace', 'cluster'].includes(k) ? v : `${k}=${v}`));
    return parts.length > 0 ? parts.join(' · ') : 'all';
}
