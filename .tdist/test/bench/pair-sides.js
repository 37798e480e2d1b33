/**
 * `node dist/test/bench/pair-sides.js <hardware> <reference folder> <validation folder> [remainder folder]` (after
 * `npm run build`): the figures behind the seventh round of issue 11 (BENCHMARKS.md, "H100"), read from measured
 * concurrent pairs and forwards. An analysis, not a test: it judges no target.
 *  1. Which groups a partition holds: a pair's decode side is the last 8-SM groups (plus the GPC remainder), a forward
 *     alone the first. For every pair whose decode batch and SM count were also timed alone as a forward, the forward's
 *     time over the pair's `decode_alone_us`, by decode SM count (min–max).
 *  2. A prefill's slowdown beside decodes (prefill concurrent ÷ alone) by the decodes' SM count.
 *  3. The model's decode slowdown beside the prefill (predicted concurrent ÷ predicted alone) against the measured one,
 *     medians over the validation pairs, and the median error of the decodes' predicted alone time.
 *  4. That slowdown by decode batch: measured, predicted, predicted with the power term on all of the lane's
 *     compute-bound time (SharedContention.exposure 'full'), and the lanes' own compute-bound share alone.
 * Prints text and one JSON line.
 */
import { join } from 'node:path';
import { loadHardware } from '../../sim/config/load-hardware.js';
import { partnerLoadOf, predictIteration } from '../../sim/latency/roofline.js';
import { packageRoot } from '../../sim/trace/bundled.js';
import { loadData } from '../../calibrate/load-data.js';
import { median } from '../../calibrate/error-stats.js';
import { predictConcurrentDecodeUs } from '../../calibrate/predict-record.js';
const [hwName, referenceFolder, validationFolder, remainderFolder] = process.argv.slice(2);
if (!hwName || !referenceFolder || !validationFolder) {
    process.stderr.write('usage: pair-sides.js <hardware> <reference folder> <validation folder> [remainder folder]\n');
    process.exit(2);
}
const root = packageRoot();
const hw = loadHardware(hwName, { cwd: root, useServingCorrection: false });
const folders = [referenceFolder, validationFolder, ...(remainderFolder ? [remainderFolder] : [])].map((f) => loadData(root, [join('calibrate', 'data', f)], undefined));
const forwards = new Map();
const pairs = [];
for (const f of folders) {
    for (const r of f.data.records) {
        if (r.kind === 'forward' && r.batch.prefills.length === 0)
            forwards.set(`${r.model}/${r.smCount}/${r.batch.decodeCount}/${r.batch.decodeContextTokens}`, r);
        if (r.kind === 'concurrent' && r.partnerCovered)
            pairs.push(r);
    }
}
const range = (xs) => `${Math.min(...xs).toFixed(3)}–${Math.max(...xs).toFixed(3)} (n=${xs.length})`;
const bySms = (rows) => {
    const m = new Map();
    for (const r of rows)
        m.set(r.sms, [...(m.get(r.sms) ?? []), r.v]);
    return [...m.entries()].sort((a, b) => a[0] - b[0]);
};
const sides = bySms(pairs.flatMap((p) => {
    const f = forwards.get(`${p.model}/${p.decodeSmCount}/${p.decodeBatch.decodeCount}/${p.decodeBatch.decodeContextTokens}`);
    return f ? [{ sms: p.decodeSmCount, v: f.medianUs / p.decodeAloneUs }] : [];
}));
const slowdown = bySms(pairs.map((p) => ({ sms: p.decodeSmCount, v: p.prefillConcurrentUs / p.prefillAloneUs })));
const validation = folders[1];
const vPairs = validation.data.records.filter((r) => r.kind === 'concurrent' && r.partnerCovered);
const alone = (r) => predictIteration(validation.models[r.model], hw, r.decodeBatch, { smCount: r.decodeSmCount, partnerSmCount: 0, launch: 'graph', tpDegree: 1, clockRegime: 'calibration' }).gpuUs;
const predSlow = median(vPairs.map((r) => predictConcurrentDecodeUs(validation.models, hw, r) / alone(r)));
const measSlow = median(vPairs.map((r) => r.decodeConcurrentUs / r.decodeAloneUs));
const aloneErr = median(vPairs.map((r) => alone(r) / r.decodeAloneUs - 1));
// 4. The same slowdown by decode batch (count × context per sequence), measured and predicted (min–max over the
// validation pairs), with the lanes' own compute-bound share alone, and what the shipped coefficients would predict
// with the power term on all of the lane's compute-bound time (exposure 'full'): what the exposure choice changes.
const shared = hw.perf.contention.shared;
const fullHw = shared ? { ...hw, perf: { ...hw.perf, contention: { ...hw.perf.contention, shared: { ...shared, exposure: undefined } } } } : hw;
const byBatch = new Map();
for (const r of vPairs) {
    const key = `${r.decodeBatch.decodeCount}x${r.decodeBatch.decodeContextTokens / r.decodeBatch.decodeCount}`;
    const row = byBatch.get(key) ?? { measured: [], predicted: [], full: [], ownShare: [] };
    byBatch.set(key, row);
    const a = alone(r);
    row.measured.push(r.decodeConcurrentUs / r.decodeAloneUs);
    row.predicted.push(predictConcurrentDecodeUs(validation.models, hw, r) / a);
    row.full.push(predictConcurrentDecodeUs(validation.models, fullHw, r) / a);
    const load = partnerLoadOf(validation.models[r.model], hw, r.decodeBatch, r.decodeSmCount, 1, 'calibration');
    row.ownShare.push(load.computeShare / load.smShare);
}
const out = [`${hw.name}: ${referenceFolder}, ${validationFolder}${remainderFolder ? `, ${remainderFolder}` : ''}`];
out.push('1. forward alone (first groups) ÷ pair decode alone (last groups), by decode SM count:');
for (const [sms, v] of sides)
    out.push(`   ${String(sms).padStart(3)} SMs: ${range(v)}`);
out.push("2. prefill slowdown beside decodes (concurrent ÷ alone), by the decodes' SM count:");
for (const [sms, v] of slowdown)
    out.push(`   ${String(sms).padStart(3)} SMs: ${range(v)}`);
out.push(`3. validation pairs (${vPairs.length}): decode slowdown predicted ${predSlow.toFixed(3)} vs measured ${measSlow.toFixed(3)} (medians); decode alone predicted ${(aloneErr * 100).toFixed(1)}% off (median, signed)`);
out.push(`4. decode slowdown beside the prefill by decode batch (validation pairs): measured; predicted (exposure ${shared?.exposure ?? 'full'}); predicted with exposure full; own compute-bound share`);
for (const [key, v] of [...byBatch.entries()].sort())
    out.push(`   ${key.padStart(8)}: ${range(v.measured)}; ${range(v.predicted)}; ${range(v.full)}; ${range(v.ownShare)}`);
process.stdout.write(out.join('\n') + '\n');
process.stdout.write(JSON.stringify({ sides: Object.fromEntries(sides), prefill_slowdown: Object.fromEntries(slowdown), predicted_decode_slowdown: predSlow, measured_decode_slowdown: measSlow, decode_alone_error: aloneErr, decode_slowdown_by_batch: Object.fromEntries(byBatch) }) + '\n');
