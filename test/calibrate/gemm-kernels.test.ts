import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GEMM_TIMES_FROM_ROWS, clusterCtasOf, deriveGemmKernels, formatGemmKernels, placeAmong, recordGemmTimeScales, tileOf, withOtherSide, withoutTimeScales } from '../../calibrate/gemm-kernels.js';
import { gemmAloneUs } from '../../sim/latency/roofline.js';
import type { OpRecord } from '../../calibrate/measurement.js';
import { parseMeasurementSet } from '../../calibrate/parse-measurements.js';
import { hopperLike } from '../util/fixtures.js';
import { expectInputError } from '../util/expect-input-error.js';

const META = {
  kind: 'meta', gpu: 'Test GPU', sm_count: 132, compute_capability: '9.0', memory_bytes: 1e11, l2_bytes: 6e7, driver: 'd', cuda_runtime: '13.0',
  date: '2026-12-05T00:00:00Z', partition: { min_sms: 8, alignment: 8, groups: Array(15).fill(8), remainder: 12 }, backend: 'torch',
};
const gemm = (n: number, dIn: number, dOut: number, sms: number, us: number, kernels: string[]) => ({
  id: `gemm-n${n}-${dIn}x${dOut}-s${sms}`, kind: 'op', op: 'gemm', sms, n, d_in: dIn, d_out: dOut, median_us: us, p10_us: us, p90_us: us, reps: 4, kernels,
});
const K2 = 'nvjet_sm90_tst_64x8_64x16_2x1_v_bz_TNT';
const K4 = 'nvjet_sm90_tst_64x8_64x16_4x1_v_bz_TNT';
const SPLITK = ['Memset (Device)', 'nvjet_sm90_tst_128x8_64x12_4x1_v_bz_splitK_TNT', 'void cublasLt::splitKreduce_kernel<32, 16>(...)'];

/** Shape A (2-CTA clusters) uses the remainder on 20 SMs; shape B (4-CTA) runs in its 8-SM time there. */
function records(extra: object[] = []) {
  const out: object[] = [];
  for (const n of [1, 64]) {
    out.push(gemm(n, 4096, 4096, 8, 100, [K2]), gemm(n, 4096, 4096, 20, 42, [K2]), gemm(n, 4096, 4096, 132, 10, [K2]));
    out.push(gemm(n, 4096, 6144, 8, 150, [K4]), gemm(n, 4096, 6144, 20, 149, [K4]), gemm(n, 4096, 6144, 132, 15, n === 64 ? SPLITK : [K4]));
  }
  return [META, ...out, ...extra].map((r) => JSON.stringify(r)).join('\n') + '\n';
}
const set = (text: string) => parseMeasurementSet([{ path: 'data/gemm-rows.jsonl', text }]);

test('cluster sizes are read from cuBLAS (nvjet) and CUTLASS-style kernel names; helpers carry none', () => {
  assert.equal(clusterCtasOf(K2), 2);
  assert.equal(clusterCtasOf('nvjet_sm90_tst_256x128_64x4_4x2_h_bz_coopA_TNT'), 8);
  assert.equal(clusterCtasOf('nvjet_sm90_tst_128x192_64x5_1x2_h_bz_coopB_TNN'), 2);
  assert.equal(clusterCtasOf('sm90_xmma_gemm_bf16bf16_cluster2x2x1_warpspecialized'), 4);
  assert.equal(clusterCtasOf('Memset (Device)'), null);
  assert.equal(clusterCtasOf('void cublasLt::splitKreduce_kernel<32, 16>(...)'), null);
  assert.deepEqual(tileOf('nvjet_sm90_tst_512x80_64x2_2x1_v_bz_coopA_TNT'), [512, 80]);
  assert.equal(tileOf('sm90_xmma_gemm_bf16bf16_cluster2x2x1_warpspecialized'), null);
});

