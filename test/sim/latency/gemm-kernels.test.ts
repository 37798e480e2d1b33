import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SIMILAR_SHAPE, gemmClusterShare, gemmRecordedTile, gemmTimeScale } from '../../../sim/latency/gemm-kernels.js';
import type { GemmKernelTable } from '../../../sim/hardware/hardware-spec.js';

const TABLE: GemmKernelTable = {
  source: 'test',
  remainderMaxCtas: 2,
  rows: [1, 64, 128, 512],
  shapes: [
    { dIn: 4096, dOut: 6144, clusteredRows: [1, 64], tiles: [[64, 8], [64, 64], [128, 128], [256, 128]] },
    { dIn: 4096, dOut: 4096, clusteredRows: [128] },
  ],
};

test('at a recorded token count the share is the recorded choice', () => {
  assert.equal(gemmClusterShare(TABLE, 1, 4096, 6144), 1);
  assert.equal(gemmClusterShare(TABLE, 64, 4096, 6144), 1);
  assert.equal(gemmClusterShare(TABLE, 128, 4096, 6144), 0);
  assert.equal(gemmClusterShare(TABLE, 128, 4096, 4096), 1);
  assert.equal(gemmClusterShare(TABLE, 512, 4096, 4096), 0);
});

test('between two recorded counts the share is interpolated in n; outside them the nearest holds', () => {
  // 4096 x 6144: 1 at 64, 0 at 128 -> 96 is halfway.
  assert.equal(gemmClusterShare(TABLE, 96, 4096, 6144), 0.5);
  assert.equal(gemmClusterShare(TABLE, 80, 4096, 6144), 0.75);
  // 4096 x 4096: 1 at 128, 0 at 512 -> 224 is a quarter of the way.
  assert.equal(gemmClusterShare(TABLE, 224, 4096, 4096), 0.75);
  assert.equal(gemmClusterShare(TABLE, 100_000, 4096, 6144), 0);
  assert.equal(gemmClusterShare(TABLE, 0.5, 4096, 6144), 1);
});

test('a shape the table does not list gets the share of listed shapes clustered at that count', () => {
  assert.equal(gemmClusterShare(TABLE, 1, 5120, 5120), 0.5);
  assert.equal(gemmClusterShare(TABLE, 128, 151936, 4096), 0.5);
  assert.equal(gemmClusterShare(TABLE, 512, 5120, 5120), 0);
  // Between 64 (0.5) and 128 (0.5): 0.5.
  assert.equal(gemmClusterShare(TABLE, 100, 5120, 5120), 0.5);
});

test('the recorded tile is the one at the largest recorded count not above n; none for a shape without tiles', () => {
  assert.deepEqual(gemmRecordedTile(TABLE, 1, 4096, 6144), [64, 8]);
  assert.deepEqual(gemmRecordedTile(TABLE, 100, 4096, 6144), [64, 64]);
  assert.deepEqual(gemmRecordedTile(TABLE, 128, 4096, 6144), [128, 128]);
  assert.deepEqual(gemmRecordedTile(TABLE, 511, 4096, 6144), [128, 128]);
  assert.deepEqual(gemmRecordedTile(TABLE, 9000, 4096, 6144), [256, 128]);
  assert.deepEqual(gemmRecordedTile(TABLE, 0.5, 4096, 6144), [64, 8]);
  assert.equal(gemmRecordedTile(TABLE, 128, 4096, 4096), null);
  assert.equal(gemmRecordedTile(TABLE, 128, 151936, 4096), null);
});

test('recorded tiles: an unlisted shape takes the tiles of the nearest listed one that has tiles, within SIMILAR_SHAPE', () => {
  // 5120 x 5120 is within SIMILAR_SHAPE of both listed shapes; only 4096 x 6144 records tiles.
  assert.deepEqual(gemmRecordedTile(TABLE, 100, 5120, 5120), [64, 64]);
  assert.deepEqual(gemmRecordedTile(TABLE, 600, 4096, 7168), [256, 128]);
  // Llama-3.1-8B's gate/up projection beside Qwen3-8B's, nearer than a 4096 x 6144 with tiles of its own.
  const llama: GemmKernelTable = {
    ...TABLE,
    shapes: [...TABLE.shapes, { dIn: 4096, dOut: 24576, clusteredRows: [], tiles: [[192, 8], [192, 64], [192, 128], [192, 192]] }],
  };
  assert.deepEqual(gemmRecordedTile(llama, 544, 4096, 28672), [192, 192]);
  // Farther than SIMILAR_SHAPE in one dimension (an LM head): none, the fitted tile prices it.
  assert.equal(gemmRecordedTile(TABLE, 128, Math.ceil(4096 * SIMILAR_SHAPE) + 1, 6144), null);
  // Asked twice (the memo), the same answer.
  assert.deepEqual(gemmRecordedTile(TABLE, 100, 5120, 5120), [64, 64]);
});

const TIMED: GemmKernelTable = {
  ...TABLE,
  shapes: [
    { dIn: 4096, dOut: 6144, clusteredRows: [], timeScale: [1, 1, 1.2, 0.9] },
    { dIn: 4096, dOut: 24576, clusteredRows: [], timeScale: [1, 1, 1.5, 1.1] },
    { dIn: 4096, dOut: 4096, clusteredRows: [] },
  ],
};

test('time scale: the recorded factor at a recorded count, interpolated in n between, the nearest outside', () => {
  assert.equal(gemmTimeScale(TIMED, 128, 4096, 6144), 1.2);
  assert.equal(gemmTimeScale(TIMED, 512, 4096, 6144), 0.9);
  // 1.2 at 128, 0.9 at 512: 320 is halfway.
  assert.ok(Math.abs(gemmTimeScale(TIMED, 320, 4096, 6144) - 1.05) < 1e-12);
  assert.equal(gemmTimeScale(TIMED, 9000, 4096, 24576), 1.1);
  assert.equal(gemmTimeScale(TIMED, 1, 4096, 24576), 1);
  // A listed shape without factors, and a table without any: the roofline's own time.
  assert.equal(gemmTimeScale(TIMED, 128, 4096, 4096), 1);
  assert.equal(gemmTimeScale(TABLE, 128, 4096, 6144), 1);
});

test('time scale: an unlisted shape takes the factors of the nearest listed one within SIMILAR_SHAPE in both dimensions, else 1', () => {
  // Llama-3.1-8B's gate/up projection (4096 x 28672) is nearest Qwen3-8B's 4096 x 24576.
  assert.equal(gemmTimeScale(TIMED, 128, 4096, 28672), 1.5);
  // 4096 x 8192 is nearer 4096 x 6144 (ratio 1.33) than 4096 x 24576 (3).
  assert.equal(gemmTimeScale(TIMED, 128, 4096, 8192), 1.2);
  // Farther than SIMILAR_SHAPE in one dimension: none taken.
  assert.equal(gemmTimeScale(TIMED, 128, Math.ceil(4096 * SIMILAR_SHAPE) + 1, 6144), 1);
  assert.equal(gemmTimeScale(TIMED, 128, 151936, 4096), 1);
  // Asked twice (the memo), the same answer.
  assert.equal(gemmTimeScale(TIMED, 128, 4096, 28672), 1.5);
});
