import { NO_HASH_IDS } from '../trace/trace.js';
/**
 * Pairs generated arrival times with lengths drawn uniformly, with replacement, from a table (ShareGPT or
 * any trace's own records). Origins point at the table row the lengths came from. Prefix hashes are left
 * out: a row drawn twice would otherwise present a perfect prefix-cache hit that never happened.
 */
export function synthesizeRequests(table, tableFile, arrivalsUs, rng) {
    if (table.length === 0)
        throw new RangeError('synthesizeRequests: empty length table');
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
