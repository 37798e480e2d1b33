/**
 * `node dist/test/bench/partner-power.js <hardware> <folder> [folder…]` (after `npm run build`; folders under
 * calibrate/data): what a pair's partner does to the clock both lanes share (BENCHMARKS.md, "What the partner does to
 * the shared clock"). An analysis, not a test: it judges no target.
 *  1. Continuous pairs by the prefill partner's batch and the decode lane's SM count: the decode lane's measured slowdown
 *     (beside ÷ alone), the NVML clock while it was timed (where the record has one), the model's signed error on that lane
 *     (the hardware YAML as shipped), and what the model knows of the partner — its compute-bound share of time, which the
 *     contention form reads, and its tensor rate (FLOP/s over Π(all SMs)), which it does not.
 *  2. Forwards alone that carry a clock, on the large partitions where a prefill meets the power cap (96 SMs and up): the
 *     Pearson correlation of the clock with each of the two readings, per SM count.
 * Prints text and one JSON line.
 */
import { join } from 'node:path';
import { loadHardware } from '../../sim/config/load-hardware.js';
import { predictIteration } from '../../sim/latency/roofline.js';
import { curveAt } from '../../sim/latency/curve.js';
import { packageRoot } from '../../sim/trace/bundled.js';
import { loadData } from '../../calibrate/load-data.js';
import { median } from '../../calibrate/error-stats.js';
import { predictPair } from '../../calibrate/predict-record.js';
import { batchLabel } from '../../calibrate/validate.js';
import type { ConcurrentRecord, ForwardRecord } from '../../calibrate/measurement.js';
import type { HardwareSpec, PartitionSide } from '../../sim/hardware/hardware-spec.js';
import type { ModelSpec } from '../../sim/model/model-spec.js';
import type { IterationBatch } from '../../sim/latency/iteration-batch.js';

const [hwName, ...folders] = process.argv.slice(2);
if (!hwName || folders.length === 0) {
  process.stderr.write('usage: partner-power.js <hardware> <folder under calibrate/data> [folder…]\n');
  process.exit(2);
}
const root = packageRoot();
const hw = loadHardware(hwName, { cwd: root, useServingCorrection: false });

/** What the model knows of a batch alone on `sms` SMs: its compute-bound share and its FLOP/s over Π(all SMs). */
function readings(model: ModelSpec, spec: HardwareSpec, batch: IterationBatch, sms: number, side: PartitionSide): { computeBoundShare: number; tensorRate: number } {
  const p = predictIteration(model, spec, batch, { smCount: sms, partnerSmCount: 0, launch: 'graph', tpDegree: 1, clockRegime: 'calibration', partitionSide: side });
  // One forward gives both: the classes' FLOPs, and their compute-bound µs (what partnerLoadOf reads as the share).
  let flops = 0;
  let computeBoundUs = 0;
  for (const b of p.breakdown) {
    flops += b.flops;
    computeBoundUs += b.us * b.computeBoundShare;
  }
  const wholeFlopsPerUs = curveAt(spec.perf.computeFlopsPerS, spec.smCount) / 1e6;
  if (!(p.gpuUs > 0)) return { computeBoundShare: 0, tensorRate: 0 };
  return { computeBoundShare: Math.min(1, computeBoundUs / p.gpuUs), tensorRate: flops / p.gpuUs / wholeFlopsPerUs };
}

const fmt = (v: number | null, digits = 3): string => (v === null || !Number.isFinite(v) ? '–' : v.toFixed(digits));

function pearson(xs: readonly number[], ys: readonly number[]): number | null {
  const n = xs.length;
  if (n < 3) return null;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (xs[i] - mx) * (ys[i] - my);
    sxx += (xs[i] - mx) ** 2;
    syy += (ys[i] - my) ** 2;
  }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : null;
}

