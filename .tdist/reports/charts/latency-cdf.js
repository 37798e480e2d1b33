import { lineSpec } from '../chart.js';
import { formatRate } from '../format-rate.js';
import { sloGuides } from '../slo-guides.js';
/** How every page's latency charts name TTFT and TBT: the axis title and what a sample is. */
export const LATENCY_WORDS = {
    ttft_ms: { axis: 'TTFT (ms)', what: 'how long requests waited for their first token' },
    tbt_ms: { axis: 'TBT (ms)', what: 'the gaps between consecutive output tokens' },
};
const WORDS = {
    ttft_ms: { id: 'ttft-cdf', title: 'Time to first token: distribution', ...LATENCY_WORDS.ttft_ms },
    tbt_ms: { id: 'tbt-cdf', title: 'Time between tokens: distribution', ...LATENCY_WORDS.tbt_ms },
};
/** The percentile of quantile i of n evenly spaced ones (0 … 100); a lone quantile is the 100th. */
export function percentileOf(i, n) {
    return n > 1 ? (i * 100) / (n - 1) : 100;
}
/** Runs' curves, then each study setting's at the middle rate of its sweep (a whole sweep of curves would be unreadable). */
function curves(input, metric) {
    const tailOf = (cdf) => cdf.tail ? { percentiles: cdf.tail.percentiles, values: cdf.tail[metric] } : null;
    const out = input.runs.map((r) => ({ name: r.label, quantiles: r.result.cdf[metric], tail: tailOf(r.result.cdf) }));
    for (const p of representativePoints(input.studyPoints)) {
        const rate = p.arrivalRateQps ?? p.rateQps;
        out.push({ name: `${p.series} @ ${rate === null ? 'trace rate' : `${formatRate(rate)} req/s`}`, quantiles: p.cdf[metric], tail: tailOf(p.cdf) });
    }
    return out;
}
/** CDF of TTFT or TBT, one curve per run and study setting, with the SLO target as a vertical line. */
export function latencyCdfChart(input, metric) {
    const rows = curves(input, metric).flatMap((c) => c.quantiles.map((v, i) => ({ curve: c.name, percentile: percentileOf(i, c.quantiles.length), [metric]: v })));
    if (rows.length === 0)
        return null;
    const w = WORDS[metric];
    const guides = sloGuides(input, metric, 'x');
    const logX = rows.every((r) => r[metric] > 0);
    return {
        id: w.id,
        title: w.title,
        caption: `Each curve shows ${w.what}: a point at (x, y) means y% of them took x ms or less. Curves further left are better; the right end is the tail users notice.` +
            `${guides.length > 0 ? ' The dashed line is the SLO target.' : ''}${logX ? ' The x axis is logarithmic.' : ''}`,
        rows,
        spec: lineSpec({ x: metric, y: 'percentile', xTitle: w.axis, yTitle: 'percent of samples ≤ x', series: 'curve', seriesOrder: [...new Set(rows.map((r) => r.curve))], xLog: logX, guides }),
    };
}
/**
 * The tail as 1 − CDF on log axes, from the median to p99.9 where results recorded the tail quantiles:
 * the share of samples slower than x. A TBT SLO judged on a request's p99 gap lives at the 1% line.
 */
export function latencyTailChart(input, metric) {
    const rows = curves(input, metric).flatMap((c) => {
        const n = c.quantiles.length;
        if (n < 3)
            return [];
        const body = c.quantiles.map((v, i) => ({ p: (i * 100) / (n - 1), v })).filter((q) => q.p >= 50 && q.p < 100);
        const tail = c.tail ? c.tail.percentiles.map((p, i) => ({ p, v: c.tail.values[i] })) : [];
        return [...body, ...tail]
            .filter((q) => q.v > 0)
            .sort((a, b) => a.p - b.p)
            .map((q) => ({ curve: c.name, percentile: q.p, slower_share: Number((1 - q.p / 100).toPrecision(6)), [metric]: q.v }));
    });
    if (rows.length === 0)
        return null;
    const name = metric === 'ttft_ms' ? 'TTFT' : 'TBT';
    const deepest = Math.max(...rows.map((r) => r.percentile));
    return {
        id: `${metric === 'ttft_ms' ? 'ttft' : 'tbt'}-tail`,
        title: `${name} tail: how often it is slower than x`,
        caption: `The share of ${metric === 'ttft_ms' ? 'requests' : 'token gaps'} slower than x, from the median (0.5) down to p${formatRate(deepest)} (${(1 - deepest / 100).toPrecision(2)}), on log axes: ` +
            'the rare slow cases a CDF squeezes into its top edge. A curve that falls steeply left of the dashed SLO line meets it with room to spare.',
        rows,
        spec: lineSpec({ x: metric, y: 'slower_share', xTitle: `${name} (ms)`, yTitle: 'share slower than x', series: 'curve', seriesOrder: [...new Set(rows.map((r) => r.curve))], xLog: true, yLog: true, guides: sloGuides(input, metric, 'x') }),
    };
}
/** Per setting, the point at the lower-middle offered rate (lowest seed), in first-seen order of settings. */
export function representativePoints(points) {
    const bySeries = new Map();
    for (const p of points) {
        const g = bySeries.get(p.series);
        if (g)
            g.push(p);
        else
            bySeries.set(p.series, [p]);
    }
    return [...bySeries.values()].map((g) => {
        const rates = [...new Set(g.map((p) => p.rateQps ?? 0))].sort((a, b) => a - b);
        const mid = rates[Math.floor((rates.length - 1) / 2)];
        return g.filter((p) => (p.rateQps ?? 0) === mid).sort((a, b) => a.seed - b.seed)[0];
    });
}
