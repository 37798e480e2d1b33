/**
 * Nelder–Mead simplex minimisation, hand-written so the fit is deterministic and dependency-free.
 * Standard coefficients (reflection 1, expansion 2, contraction ½, shrink ½; Nelder & Mead 1965,
 * as in Lagarias et al. 1998). Ties in the ordering keep the earlier vertex, so the same start gives
 * the same answer on every run.
 */
export interface MinimizeOptions {
  /** Initial simplex edge per coordinate (same length as the start point). */
  readonly step: readonly number[];
  readonly maxEvaluations: number;
  /** Stop when the spread of f over the simplex falls below this. */
  readonly fTolerance: number;
}

export interface Minimum {
  readonly x: number[];
  readonly value: number;
  readonly evaluations: number;
}

export function nelderMead(f: (x: readonly number[]) => number, start: readonly number[], opts: MinimizeOptions): Minimum {
  const dim = start.length;
  let evaluations = 0;
  const evalAt = (x: number[]): number => {
    evaluations++;
    const v = f(x);
    return Number.isNaN(v) ? Infinity : v;
  };
  const pts: number[][] = [start.slice()];
  for (let i = 0; i < dim; i++) {
    const p = start.slice();
    p[i] += opts.step[i];
    pts.push(p);
  }
  let vals = pts.map(evalAt);
  const order = (): void => {
    const idx = pts.map((_, i) => i).sort((a, b) => vals[a] - vals[b] || a - b);
    const p2 = idx.map((i) => pts[i]);
    const v2 = idx.map((i) => vals[i]);
    pts.splice(0, pts.length, ...p2);
    vals = v2;
  };
  const along = (from: number[], to: number[], t: number): number[] => from.map((v, i) => v + t * (to[i] - v));
  while (evaluations < opts.maxEvaluations) {
    order();
    if (vals[dim] - vals[0] <= opts.fTolerance) break;
    const centroid = new Array<number>(dim).fill(0);
    for (let i = 0; i < dim; i++) for (let j = 0; j < dim; j++) centroid[j] += pts[i][j] / dim;
    const worst = pts[dim];
    const reflected = along(centroid, worst, -1);
    const fr = evalAt(reflected);
    if (fr < vals[0]) {
      const expanded = along(centroid, worst, -2);
      const fe = evalAt(expanded);
      if (fe < fr) [pts[dim], vals[dim]] = [expanded, fe];
      else [pts[dim], vals[dim]] = [reflected, fr];
      continue;
    }
    if (fr < vals[dim - 1]) {
      [pts[dim], vals[dim]] = [reflected, fr];
      continue;
    }
    // Contract towards the better of the worst point and its reflection.
    const outside = fr < vals[dim];
    const contracted = along(centroid, outside ? reflected : worst, 0.5);
    const fc = evalAt(contracted);
    if (fc < (outside ? fr : vals[dim])) {
      [pts[dim], vals[dim]] = [contracted, fc];
      continue;
    }
    for (let i = 1; i <= dim; i++) {
      pts[i] = along(pts[0], pts[i], 0.5);
      vals[i] = evalAt(pts[i]);
    }
  }
  order();
  return { x: pts[0], value: vals[0], evaluations };
}
