import type { InstanceLoad } from '../../sim/cluster/routers/router.js';

/** Instances as a router sees them, with fixed loads: tokens[i] outstanding tokens and counts[i] requests. */
export function fakeLoads(tokens: readonly number[], counts: readonly number[] = tokens.map(() => 0)): InstanceLoad[] {
  return tokens.map((t, i) => ({ outstandingTokens: () => t, requestCount: () => counts[i] }));
}