test('the table: per shape the counts whose kernel clusters more CTAs than the remainder hosts, measured from the timings', () => {
  const d = deriveGemmKernels(hopperLike(), set(records()));
  assert.equal(d.maxCtasFrom, 'measured');
  assert.deepEqual(d.remainderRatios, [
    { ctas: 2, median: 0.42, count: 2 },
    { ctas: 4, median: 149 / 150, count: 2 },
  ]);
  assert.deepEqual(d.table.rows, [1, 64]);
  // Tiles from the names at the widest partition measured: the split-K kernel on 132 SMs is 128 x 8.
  assert.deepEqual(d.table.shapes, [
    { dIn: 4096, dOut: 4096, clusteredRows: [], tiles: [[64, 8], [64, 8]] },
    { dIn: 4096, dOut: 6144, clusteredRows: [1, 64], tiles: [[64, 8], [128, 8]] },
  ]);
  assert.equal(d.table.remainderMaxCtas, 2);
  assert.match(d.table.source, /^data\/gemm-rows\.jsonl: Test GPU, driver d, CUDA 13\.0, 2026-12-05T00:00:00Z \(torch\)$/);
  assert.deepEqual(d.inconsistent, []);
  assert.match(formatGemmKernels(d), /up to 2 CTAs \(measured\); 2 of 4 \(shape, rows\) run larger ones/);
});

test('placeAmong: the SM count whose time matches, interpolated in log time and log SMs; null outside or where time does not fall', () => {
  const t = (s: number) => ({ 8: 100, 16: 50, 24: 40, 32: 40 })[s] as number;
  // Halfway in log time between 100 and 50 is halfway in log SMs between 8 and 16: 8·√2.
  assert.ok(Math.abs((placeAmong([8, 16, 24], t, 100 / Math.SQRT2) as number) - 8 * Math.SQRT2) < 1e-9);
  assert.ok(Math.abs((placeAmong([8, 16, 24], t, 50) as number) - 16) < 1e-9);
  assert.equal(placeAmong([8, 16, 24], t, 120), null);
  assert.equal(placeAmong([8, 16, 24], t, 30), null);
  // A flat stretch (24 → 32) places nothing there.
  assert.equal(placeAmong([24, 32], t, 40), null);
});

test('narrow GEMMs on the remainder: placed among their own whole-group times; wide, clustered-out and 132-SM points left out', () => {
  const out: object[] = [];
  for (const n of [1, 64, 256]) {
    // 2-CTA kernel: 100 µs on 8 SMs, 50 on 16; on 20 (8 whole + the remainder) it takes 100/√2 (as on 11.3 whole SMs).
    out.push(gemm(n, 4096, 4096, 8, 100, [K2]), gemm(n, 4096, 4096, 16, 50, [K2]), gemm(n, 4096, 4096, 20, 100 / Math.SQRT2, [K2]), gemm(n, 4096, 4096, 132, 10, [K2]));
    // 4-CTA kernel: it cannot use the remainder (its clusters are too large), so it says nothing about its bandwidth.
    out.push(gemm(n, 4096, 6144, 8, 150, [K4]), gemm(n, 4096, 6144, 16, 75, [K4]), gemm(n, 4096, 6144, 20, 149, [K4]), gemm(n, 4096, 6144, 132, 15, [K4]));
  }
  const d = deriveGemmKernels(hopperLike(), set([META, ...out].map((r) => JSON.stringify(r)).join('\n') + '\n'));
  // n = 1 and 64 (narrow) of the 2-CTA shape only: two placements at 8·√2 = 11.3 SMs.
  assert.deepEqual(d.narrowOnRemainder, [{ sms: 20, groups: 8, count: 2, medianEffectiveSms: 11.3 }]);
  assert.match(formatGemmKernels(d), /20 SMs \(8 in whole groups\): median 11\.3 SMs \(n=2\)/);
  // Recorded in the table for the run's side (the first: its meta names none): 11.3 − 8 whole-group SMs drawn.
  assert.equal(d.side, 'first');
  assert.deepEqual(d.table.remainderSmsDrawn, { first: [{ smCount: 20, value: 3.3 }] });
  assert.match(formatGemmKernels(d), /the first groups\), time like[^]*the remainder SMs drawn: 3\.3/);
  // Without whole-group timings to place them among: none, and the summary says so.
  assert.deepEqual(deriveGemmKernels(hopperLike(), set(records())).narrowOnRemainder, []);
  assert.equal(deriveGemmKernels(hopperLike(), set(records())).table.remainderSmsDrawn, undefined);
  assert.match(formatGemmKernels(deriveGemmKernels(hopperLike(), set(records()))), /\(none timed on both\)/);
});

