/**
 * `node dist/test/bench/gemm-oracle.js [hardware]` (after `npm run build`): how much of the latency model's error on
 * the reference forwards is its GEMM term. Each forward of calibrate/data/h200-2026-12-04-reference whose four
 * projections were timed alone on the same SM count (calibrate/data/h200-2026-12-05-gemm-rows) is predicted twice:
 * by the model (default: the shipped h200.yaml), and with the model's GEMM time replaced by the sum of those
 * measured GEMMs × layers (the "oracle"). Prints MAPE by batch kind and SM count, and each mixed forward's signed
 * error, as text and a JSON line. An analysis, not a test: it judges no target.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadHardware } from '../../sim/config/load-hardware.js';
import { predictIteration } from '../../sim/latency/roofline.js';
import { packageRoot } from '../../sim/trace/bundled.js';
import { loadData } from '../../calibrate/load-data.js';
import { batchKind } from '../../calibrate/parse-batch.js';
const root = packageRoot();
const hw = loadHardware(process.argv[2] ?? 'h200', { cwd: root, useServingCorrection: false });
const reference = loadData(root, [join('calibrate', 'data', 'h200-2026-12-04-reference')], undefined);
const gemmUs = new Map();
for (const line of readFileSync(join(root, 'calibrate', 'data', 'h200-2026-12-05-gemm-rows', 'h200-gemm-rows.jsonl'), 'utf8').split('\n').slice(1)) {
    if (!line)
        continue;
    const r = JSON.parse(line);
    if (r.kind === 'op')
        gemmUs.set(`${r.n}/${r.d_in}/${r.d_out}/${r.sms}`, r.median_us);
}
const rows = [];
for (const r of reference.data.records.filter((x) => x.kind === 'forward')) {
    const m = reference.models[r.model];
    const n = r.batch.decodeCount + r.batch.prefills.reduce((s, p) => s + p.newTokens, 0);
    const d = m.hiddenSize;
    const shapes = [
        [d, (m.numQHeads + 2 * m.numKvHeads) * m.headDim],
        [m.numQHeads * m.headDim, d],
        [d, 2 * m.ffnSize],
        [m.ffnSize, d],
    ];
    const measured = shapes.map(([dIn, dOut]) => gemmUs.get(`${n}/${dIn}/${dOut}/${r.smCount}`));
    if (measured.some((x) => x === undefined))
        continue;
    const p = predictIteration(m, hw, r.batch, { smCount: r.smCount, partnerSmCount: 0, launch: 'graph', tpDegree: 1, clockRegime: 'calibration' });
    const modelGemmUs = p.breakdown.find((b) => b.op === 'gemm')?.us ?? 0;
    const oracleGemmUs = measured.reduce((s, x) => s + x, 0) * m.numLayers;
    rows.push({ id: r.id, kind: batchKind(r.batch), sms: r.smCount, model: p.gpuUs / r.medianUs - 1, oracle: (p.gpuUs - modelGemmUs + oracleGemmUs) / r.medianUs - 1 });
}
const mape = (xs, pick) => xs.reduce((s, r) => s + Math.abs(pick(r)), 0) / xs.length;
const groups = {};
const group = (label, xs) => {
    if (xs.length > 0)
        groups[label] = { n: xs.length, model: mape(xs, (r) => r.model), oracle: mape(xs, (r) => r.oracle) };
};
for (const kind of ['decode', 'prefill', 'mixed'])
    group(kind, rows.filter((r) => r.kind === kind));
group('mixed, 16-96 SMs', rows.filter((r) => r.kind === 'mixed' && r.sms <= 96));
for (const sms of [...new Set(rows.map((r) => r.sms))].sort((a, b) => a - b))
    group(`${sms} SMs`, rows.filter((r) => r.sms === sms));
group('all', rows);
const pct = (x) => `${(100 * x).toFixed(1)}%`;
console.log(`forwards of the reference data with all four GEMMs timed alone: ${rows.length} (hardware ${hw.name})`);
console.log('group                 n   model MAPE   with measured GEMMs');
for (const [label, g] of Object.entries(groups))
    console.log(`${label.padEnd(20)} ${String(g.n).padStart(3)}   ${pct(g.model).padStart(10)}   ${pct(g.oracle).padStart(10)}`);
console.log('mixed forwards, signed error (model / with measured GEMMs):');
for (const r of rows.filter((x) => x.kind === 'mixed').sort((a, b) => a.sms - b.sms))
    console.log(`  ${r.id.padEnd(44)} ${pct(r.model).padStart(7)} ${pct(r.oracle).padStart(7)}`);
console.log(JSON.stringify({ gemm_oracle: groups }));
