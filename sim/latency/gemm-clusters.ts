import type { GemmClusterTable } from '../hardware/hardware-spec.js';

/**
 * Share of a GEMM of n tokens through a dIn × dOut weight that runs a kernel with clusters too large for the
 * GPC remainder (GemmClusterTable), in [0, 1]. At a recorded token count it is the recorded choice (0 or 1);
 * between two it is interpolated linearly in n (cuBLAS changes kernel somewhere between them); below the
 * first and above the last the nearest recorded count holds. A shape the table does not list gets, at each
 * recorded count, the share of listed shapes that were clustered there: the library's habit for that
 * batch size, not a guess about this shape.
 */
export function gemmClusterShare(table: GemmClusterTable, n: number, dIn: number, dOut: number): number {
  const { byShape, fallback } = indexed(table);
  const values = byShape.get(shapeKey(dIn, dOut)) ?? fallback;
  const rows = table.rows;
  if (n <= rows[0]) return values[0];
  const last = rows.length - 1;
  if (n >= rows[last]) return values[last];
  // Binary search for rows[i] ≤ n < rows[i + 1].
  let lo = 0;
  let hi = last;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (rows[mid] <= n) lo = mid;
    else hi = mid;
  }
  const t = (n - rows[lo]) / (rows[hi] - rows[lo]);
  return values[lo] + t * (values[hi] - values[lo]);
}

interface Indexed {
  readonly byShape: Map<string, Float64Array>;
  readonly fallback: Float64Array;
}

/** Per table (frozen once parsed), the 0/1 vectors per shape and their mean: built once, reused by every lookup. */
const memo = new WeakMap<GemmClusterTable, Indexed>();

function indexed(table: GemmClusterTable): Indexed {
  let ix = memo.get(table);
  if (ix) return ix;
  const byShape = new Map<string, Float64Array>();
  const fallback = new Float64Array(table.rows.length);
  for (const shape of table.shapes) {
    const clustered = new Set(shape.clusteredRows);
    const v = Float64Array.from(table.rows, (r) => (clustered.has(r) ? 1 : 0));
    byShape.set(shapeKey(shape.dIn, shape.dOut), v);
    v.forEach((x, i) => (fallback[i] += x / table.shapes.length));
  }
  ix = { byShape, fallback };
  memo.set(table, ix);
  return ix;
}

function shapeKey(dIn: number, dOut: number): string {
  return `${dIn}x${dOut}`;
}
