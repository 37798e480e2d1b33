import { test } from 'node:test';
import assert from 'node:assert/strict';
import { combineRuns, formatRepeats } from '../../calibrate/combine-runs.js';
import { deriveGemmKernels } from '../../calibrate/gemm-kernels.js';
import { parseMeasurementSet } from '../../calibrate/parse-measurements.js';
import { hopperLike } from '../util/fixtures.js';
import { expectInputError } from '../util/expect-input-error.js';

const meta = (date: string, side?: 'first' | 'last', gpu = 'Test GPU') => ({
  kind: 'meta', gpu, sm_count: 132, compute_capability: '9.0', memory_bytes: 1e11, l2_bytes: 6e7, driver: 'd', cuda_runtime: '13.0', date,
  partition: { min_sms: 8, alignment: 8, groups: Array(15).fill(8), remainder: 12, ...(side ? { side } : {}) }, backend: 'torch',
});
const gemm = (n: number, dIn: number, dOut: number, sms: number, us: number, kernel: string) => ({
  id: `gemm-n${n}-${dIn}x${dOut}-s${sms}`, kind: 'op', op: 'gemm', sms, n, d_in: dIn, d_out: dOut, median_us: us, p10_us: us, p90_us: us, reps: 4, kernels: [kernel],
});
const K2 = 'nvjet_sm90_tst_64x8_64x16_2x1_v_bz_TNT';
const K4 = 'nvjet_sm90_tst_64x8_64x16_4x1_v_bz_TNT';
const run = (path: string, m: object, records: object[]) => parseMeasurementSet([{ path, text: [m, ...records].map((r) => JSON.stringify(r)).join('\n') + '\n' }]);

/** One shape timed on 8, 20 and 132 SMs (its cluster and times). */
const shape = (dIn: number, dOut: number, kernel: string, us: [number, number, number]) =>
  [1, 64].flatMap((n) => [gemm(n, dIn, dOut, 8, us[0], kernel), gemm(n, dIn, dOut, 20, us[1], kernel), gemm(n, dIn, dOut, 132, us[2], kernel)]);

// Two gemm-rows runs as the shipped models' and a user's own model give them: the second repeats the one shape the two
// architectures share (4096 x 4096, at 1.1x its time, one call on other kernels) and adds its own (4096 x 28672).
const qwen = run('qwen/gemm-rows.jsonl', meta('2026-12-05T00:00:00Z'), [...shape(4096, 4096, K2, [100, 42, 10]), ...shape(4096, 6144, K4, [150, 149, 15])]);
const llamaRecords = [...shape(4096, 4096, K2, [110, 46.2, 11]), ...shape(4096, 28672, K4, [600, 598, 60])];
llamaRecords[0] = { ...llamaRecords[0], kernels: [K4] };
const llama = run('llama/gemm-rows.jsonl', meta('2026-12-07T00:00:00Z'), llamaRecords);

test('runs combine: every shape once, the first run kept where an experiment repeats, each run named with its own date', () => {
  const c = combineRuns([qwen, llama], '--gemm-kernels');
  assert.equal(c.data.records.length, 6 + 6 + 6);
  const kept = c.data.records.find((r) => r.id === 'gemm-n1-4096x4096-s8');
  assert.equal(kept?.source.file, 'qwen/gemm-rows.jsonl', "the first run's record");
  assert.deepEqual(c.data.files.map((f) => f.path), ['qwen/gemm-rows.jsonl', 'llama/gemm-rows.jsonl']);
  assert.equal(c.side, 'first');
  // Six repeats, each at 1.1x the kept time; one launched another kernel.
  assert.equal(c.repeats.count, 6);
  assert.ok(Math.abs((c.repeats.medianRatio ?? 0) - 1.1) < 1e-12);
  assert.equal(c.repeats.otherKernels, 1);
  assert.match(formatRepeats(c.repeats), /^6 experiments measured again by a later run \(first run's kept; the repeats at 1\.100 of its time by median, 1 on other kernels\)$/);
  assert.equal(c.source, 'qwen/gemm-rows.jsonl: Test GPU, driver d, CUDA 13.0, 2026-12-05T00:00:00Z (torch); llama/gemm-rows.jsonl: Test GPU, driver d, CUDA 13.0, 2026-12-07T00:00:00Z (torch)');
  // The table derived from both lists the three shapes; the shared one as the first run timed it.
  const d = deriveGemmKernels(hopperLike(), c.data, undefined, c.source);
  assert.deepEqual(d.table.shapes.map((s) => [s.dIn, s.dOut, s.clusteredRows]), [[4096, 4096, []], [4096, 6144, [1, 64]], [4096, 28672, [1, 64]]]);
  assert.equal(d.table.source, c.source);
  assert.equal(d.inconsistent.length, 0, "the repeat's other kernel is not read");
});

test('one run is itself: nothing repeated, its source as a single run always read', () => {
  const c = combineRuns([qwen], '--gemm-kernels');
  assert.deepEqual(c.data.records, qwen.records);
  assert.deepEqual(c.repeats, { count: 0, medianRatio: null, otherKernels: 0 });
  assert.equal(formatRepeats(c.repeats), '');
  assert.equal(deriveGemmKernels(hopperLike(), c.data, undefined, c.source).table.source, deriveGemmKernels(hopperLike(), qwen).table.source);
});

test('runs of another GPU or the other side of the groups are refused, located at the run that breaks it', () => {
  const h200 = run('h200/gemm-rows.jsonl', meta('2026-12-07T00:00:00Z', undefined, 'Other GPU'), shape(4096, 28672, K4, [600, 598, 60]));
  expectInputError(() => combineRuns([qwen, h200], '--gemm-kernels'), [{ code: 'calib.mixed-gpus', file: 'h200/gemm-rows.jsonl', field: 'gpu' }]);
  const last = run('last/gemm-rows.jsonl', meta('2026-12-07T00:00:00Z', 'last'), shape(4096, 28672, K4, [600, 598, 60]));
  const [side] = expectInputError(() => combineRuns([qwen, last], '--gemm-kernels'), [{ code: 'calib.mixed-sides', file: 'last/gemm-rows.jsonl', field: 'partition.side' }]);
  assert.match(side.message, /--gemm-kernels-other-side/);
  expectInputError(() => combineRuns([], '--gemm-kernels'), [{ code: 'calib.no-data', field: '--gemm-kernels' }]);
});
