import type { Request } from '../../workload/request.js';
import type { NumberRule } from '../../input/number-rule.js';

/** What a router may read of an instance: load signals only, never the queues themselves. */
export interface InstanceLoad {
  /** Prompt tokens still to compute plus output tokens still to generate (see Instance.outstandingTokens). */
  outstandingTokens(): number;
  /** Requests waiting or running here, plus those handed to it whose KV is still on its way. */
  requestCount(): number;
}

/**
 * Picks the instance for a request. Contract: `pick` returns an index into `pool` (which is never empty),
 * reads the pool only through InstanceLoad and never changes it; equal candidates go to the lowest index,
 * so a run is reproducible. A router may keep its own state (a round-robin cursor, a seeded RNG), created
 * fresh per run by its factory. Don't use a router to reject or delay a request: admission is the engine's.
 */
export interface Router {
  readonly name: string;
  pick(req: Request, pool: readonly InstanceLoad[]): number;
}

/** A router parameter: a number with its bound and a default, validated where the cluster YAML names it. */
export interface RouterParam {
  readonly doc: string;
  readonly default: number;
  readonly rule: NumberRule;
}

export interface RouterContext {
  readonly seed: number;
  /** RNG stream of this router: 'router' for arrivals, 'router/decode' for hand-offs (sim/core/rng.ts). */
  readonly stream: string;
}

/** Builds a router from already validated parameters (every declared name present). */
export interface RouterFactory {
  readonly description: string;
  readonly params: Readonly<Record<string, RouterParam>>;
  create(params: Readonly<Record<string, number>>, ctx: RouterContext): Router;
}

/** Index of the pool member with the fewest outstanding tokens; the lowest index among equals. */
export function leastOutstandingIndex(pool: readonly InstanceLoad[]): number {
  let best = 0;
  let bestTokens = pool[0].outstandingTokens();
  for (let i = 1; i < pool.length; i++) {
    const t = pool[i].outstandingTokens();
    if (t < bestTokens) {
      best = i;
      bestTokens = t;
    }
  }
  return best;
}
