import { bisectRight } from 'd3-array';
import type { GemmKernelShape, GemmKernelTable, PartitionSide } from '../hardware/hardware-spec.js';
import { flatCurveAt } from './curve.js';

/*
 * Lookups in the recorded GEMM kernel table (GemmKernelTable): the share of a GEMM that runs a kernel
 * with clusters the GPC remainder cannot host, and the output tile cuBLAS chose for it.
 */

/**
 * Share of a GEMM of n tokens through a dIn × dOut weight that runs a kernel with clusters too large for the
 * GPC remainder (GemmKernelTable), in [0, 1]. At a recorded token count it is the recorded choice (0 or 1);
 * between two it is interpolated linearly in n (cuBLAS changes kernel somewhere between them); below the
 * first and above the last the nearest recorded count holds. A shape the table does not list gets, at each
 * recorded count, the share of listed shapes that were clustered there: the library's habit for that
 * batch size, not a guess about this shape.
 */
export function gemmClusterShare(table: GemmKernelTable, n: number, dIn: number, dOut: number): number {
  const { byShape, fallback } = indexed(table);
  return interpolate(table.rows, byShape.get(shapeKey(dIn, dOut)) ?? fallback, n);
}

/**
 * cuBLAS's time for a GEMM of n tokens through a dIn × dOut weight over the roofline's time for it
 * (GemmKernelShape.timeScale): at a recorded token count the recorded factor, between two recorded counts
 * interpolated linearly in n, below the first and above the last the nearest. A shape the table does not
 * list takes the factors of the listed shape nearest to it (in log dIn and log dOut) when that one is within
 * SIMILAR_SHAPE of it in both dimensions — cuBLAS serves a similar shape with similar kernels (Llama-3.1-8B's
 * 4096 × 28672 and 14336 × 4096 beside Qwen3-8B's 4096 × 24576 and 12288 × 4096) — else 1, the roofline's
 * own time. Measured on the H100's held-out forwards, the unseen model 4.1% MAPE with this rule, 4.2% with 1
 * for every unlisted shape, 5.0% with the listed shapes' mean factor at that count.
 */
export function gemmTimeScale(table: GemmKernelTable, n: number, dIn: number, dOut: number): number {
  const ix = indexed(table);
  const key = shapeKey(dIn, dOut);
  // A listed shape without factors (no timing of it) keeps the roofline's time.
  const values = ix.byShape.has(key) ? (ix.timeByShape.get(key) ?? null) : nearestListed(table, ix.nearest, key, dIn, dOut, (sh) => ix.timeByShape.get(shapeKey(sh.dIn, sh.dOut)));
  return values ? interpolate(table.rows, values, n) : 1;
}

/**
 * GEMMs of at most this many tokens are one narrow-M tile and memory-bound on every partition: their time on a
 * partition holding the GPC remainder says how many of its SMs they draw bandwidth from (remainderSmsDrawn).
 */
export const NARROW_GEMM_ROWS = 128;

/**
 * GemmKernelTable.remainderSmsDrawn on `side` at a partition of `smCount` SMs (interpolated, flat outside its
 * points), or null when the table records none for that side (the whole remainder is drawn).
 */
export function remainderSmsDrawnAt(table: GemmKernelTable, side: PartitionSide, smCount: number): number | null {
  const points = table.remainderSmsDrawn?.[side];
  return points && points.length > 0 ? flatCurveAt(points, smCount) : null;
}

/** How far (as a ratio, each dimension) an unlisted shape may be from a listed one and still take its time factors and tiles. */
export const SIMILAR_SHAPE = 1.5;

/**
 * What `valueOf` gives for the listed shape nearest (dIn, dOut) in log dIn and log dOut, among those within SIMILAR_SHAPE
 * in both dimensions that have one; null when none does. `memo` keeps the answer per unlisted shape (a pure function).
 */
function nearestListed<T>(table: GemmKernelTable, memo: Map<string, T | null>, key: string, dIn: number, dOut: number, valueOf: (sh: GemmKernelShape) => T | undefined): T | null {
  const known = memo.get(key);
  if (known !== undefined) return known;
  let best: T | null = null;
  let bestDistance = Infinity;
  const limit = Math.log(SIMILAR_SHAPE) + 1e-12;
  for (const sh of table.shapes) {
    const value = valueOf(sh);
    const a = Math.abs(Math.log(sh.dIn / dIn));
    const b = Math.abs(Math.log(sh.dOut / dOut));
    if (value === undefined || a > limit || b > limit) continue;
    // Ties go to the shape listed first: the table's order is fixed, so the choice is too.
    const distance = Math.hypot(a, b);
    if (distance < bestDistance) {
      bestDistance = distance;
      best = value;
    }
  }
  memo.set(key, best);
  return best;
}

