/**
 * Parses a plan/record batch (`{"prefills":[{"new","cached"}], "decodes":{"count","context"} | [ctx…]}`)
 * into the latency model's IterationBatch. Decode contexts count the tokens attended, the new one
 * included, which is what IterationBatch.decodeContextTokens sums.
 */
export function parseBatch(f) {
    const prefills = f.has('prefills')
        ? f.children('prefills').map((c) => ({ newTokens: c.int('new', 1), cachedTokens: c.int('cached', 0) }))
        : [];
    let decodeCount = 0;
    let decodeContextTokens = 0;
    if (f.has('decodes')) {
        if (Array.isArray(f.obj.decodes)) {
            const contexts = f.numbers('decodes', { integer: true, min: 1 });
            decodeCount = contexts.length;
            for (const c of contexts)
                decodeContextTokens += c;
        }
        else {
            const d = f.child('decodes');
            if (d) {
                decodeCount = d.int('count', 0);
                decodeContextTokens = decodeCount * d.int('context', 1);
            }
        }
    }
    if (prefills.length === 0 && decodeCount === 0)
        f.fail('', 'calib.empty-batch', 'batch has neither prefills nor decodes');
    return { prefills, decodeCount, decodeContextTokens };
}
export function batchKind(b) {
    if (b.prefills.length === 0)
        return 'decode';
    return b.decodeCount === 0 ? 'prefill' : 'mixed';
}
