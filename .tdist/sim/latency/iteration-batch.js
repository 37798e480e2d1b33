export const EMPTY_BATCH = { prefills: [], decodeCount: 0, decodeContextTokens: 0 };
export function batchTokenCount(b) {
    let n = b.decodeCount;
    for (const p of b.prefills)
        n += p.newTokens;
    return n;
}
export function isEmptyBatch(b) {
    return b.decodeCount === 0 && b.prefills.length === 0;
}
