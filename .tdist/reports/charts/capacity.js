import { barSpec } from '../chart.js';
/** Capacity search answers: the highest offered rate at which SLO attainment met the target. */
export function capacityChart(input) {
    const rows = input.capacities.map((c) => ({
        setting: c.series, policy: c.policy, capacity_qps: c.capacityQps,
        failing_qps: c.bracket[1], converged: c.converged ? 'yes' : 'no', probes: c.probeCount,
    }));
    if (rows.length === 0)
        return null;
    const open = input.capacities.filter((c) => !c.converged).length;
    return {
        id: 'capacity',
        title: 'Capacity per setting',
        caption: 'The most traffic each setting took while still meeting the SLO attainment target, found by raising the rate until it failed and then bisecting. ' +
            'The true limit lies between this value and the first failing rate (failing_qps in the CSV).' +
            (open > 0 ? ` ${open} setting(s) ran out of probes before the bracket closed; their bars are lower bounds.` : ''),
        rows,
        spec: barSpec('setting', 'capacity_qps', 'capacity (requests/s at SLO)', 'policy'),
    };
}
