/**
 * The rate at which a line's SLO attainment falls through `target`: linear interpolation between the
 * last rate that met it and the first that did not. Null when the line never drops below the target
 * (its capacity lies past the highest rate run) or starts below it (no rate run met it, so there is
 * nothing to interpolate from). Only the first fall counts: a line that recovers at a higher rate is
 * noise around saturation, and a reader sizing a deployment cares where it first fails.
 */
export function attainmentCrossingQps(samples, target) {
    const s = [...samples].sort((a, b) => a.rateQps - b.rateQps);
    const first = s[0];
    if (first === undefined || first.attainment < target)
        return null;
    for (let i = 1; i < s.length; i++) {
        const a = s[i - 1];
        const b = s[i];
        // a met the target (else the loop had returned at it), so a.attainment > b.attainment and the division is safe.
        if (b.attainment < target)
            return a.rateQps + ((a.attainment - target) / (a.attainment - b.attainment)) * (b.rateQps - a.rateQps);
    }
    return null;
}
/**
 * Where an offered rate lies on the measured arrival-rate axis, interpolated over a line's points
 * (offered → measured). A capacity search answers in offered rates, but the sweep charts' x axis is the
 * measured rate, which a cut window moves off the offered one. Outside the points, the nearest point's
 * measured/offered ratio is applied.
 */
export function offeredOnMeasuredAxis(offeredQps, points) {
    const s = [...points].sort((a, b) => a.offeredQps - b.offeredQps);
    const lo = s[0];
    const hi = s[s.length - 1];
    if (lo === undefined || hi === undefined)
        return offeredQps;
    if (offeredQps <= lo.offeredQps)
        return lo.offeredQps > 0 ? (offeredQps * lo.measuredQps) / lo.offeredQps : lo.measuredQps;
    if (offeredQps >= hi.offeredQps)
        return hi.offeredQps > 0 ? (offeredQps * hi.measuredQps) / hi.offeredQps : hi.measuredQps;
    for (let i = 1; i < s.length; i++) {
        const a = s[i - 1];
        const b = s[i];
        if (offeredQps <= b.offeredQps) {
            const f = b.offeredQps === a.offeredQps ? 0 : (offeredQps - a.offeredQps) / (b.offeredQps - a.offeredQps);
            return a.measuredQps + f * (b.measuredQps - a.measuredQps);
        }
    }
    return offeredQps;
}
/**
 * Each line's capacity: the study's capacity search answer where it ran one for that setting (it
 * bisected with repeats, so it is closer than interpolating between the swept rates), else where the
 * mean attainment crosses `target`. Lines with neither get no mark, nor does a search answer with no
 * swept line to sit on (the capacity bar chart shows it). Ordered by series.
 */
export function capacityMarks(points, capacities, target) {
    const bySeries = new Map();
    for (const p of points)
        (bySeries.get(p.series) ?? bySeries.set(p.series, []).get(p.series)).push(p);
    const out = [];
    for (const [series, ps] of [...bySeries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
        const searched = capacities.find((c) => c.series === series);
        if (searched !== undefined) {
            const axisQps = offeredOnMeasuredAxis(searched.capacityQps, ps.map((p) => ({ offeredQps: p.rateQps, measuredQps: p.arrivalRateQps })));
            out.push({ series, axisQps, capacityQps: searched.capacityQps, source: 'capacity search' });
            continue;
        }
        const crossing = attainmentCrossingQps(ps.map((p) => ({ rateQps: p.arrivalRateQps, attainment: p.mean((sm) => sm.slo_attainment) })), target);
        if (crossing !== null)
            out.push({ series, axisQps: crossing, capacityQps: crossing, source: 'crossing' });
    }
    return out;
}
