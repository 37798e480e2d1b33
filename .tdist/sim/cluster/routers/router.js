/** Index of the pool member with the fewest outstanding tokens; the lowest index among equals. */
export function leastOutstandingIndex(pool) {
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