test('the other side: a run on the last groups adds its remainder SMs drawn to the first run\'s table, and nothing else', () => {
  // The same 2-CTA shape on both sides: on the first groups 20 SMs time like 11.3 whole SMs, on the last like 16.
  const run = (side: 'first' | 'last' | null, at20: number, gpu = 'Test GPU') => {
    const meta = { ...META, gpu, partition: { ...META.partition, ...(side ? { side } : {}) } };
    const out: object[] = [];
    for (const n of [1, 64]) {
      out.push(gemm(n, 4096, 4096, 8, 100, [K2]), gemm(n, 4096, 4096, 16, 50, [K2]), gemm(n, 4096, 4096, 20, at20, [K2]), gemm(n, 4096, 4096, 132, 10, [K2]));
      // A 4-CTA shape that cannot use the remainder, so the data shows which clusters do.
      out.push(gemm(n, 4096, 6144, 8, 150, [K4]), gemm(n, 4096, 6144, 16, 75, [K4]), gemm(n, 4096, 6144, 20, 149, [K4]), gemm(n, 4096, 6144, 132, 15, [K4]));
    }
    const data = parseMeasurementSet([{ path: `data/${side ?? 'none'}.jsonl`, text: [meta, ...out].map((r) => JSON.stringify(r)).join('\n') + '\n' }]);
    return { data, d: deriveGemmKernels(hopperLike(), data) };
  };
  const first = run(null, 100 / Math.SQRT2);
  const last = run('last', 50);
  assert.equal(last.d.side, 'last');
  assert.deepEqual(last.d.table.remainderSmsDrawn, { last: [{ smCount: 20, value: 8 }] });
  assert.match(last.d.table.source, /last groups/);
  const table = withOtherSide(first.d, first.data, last.d, last.data);
  assert.deepEqual(table.remainderSmsDrawn, { first: [{ smCount: 20, value: 3.3 }], last: [{ smCount: 20, value: 8 }] });
  assert.deepEqual(table.shapes, first.d.table.shapes);
  assert.match(table.source, /^data\/none\.jsonl: .*; last side: data\/last\.jsonl/);
  // Two runs of one side, or of two GPUs, are refused at the second run's file.
  expectInputError(() => withOtherSide(first.d, first.data, run('first', 60).d, run('first', 60).data), [{ code: 'calib.same-side', file: 'data/first.jsonl', field: 'partition.side' }]);
  expectInputError(() => withOtherSide(first.d, first.data, run('last', 50, 'Other GPU').d, run('last', 50, 'Other GPU').data), [{ code: 'calib.mixed-gpus', file: 'data/last.jsonl', field: 'gpu' }]);
});