function interpolate(rows: readonly number[], values: Float64Array, n: number): number {
  if (n <= rows[0]) return values[0];
  const lo = lastAtOrBelow(rows, n);
  if (lo === rows.length - 1) return values[lo];
  const t = (n - rows[lo]) / (rows[lo + 1] - rows[lo]);
  return values[lo] + t * (values[lo + 1] - values[lo]);
}

interface Indexed {
  readonly byShape: Map<string, Float64Array>;
  readonly fallback: Float64Array;
  readonly tiles: Map<string, readonly (readonly [number, number])[]>;
  readonly timeByShape: Map<string, Float64Array>;
  /** Unlisted shapes looked up so far: the listed shape's factors they take, or null (memo of a pure function). */
  readonly nearest: Map<string, Float64Array | null>;
  /** The same for the recorded tiles (gemmRecordedTile). */
  readonly nearestTiles: Map<string, readonly (readonly [number, number])[] | null>;
}

/** Per table (frozen once parsed), the 0/1 vectors per shape, their mean and the tiles: built once, reused by every lookup. */
const memo = new WeakMap<GemmKernelTable, Indexed>();

function indexed(table: GemmKernelTable): Indexed {
  let ix = memo.get(table);
  if (ix) return ix;
  const byShape = new Map<string, Float64Array>();
  const fallback = new Float64Array(table.rows.length);
  const tiles = new Map<string, readonly (readonly [number, number])[]>();
  const timeByShape = new Map<string, Float64Array>();
  for (const shape of table.shapes) {
    if (shape.tiles) tiles.set(shapeKey(shape.dIn, shape.dOut), shape.tiles);
    if (shape.timeScale) timeByShape.set(shapeKey(shape.dIn, shape.dOut), Float64Array.from(shape.timeScale));
    const clustered = new Set(shape.clusteredRows);
    const v = Float64Array.from(table.rows, (r) => (clustered.has(r) ? 1 : 0));
    byShape.set(shapeKey(shape.dIn, shape.dOut), v);
    v.forEach((x, i) => (fallback[i] += x / table.shapes.length));
  }
  ix = { byShape, fallback, tiles, timeByShape, nearest: new Map(), nearestTiles: new Map() };
  memo.set(table, ix);
  return ix;
}

function shapeKey(dIn: number, dOut: number): string {
  return `${dIn}x${dOut}`;
}

/**
 * cuBLAS's output tile [dOut columns, token rows] for a GEMM of n tokens through a dIn × dOut weight: the one
 * recorded at the largest recorded token count not above n (the first one below them). cuBLAS keeps a kernel
 * over a range of sizes and switches at thresholds of its own; the count below is the one whose choice n is
 * likeliest to share. A shape the table does not list takes the tiles of the nearest listed shape that has
 * them, within SIMILAR_SHAPE in both dimensions, as gemmTimeScale takes its factors; null when none is that near
 * or the table records no tiles for the shape (the fitted row tile then prices it). Why: without them Llama-3.1-8B's
 * MLP (4096 × 28672, 14336 × 4096) paid the fitted 128-row tile, 640 rows for a 544-token mixed batch where
 * Qwen3-8B's recorded 192-row tiles pay 576, and its mixed forwards on the whole H100 came out 8–15% slow; on
 * its nearest shapes' tiles the never-fitted model's held-out forwards go from 3.3% to 2.2% MAPE
 * (h100-2026-12-06-reference-run4-validation), 3.6% to 3.2% on the H200 (h200-2026-12-04-reference).
 * The cluster choice (gemmClusterShare) does not follow the nearest shape: on the partitions holding the GPC
 * remainder Llama's kernels cluster where Qwen3-8B's do not (a 544-token mixed forward on 20 H200 SMs 1.60× Qwen3-8B's
 * time), and taking Qwen3-8B's choices there put the H200's remainder forwards at 4.4% against 3.3%.
 */
export function gemmRecordedTile(table: GemmKernelTable, n: number, dIn: number, dOut: number): readonly [number, number] | null {
  const ix = indexed(table);
  const key = shapeKey(dIn, dOut);
  const tiles = ix.byShape.has(key) ? ix.tiles.get(key) : nearestListed(table, ix.nearestTiles, key, dIn, dOut, (sh) => sh.tiles);
  return tiles ? tiles[Math.max(0, lastAtOrBelow(table.rows, n))] : null;
}

/** Index of the last recorded count not above n (−1 below the first). */
function lastAtOrBelow(rows: readonly number[], n: number): number {
  return bisectRight(rows, n) - 1;
}
