import { createHash } from 'node:crypto';
/**
 * JSON with object keys sorted at every level, so two equal values always serialise to the same text
 * whatever order their keys were built in. Point ids and study hashes are taken over this text, which
 * is what makes them stable across runs, machines and shards.
 */
export function canonicalJson(value) {
    return JSON.stringify(sortKeys(value));
}
function sortKeys(value) {
    if (Array.isArray(value))
        return value.map(sortKeys);
    if (value !== null && typeof value === 'object') {
        const out = {};
        for (const key of Object.keys(value).sort())
            out[key] = sortKeys(value[key]);
        return out;
    }
    return value;
}
/** First 16 hex digits (64 bits) of the SHA-256 of the canonical JSON: short enough to read, far from colliding in a grid. */
export function stableHash(value) {
    return createHash('sha256').update(canonicalJson(value)).digest('hex').slice(0, 16);
}