test('a record without a readable cluster is left out and named; a kernel that differs by partition is reported', () => {
  const odd = gemm(1, 4096, 4096, 16, 50, ['Memset (Device)']);
  const changed = gemm(64, 4096, 4096, 16, 50, [K4]);
  const d = deriveGemmKernels(hopperLike(), set(records([odd, changed])));
  assert.deepEqual(d.unreadable, ['gemm-n1-4096x4096-s16']);
  assert.equal(d.inconsistent.length, 1);
  assert.match(d.inconsistent[0], /^4096x4096 at 64 rows \(.*16 SMs: 4/);
  // The whole-GPU choice (2 CTAs) is kept.
  assert.deepEqual(d.table.shapes[0].clusteredRows, []);
});

test('without a remainder timing the cluster limit must be given; data without kernel names is refused, located', () => {
  const only132 = [META, gemm(1, 8, 8, 132, 5, [K4])].map((r) => JSON.stringify(r)).join('\n') + '\n';
  expectInputError(() => deriveGemmKernels(hopperLike(), set(only132)), [{ code: 'calib.remainder-clusters', file: 'data/gemm-rows.jsonl', field: 'kernels' }]);
  assert.deepEqual(deriveGemmKernels(hopperLike(), set(only132), 2).table.shapes, [{ dIn: 8, dOut: 8, clusteredRows: [1], tiles: [[64, 8]] }]);
  const { kernels: _k, ...bare } = gemm(1, 8, 8, 132, 5, [K4]);
  expectInputError(() => deriveGemmKernels(hopperLike(), set([META, bare].map((r) => JSON.stringify(r)).join('\n') + '\n')), [{ code: 'calib.no-kernel-names' }]);
});

test('a kernel name that is not a string is refused with its line and field', () => {
  const bad = [META, { ...gemm(1, 8, 8, 132, 5, []), kernels: ['ok_kernel', 7] }].map((r) => JSON.stringify(r)).join('\n') + '\n';
  expectInputError(() => set(bad), [{ line: 2, field: 'kernels[1]' }]);
});

test("recorded time factors: cuBLAS's time over the model's per (shape, count), over their median; 1 below GEMM_TIMES_FROM_ROWS", () => {
  const hw = hopperLike();
  const rows = [64, 256, 512, 1040];
  const table = { source: 'test', remainderMaxCtas: 2, rows, shapes: [{ dIn: 4096, dOut: 4096, clusteredRows: [] }, { dIn: 5120, dOut: 5120, clusteredRows: [] }] };
  const planted: Record<string, number[]> = { '4096x4096': [3, 1, 1, 1.2], '5120x5120': [0.5, 2, 2, 2.6] };
  const recs: OpRecord[] = [];
  for (const sh of table.shapes)
    rows.forEach((n, i) => {
      for (const sms of [12, 16, 20, 64, 132]) {
        // The remainder alone (12 SMs) times a wild value: it must be left out.
        const us = sms === 12 ? 1e6 : planted[`${sh.dIn}x${sh.dOut}`][i] * gemmAloneUs(hw, n, sh.dIn, sh.dOut, 2, sms);
        recs.push({ kind: 'op', id: `g${n}-${sms}`, source: { file: 'f', line: 1 }, smCount: sms, medianUs: us, p10Us: us, p90Us: us, shape: { op: 'gemm', n, dIn: sh.dIn, dOut: sh.dOut }, check: null } as OpRecord);
      }
    });
  const out = recordGemmTimeScales(hw, table, recs);
  assert.ok(GEMM_TIMES_FROM_ROWS > 64 && GEMM_TIMES_FROM_ROWS <= 256);
  // The median of {1, 1, 1.2, 2, 2, 2.6}, taken in logs, is √(1.2 · 2): every factor over it, 64 tokens at 1.
  const level = Math.sqrt(1.2 * 2);
  const expect = { '4096x4096': [1, 1 / level, 1 / level, 1.2 / level], '5120x5120': [1, 2 / level, 2 / level, 2.6 / level] };
  for (const sh of out.shapes) {
    const want = expect[`${sh.dIn}x${sh.dOut}` as keyof typeof expect];
    sh.timeScale!.forEach((x, i) => assert.ok(Math.abs(x - want[i]) < 0.005 * want[i], `${sh.dIn}x${sh.dOut} at ${rows[i]}: ${x} vs ${want[i]}`));
  }
  // Recorded again from a table that already has factors: the model's own time is the reference, not the scaled one.
  assert.deepEqual(recordGemmTimeScales({ ...hw, perf: { ...hw.perf, gemmKernels: out } }, out, recs), out);
  assert.deepEqual(withoutTimeScales(out), table);
  // No timing of a listed shape: the table comes back without factors.
  assert.deepEqual(recordGemmTimeScales(hw, table, []), table);
});
