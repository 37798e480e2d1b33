import type { Request } from './request.js';
import { NO_HASH_IDS, type LengthRecord } from '../trace/trace.js';
import type { Rng } from '../core/rng.js';

/**
 * Pairs generated arrival times with lengths drawn uniformly, with replacement, from a table (ShareGPT or
 * any trace's own records). Origins point at the table row the lengths came from. Prefix hashes are left
 * out: a row drawn twice would otherwise present a perfect prefix-cache hit that never happened.
 */
export function synthesizeRequests(table: readonly LengthRecord[], tableFile: string, arrivalsUs: readonly number[], rng: Rng): Request[] {
  if (table.length === 0) throw new RangeError('synthesizeRequests: empty length table');
  return arrivalsUs.map((arrivalUs, id) => {
    const row = table[Math.floor(rng.next() * table.length)];
    return {
      id,
      arrivalUs,
      promptTokens: row.promptTokens,
      outputTokens: row.outputTokens,
      hashIds: NO_HASH_IDS,
      hashBlockTokens: 0,
      origin: `${tableFile}:${row.line}`,
    };
  });
}
