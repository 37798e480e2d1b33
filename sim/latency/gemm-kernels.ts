import { bisectRight } from 'd3-array';
import type { GemmKernelTable } from '../hardware/hardware-spec.js';

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
  const values = byShape.get(shapeKey(dIn, dOut)) ?? fallback;
  const rows = table.rows;
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
}

/** Per table (frozen once parsed), the 0/1 vectors per shape, their mean and the tiles: built once, reused by every lookup. */
const memo = new WeakMap<GemmKernelTable, Indexed>();

function indexed(table: GemmKernelTable): Indexed {
  let ix = memo.get(table);
  if (ix) return ix;
  const byShape = new Map<string, Float64Array>();
  const fallback = new Float64Array(table.rows.length);
  const tiles = new Map<string, readonly (readonly [number, number])[]>();
  for (const shape of table.shapes) {
    if (shape.tiles) tiles.set(shapeKey(shape.dIn, shape.dOut), shape.tiles);
    const clustered = new Set(shape.clusteredRows);
    const v = Float64Array.from(table.rows, (r) => (clustered.has(r) ? 1 : 0));
    byShape.set(shapeKey(shape.dIn, shape.dOut), v);
    v.forEach((x, i) => (fallback[i] += x / table.shapes.length));
  }
  ix = { byShape, fallback, tiles };
  memo.set(table, ix);
  return ix;
}

function shapeKey(dIn: number, dOut: number): string {
  return `${dIn}x${dOut}`;
}

/**
 * cuBLAS's output tile [dOut columns, token rows] for a GEMM of n tokens through a dIn × dOut weight: the one
 * recorded at the largest recorded token count not above n (the first one below them), or null when the
 * table does not record the shape or its tiles. cuBLAS keeps a kernel over a range of sizes and switches at
 * thresholds of its own; the count below is the one whose choice n is likeliest to share.
 */
export function gemmRecordedTile(table: GemmKernelTable, n: number, dIn: number, dOut: number): readonly [number, number] | null {
  const tiles = indexed(table).tiles.get(shapeKey(dIn, dOut));
  return tiles ? tiles[Math.max(0, lastAtOrBelow(table.rows, n))] : null;
}

/** Index of the last recorded count not above n (−1 below the first). */
function lastAtOrBelow(rows: readonly number[], n: number): number {
  return bisectRight(rows, n) - 1;
}
