import { lineSpec } from '../chart.js';
const isObj = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const numbers = (v) => (Array.isArray(v) && v.every((x) => typeof x === 'number' && Number.isFinite(x)) ? v : null);
/**
 * KV moved over time per link of disaggregated cluster runs (config.resolved.cluster.kv_transfers.series,
 * written by sim/cluster/transfer-series.ts): GB/s landed on the decode side in each bucket, a line per
 * prefill instance's link. Null when no run holds a series (aggregated clusters, older results).
 */
export function kvTransferTimelineChart(input) {
    const rows = [];
    const widths = new Set();
    for (const r of input.runs) {
        const resolved = isObj(r.result.config.resolved) ? r.result.config.resolved : {};
        const cluster = isObj(resolved.cluster) ? resolved.cluster : {};
        const series = isObj(cluster.kv_transfers) ? cluster.kv_transfers.series : null;
        if (!isObj(series) || typeof series.bucket_s !== 'number' || !(series.bucket_s > 0) || !Array.isArray(series.links))
            continue;
        const bucketS = series.bucket_s;
        widths.add(bucketS);
        // Named like the cluster-instances chart (group #id), so a link reads as the instance it leaves.
        const groupOf = new Map((Array.isArray(resolved.instances) ? resolved.instances.filter(isObj) : []).map((i) => [i.id, String(i.group)]));
        for (const l of series.links.filter(isObj)) {
            const transfers = numbers(l.transfers);
            const bytes = numbers(l.bytes);
            if (transfers === null || bytes === null || transfers.length !== bytes.length)
                continue;
            const link = `${input.runs.length > 1 ? `${r.label} · ` : ''}${groupOf.get(l.from_instance) ?? 'prefill'} #${String(l.from_instance)}`;
            bytes.forEach((b, i) => rows.push({ run: r.label, link, t_s: i * bucketS, bucket_s: bucketS, transfers: transfers[i], gb: b / 1e9, gb_per_s: b / 1e9 / bucketS }));
        }
    }
    if (rows.length === 0)
        return null;
    const links = [...new Set(rows.map((r) => r.link))];
    const width = widths.size === 1 ? `${[...widths][0]} s` : 'a width per run (bucket_s in the CSV)';
    return {
        id: 'kv-transfer-timeline',
        title: 'Cluster: KV transfers over time, per link',
        caption: `The KV cache moved from each prefill instance to the decode side, as GB/s averaged over buckets of ${width}, by when each transfer landed. ` +
            'A link that stays busy while decode instances sit idle, or long gaps between bursts, point at the interconnect or the prefill/decode split. ' +
            'Transfers per bucket are in the CSV; over a run the series adds up to the KV transfer totals in the summary table.',
        rows,
        spec: lineSpec({ x: 't_s', y: 'gb_per_s', xTitle: 'time (s)', yTitle: 'KV landed (GB/s)', series: 'link', seriesOrder: links }),
    };
}
