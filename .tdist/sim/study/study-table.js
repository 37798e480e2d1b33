/**
 * A study's points as a table: one row per point (its axis coordinates, then chosen summary metrics),
 * rendered as Markdown for people or CSV for programs. (Capacity answers are drawn by `duetsim report`.)
 */
export const TABLE_METRICS = {
    completed_rps: (s) => s.throughput_rps,
    output_tps: (s) => s.output_tps,
    ttft_p50_ms: (s) => s.ttft_ms.p50,
    ttft_p99_ms: (s) => s.ttft_ms.p99,
    tbt_p50_ms: (s) => s.tbt_ms.p50,
    tbt_p99_ms: (s) => s.tbt_ms.p99,
    tpot_p50_ms: (s) => s.tpot_ms.p50,
    e2e_p99_ms: (s) => s.e2e_ms.p99,
    slo_attainment: (s) => s.slo_attainment,
    goodput_rps: (s) => s.goodput_rps,
    split_share: (s) => s.split_time_share,
    preemptions: (s) => s.preemptions,
    rejected: (s) => s.rejected,
};
export const DEFAULT_TABLE_METRICS = ['completed_rps', 'ttft_p99_ms', 'tbt_p99_ms', 'slo_attainment', 'goodput_rps', 'split_share'];
export function studyTable(lines, metrics) {
    const points = lines.filter((l) => l.kind === 'point');
    const axes = [...new Set(points.flatMap((p) => Object.keys(p.coords)))];
    const rows = points.map((p) => [...axes.map((a) => String(p.coords[a] ?? '')), ...metrics.map((m) => round(TABLE_METRICS[m](p.summary)))]);
    rows.sort((a, b) => compareRows(a, b));
    return { header: [...axes, ...metrics], rows };
}
function compareRows(a, b) {
    for (let i = 0; i < a.length; i++) {
        const x = a[i];
        const y = b[i];
        if (x === y)
            continue;
        const nx = Number(x);
        const ny = Number(y);
        if (Number.isFinite(nx) && Number.isFinite(ny))
            return nx - ny;
        return String(x) < String(y) ? -1 : 1;
    }
    return 0;
}
function round(x) {
    return Math.abs(x) >= 100 ? Math.round(x * 10) / 10 : Math.round(x * 1000) / 1000;
}
export function toMarkdown(t) {
    const lines = [`| ${t.header.join(' | ')} |`, `|${t.header.map((_, i) => (typeof t.rows[0]?.[i] === 'number' ? '---:' : '---')).join('|')}|`];
    for (const r of t.rows)
        lines.push(`| ${r.join(' | ')} |`);
    return lines.join('\n') + '\n';
}
export function toCsv(t) {
    const esc = (v) => (typeof v === 'string' && /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : String(v));
    return [t.header.join(','), ...t.rows.map((r) => r.map(esc).join(','))].join('\n') + '\n';
}
/**
 * One metric laid out against one axis: a row per combination of the other coordinates, a column per
 * value of `columnAxis` (e.g. goodput per policy against offered rate). Missing points are blank.
 */
export function pivotTable(lines, metric, columnAxis) {
    const points = lines.filter((l) => l.kind === 'point');
    const axes = [...new Set(points.flatMap((p) => Object.keys(p.coords)))].filter((a) => a !== columnAxis);
    const columns = [...new Set(points.map((p) => String(p.coords[columnAxis] ?? '')))].sort((a, b) => compareRows([a], [b]));
    const rows = new Map();
    for (const p of points) {
        const key = axes.map((a) => String(p.coords[a] ?? ''));
        const id = JSON.stringify(key);
        if (!rows.has(id))
            rows.set(id, [...key, ...columns.map(() => '')]);
        rows.get(id)[axes.length + columns.indexOf(String(p.coords[columnAxis] ?? ''))] = round(TABLE_METRICS[metric](p.summary));
    }
    const sorted = [...rows.values()].sort((a, b) => compareRows(a.slice(0, axes.length), b.slice(0, axes.length)));
    return { header: [...axes, ...columns.map((c) => `${columnAxis}=${c}`)], rows: sorted };
}
