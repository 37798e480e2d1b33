import { barSpec } from '../chart.js';
import { sweepPoints } from '../sweep-points.js';
/**
 * Goodput (requests/s that met every SLO) per setting: for a sweep, its best rate; for single runs,
 * the run's own.
 */
export function goodputChart(input) {
    const best = new Map();
    for (const p of sweepPoints(input.studyPoints)) {
        const g = p.mean((s) => s.goodput_rps);
        const seen = best.get(p.series);
        if (seen === undefined || g > seen.goodput)
            best.set(p.series, { policy: p.policy, goodput: g, rate: p.rateQps });
    }
    const rows = [
        ...input.runs.map((r) => ({ name: r.label, policy: r.policy, goodput_rps: r.result.summary.goodput_rps, at_offered_qps: null })),
        ...[...best].map(([name, b]) => ({ name, policy: b.policy, goodput_rps: b.goodput, at_offered_qps: b.rate })),
    ];
    if (rows.length === 0)
        return null;
    return {
        id: 'goodput',
        title: 'Goodput per setting',
        caption: 'Requests per second that met every latency target. For a sweep this is the best over the offered rates tried (the CSV says at which rate); for a single run, that run’s. Goodput counts only useful work: a fast server that misses its SLOs scores low.',
        rows,
        spec: barSpec('name', 'goodput_rps', 'goodput (requests/s meeting SLOs)', 'policy'),
    };
}
