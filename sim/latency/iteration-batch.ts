/**
 * What one forward pass computes, reduced to what its cost depends on.
 *
 * Decode attention cost is linear in each request's context, so decodes are carried as a count and a
 * context-token sum: exact for the roofline and O(1) to evaluate, which the DuetServe optimiser relies on
 * (it prices hundreds of candidate splits per iteration).
 */
export interface PrefillChunk {
  /** Prompt tokens computed in this iteration (q). */
  readonly newTokens: number;
  /** Tokens already in the KV cache for this request: earlier chunks or a reused prefix (c). */
  readonly cachedTokens: number;
}

export interface IterationBatch {
  readonly prefills: readonly PrefillChunk[];
  readonly decodeCount: number;
  /** Σ over decode requests of the tokens each attends over (cached + the one new token). */
  readonly decodeContextTokens: number;
}

export const EMPTY_BATCH: IterationBatch = { prefills: [], decodeCount: 0, decodeContextTokens: 0 };

export function batchTokenCount(b: IterationBatch): number {
  let n = b.decodeCount;
  for (const p of b.prefills) n += p.newTokens;
  return n;
}

export function isEmptyBatch(b: IterationBatch): boolean {
  return b.decodeCount === 0 && b.prefills.length === 0;
}
