import { CHART_WIDTH, colorScale } from '../chart.js';
const isObj = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const QUANTITIES = [
    { key: 'busy_share', name: 'busy share of the run', scale: 100, unit: '%' },
    { key: 'peak_kv_used_frac', name: 'peak KV cache use', scale: 100, unit: '%' },
    { key: 'routed_requests', name: 'requests routed here', scale: 1, unit: '' },
    { key: 'handoffs_in', name: 'KV hand-offs received', scale: 1, unit: '' },
];
/** The instances of cluster runs (config.resolved.instances), by group: how busy, how full, how much traffic. */
export function clusterInstancesChart(input) {
    const rows = [];
    for (const r of input.runs) {
        const resolved = isObj(r.result.config.resolved) ? r.result.config.resolved : {};
        const instances = Array.isArray(resolved.instances) ? resolved.instances.filter(isObj) : [];
        for (const i of instances) {
            for (const q of QUANTITIES) {
                const v = i[q.key];
                if (typeof v !== 'number')
                    continue;
                rows.push({ run: r.label, instance: `${input.runs.length > 1 ? `${r.label} · ` : ''}${String(i.group)} #${String(i.id)}`, group: String(i.group), role: String(i.role), quantity: q.name, value: v * q.scale });
            }
        }
    }
    if (rows.length === 0)
        return null;
    const groups = [...new Set(rows.map((r) => r.group))];
    return {
        id: 'cluster-instances',
        title: 'Cluster: every instance by group',
        caption: 'Per instance of the cluster, coloured by its group: the share of the run it was busy, its peak KV cache use, the arrivals the router sent it, and the KV hand-offs it received (decode instances of a disaggregated cluster). ' +
            'An idle group next to a saturated one means the split of GPUs between groups, or the router, is off.',
        rows,
        spec: {
            facet: { column: { field: 'quantity', type: 'nominal', title: null, sort: QUANTITIES.map((q) => q.name) } },
            spec: {
                width: CHART_WIDTH / 4 - 10,
                mark: { type: 'bar' },
                encoding: {
                    y: { field: 'instance', type: 'nominal', title: null, axis: { labelLimit: 200 } },
                    x: { field: 'value', type: 'quantitative', title: null },
                    color: { field: 'group', type: 'nominal', title: 'group', scale: colorScale(groups), legend: { orient: 'bottom' } },
                    tooltip: [{ field: 'instance', type: 'nominal' }, { field: 'role', type: 'nominal' }, { field: 'quantity', type: 'nominal' }, { field: 'value', type: 'quantitative', format: '.3~f' }],
                },
            },
            resolve: { scale: { x: 'independent' } },
        },
    };
}
