/**
 * `node dist/test/bench/clock-duty.js <hardware> <folder>...` (after `npm run build`): what the serving clock regime's
 * gain over back to back depends on, read from the clock_regime records of calibrate/data/<folder>. An analysis, not a
 * test: it judges no target.
 *
 * Per record: the prefill's SMs, the decode steps interleaved per prefill (k), the prefill's duty (its share of the
 * serving cycle's time: serving ÷ (serving + k · decode step)), the compute-bound time scale each regime implies
 * against the calibration (ClockRegimeSpec's per-record estimate: (measured − memory part) ÷ compute part) and their
 * ratio q = serving ÷ back to back, with the NVML clocks sampled in each regime and, under a power model
 * (`clockRegime.power`), the clocks it gives the two windows. One serving scale for every record cannot hold (q = 1 on
 * 64 SMs, where back to back is not power-capped; lower duty, lower q on 132); the power model's clocks follow both.
 * Prints text and one JSON line.
 */
import { join } from 'node:path';
import { loadHardware } from '../../sim/config/load-hardware.js';
import { predictIteration } from '../../sim/latency/roofline.js';
import { packageRoot } from '../../sim/trace/bundled.js';
import { loadData } from '../../calibrate/load-data.js';
import { usableClock } from '../../calibrate/fit-clock.js';
import { predictClockRecord } from '../../calibrate/predict-record.js';

const [hwName, ...folderNames] = process.argv.slice(2);
if (!hwName || folderNames.length === 0) {
  process.stderr.write('usage: clock-duty.js <hardware> <folder>...\n');
  process.exit(2);
}
const root = packageRoot();
const hw = loadHardware(hwName, { cwd: root, useServingCorrection: false });
const rows: {
  id: string;
  sms: number;
  k: number;
  duty: number;
  backToBackScale: number;
  servingScale: number;
  q: number;
  backToBackMhz: number | null;
  servingMhz: number | null;
  modelledMhz: { backToBack: number; serving: number } | null;
}[] = [];
for (const folder of folderNames) {
  const loaded = loadData(root, [join('calibrate', 'data', folder)], undefined);
  for (const r of loaded.data.records) {
    if (r.kind !== 'clock_regime' || !usableClock(r)) continue;
    const p = predictIteration(loaded.models[r.model], hw, r.batch, { smCount: r.smCount, partnerSmCount: 0, launch: 'graph', tpDegree: 1, clockRegime: 'calibration' });
    let computeUs = 0;
    for (const c of p.breakdown) computeUs += c.us * c.computeBoundShare;
    const memoryUs = p.gpuUs - computeUs;
    const backToBackScale = (r.backToBackUs - memoryUs) / computeUs;
    const servingScale = (r.servingUs - memoryUs) / computeUs;
    const clock = predictClockRecord(loaded.models, hw, r).clock;
    rows.push({
      id: r.id,
      sms: r.smCount,
      k: r.lookahead,
      duty: r.servingUs / (r.servingUs + r.lookahead * r.decodeServingUs),
      backToBackScale,
      servingScale,
      q: servingScale / backToBackScale,
      backToBackMhz: r.backToBackClock.smClockMhz,
      servingMhz: r.servingClock.smClockMhz,
      modelledMhz: clock ? { backToBack: Math.round(clock.backToBackMhz), serving: Math.round(clock.servingMhz) } : null,
    });
  }
}
rows.sort((a, b) => a.sms - b.sms || b.duty - a.duty);
const spec = hw.perf.clockRegime;
const form = spec?.power ? 'power model' : `serving ${spec?.servingComputeScale ?? '–'}`;
const out = [`${hw.name}: ${folderNames.join(', ')}; shipped: back to back ${spec?.backToBackComputeScale ?? '–'}, ${form}`];
out.push('  SMs   k  duty   back-to-back  serving      q   MHz b2b/serving  modelled  id');
for (const r of rows) {
  const mhz = `${r.backToBackMhz ?? '–'}/${r.servingMhz ?? '–'}`;
  const modelled = r.modelledMhz ? `${r.modelledMhz.backToBack}/${r.modelledMhz.serving}` : '–';
  out.push(`  ${String(r.sms).padStart(3)} ${String(r.k).padStart(3)}  ${r.duty.toFixed(2)}  ${r.backToBackScale.toFixed(3).padStart(12)}  ${r.servingScale.toFixed(3).padStart(7)}  ${r.q.toFixed(3)}  ${mhz.padStart(15)}  ${modelled.padStart(9)}  ${r.id}`);
}
process.stdout.write(out.join('\n') + '\n' + JSON.stringify({ clock_duty: rows }) + '\n');
