import { inputError } from '../core/input-error.js';
/** Parses `--shard i/n` (1 ≤ i ≤ n). Errors name the flag, as the CLI is where the value came from. */
export function parseShard(text) {
    const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
    if (!m)
        throw inputError('shard-format', '--shard', 0, 'shard', `expected i/n such as 2/8, got '${text}'`);
    const index = Number(m[1]);
    const count = Number(m[2]);
    if (count < 1 || index < 1 || index > count) {
        throw inputError('shard-range', '--shard', 0, 'shard', `shard ${index}/${count} is out of range: need 1 ≤ i ≤ n`);
    }
    return { index, count };
}
/**
 * Round-robin slice: item k goes to shard (k mod n) + 1. Round-robin rather than contiguous blocks,
 * so an expensive region of the grid (a large model, the highest rates) is spread over all shards.
 */
export function shardSlice(items, shard) {
    return items.filter((_, k) => k % shard.count === shard.index - 1);
}
