import type { StudyPoint } from './report-input.js';
import type { Summary } from '../sim/metrics/results.js';

/** One setting at one offered rate, averaged over the seeds it was run with. */
export interface SweepPoint {
  readonly series: string;
  readonly policy: string;
  /** Axis values of the setting (those of its first point; rate and seed differ within a sweep). */
  readonly coords: Readonly<Record<string, string>>;
  readonly rateQps: number;
  /**
   * Mean measured arrival rate over the seeds: what the charts' rate axis shows, since a cut window's
   * rate is off the one asked for. Falls back to the offered rate for lines written before the
   * measured rate was recorded (`measured` says which).
   */
  readonly arrivalRateQps: number;
  readonly measured: boolean;
  readonly seeds: number;
  /** Field → mean over seeds, for the summary numbers the report draws. */
  readonly mean: (pick: (s: Summary) => number) => number;
}

/**
 * Groups study points by (setting, rate), ordered by setting then rate. Capacity probes run several
 * seeds per rate; averaging them here is what the search itself judged. Points without an offered
 * rate (the trace's own) cannot be placed on a rate axis and are left out.
 */
export function sweepPoints(points: readonly StudyPoint[]): SweepPoint[] {
  const groups = new Map<string, StudyPoint[]>();
  for (const p of points) {
    if (p.rateQps === null) continue;
    const key = JSON.stringify([p.series, p.rateQps]);
    const g = groups.get(key);
    if (g) g.push(p);
    else groups.set(key, [p]);
  }
  const out = [...groups.values()].map((g): SweepPoint => {
    // Summed in seed order, so the mean does not depend on the order lines were written in.
    const bySeed = [...g].sort((a, b) => a.seed - b.seed);
    const first = bySeed[0] as StudyPoint;
    const measured = bySeed.every((p) => p.arrivalRateQps !== null);
    return {
      series: first.series,
      policy: first.policy,
      coords: first.coords,
      rateQps: first.rateQps as number,
      arrivalRateQps: measured ? bySeed.reduce((acc, p) => acc + (p.arrivalRateQps as number), 0) / bySeed.length : (first.rateQps as number),
      measured,
      seeds: bySeed.length,
      mean: (pick) => bySeed.reduce((acc, p) => acc + pick(p.summary), 0) / bySeed.length,
    };
  });
  return out.sort((a, b) => (a.series < b.series ? -1 : a.series > b.series ? 1 : a.rateQps - b.rateQps));
}

/**
 * The axis a study's charts are split into panels by: the model when several were run (the first
 * thing a reader compares within), else the first other axis with several values that is not the
 * policy, rate or seed; null when there is none. Lines within a panel are the remaining axes.
 */
export function facetAxis(points: readonly { readonly coords: Readonly<Record<string, string>> }[]): string | null {
  const values = new Map<string, Set<string>>();
  for (const p of points) for (const [k, v] of Object.entries(p.coords)) (values.get(k) ?? values.set(k, new Set()).get(k)!).add(v);
  const varying = [...values].filter(([k, v]) => v.size > 1 && !['policy', 'rateQps', 'seed'].includes(k)).map(([k]) => k);
  if (varying.includes('model')) return 'model';
  return varying[0] ?? null;
}

/** A sweep point's line label inside a panel of `facet`: its axis values other than the panel's, rate and seed. */
export function lineLabel(coords: Readonly<Record<string, string>>, facet: string | null): string {
  const parts = Object.entries(coords)
    .filter(([k]) => k !== facet && k !== 'rateQps' && k !== 'seed')
    .map(([k, v]) => (['policy', 'model', 'hardware', 'trace', 'cluster'].includes(k) ? v : `${k}=${v}`));
  return parts.length > 0 ? parts.join(' · ') : 'all';
}