const out: Record<string, unknown>[] = [];
for (const folder of folders) {
  const loaded = loadData(root, [join('calibrate', 'data', folder)], undefined);
  const pairs = loaded.data.records.filter((r): r is ConcurrentRecord => r.kind === 'concurrent' && r.partnerCovered && r.method === 'continuous');
  const groups = new Map<string, ConcurrentRecord[]>();
  for (const r of pairs) {
    const key = `${batchLabel(r.prefillBatch)}|${r.decodeSmCount}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const rows = [...groups.entries()]
    .map(([key, rs]) => {
      const [partner, sms] = key.split('|');
      const clocks = rs.map((r) => r.decodeClock?.smClockMhz).filter((v): v is number => typeof v === 'number' && v > 0);
      // A pair's prefill runs on the first groups (PartitionSide).
      const partnerReadings = rs.map((r) => readings(loaded.models[r.model], hw, r.prefillBatch, r.prefillSmCount, 'first'));
      return {
        partner,
        decodeSms: Number(sms),
        n: rs.length,
        slowdown: median(rs.map((r) => r.decodeConcurrentUs / r.decodeAloneUs)),
        clockMhz: clocks.length > 0 ? median(clocks) : null,
        decodeSignedError: median(rs.map((r) => predictPair(loaded.models, hw, r).decodeUs / r.decodeConcurrentUs - 1)),
        partnerComputeBoundShare: median(partnerReadings.map((x) => x.computeBoundShare)),
        partnerTensorRate: median(partnerReadings.map((x) => x.tensorRate)),
      };
    })
    .sort((a, b) => a.decodeSms - b.decodeSms || a.partner.localeCompare(b.partner));
  process.stdout.write(`\n${folder}: ${pairs.length} continuous pairs (${hw.name}, the YAML as shipped)\n`);
  if (rows.length > 0) {
    process.stdout.write('prefill partner   decode SMs   n   decode slowdown   clock MHz   model error (decode)   partner compute-bound share   partner tensor rate\n');
    for (const r of rows) {
      process.stdout.write(
        `${r.partner.padEnd(17)} ${String(r.decodeSms).padStart(10)} ${String(r.n).padStart(3)} ${fmt(r.slowdown).padStart(17)} ${fmt(r.clockMhz, 0).padStart(11)} ${`${(100 * r.decodeSignedError).toFixed(1)}%`.padStart(22)} ${fmt(r.partnerComputeBoundShare).padStart(29)} ${fmt(r.partnerTensorRate).padStart(21)}\n`,
      );
    }
  }
  const forwards = loaded.data.records.filter((r): r is ForwardRecord => r.kind === 'forward' && r.batch.prefills.length > 0 && (r.clock?.smClockMhz ?? 0) > 0 && r.smCount >= 96);
  const bySms = new Map<number, ForwardRecord[]>();
  for (const r of forwards) bySms.set(r.smCount, [...(bySms.get(r.smCount) ?? []), r]);
  const correlations = [...bySms.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([sms, rs]) => {
      const x = rs.map((r) => readings(loaded.models[r.model], hw, r.batch, r.smCount, r.partitionSide ?? 'first'));
      const mhz = rs.map((r) => r.clock?.smClockMhz as number);
      return { sms, n: rs.length, clockRange: [Math.min(...mhz), Math.max(...mhz)], byTensorRate: pearson(x.map((v) => v.tensorRate), mhz), byComputeBoundShare: pearson(x.map((v) => v.computeBoundShare), mhz) };
    });
  if (correlations.length > 0) {
    process.stdout.write('forwards with a prefill, alone, with a clock: Pearson r of the clock with the model’s reading\nSMs    n   clock MHz      r (tensor rate)   r (compute-bound share)\n');
    for (const c of correlations) {
      process.stdout.write(`${String(c.sms).padEnd(5)} ${String(c.n).padStart(3)}   ${`${c.clockRange[0]}–${c.clockRange[1]}`.padEnd(12)} ${fmt(c.byTensorRate, 2).padStart(17)} ${fmt(c.byComputeBoundShare, 2).padStart(25)}\n`);
    }
  }
  out.push({ folder, pairs: rows, forwardClockCorrelations: correlations });
}
process.stdout.write(`${JSON.stringify({ hardware: hw.name, folders: out })}\n`);
