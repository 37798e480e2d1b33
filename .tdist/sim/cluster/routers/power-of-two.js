import { createRng } from '../../core/rng.js';
/**
 * Power of two choices (Mitzenmacher 2001, "The power of two choices in randomized load balancing"):
 * sample two distinct instances uniformly and take the one with fewer outstanding tokens. Needs only two
 * load reads per request, which is why large fleets use it over a full scan. Seeded from the run's seed on
 * its own RNG stream, so the same seed gives the same choices and the workload's draws are untouched.
 */
export const powerOfTwo = {
    description: 'two instances drawn at random (seeded), the one with fewer outstanding tokens; ties to the lower index',
    params: {},
    create(_params, ctx) {
        const rng = createRng(ctx.seed, ctx.stream);
        return {
            name: 'power-of-two',
            pick(_req, pool) {
                const n = pool.length;
                if (n === 1)
                    return 0;
                const a = Math.floor(rng.next() * n);
                let b = Math.floor(rng.next() * (n - 1));
                if (b >= a)
                    b++;
                const [lo, hi] = a < b ? [a, b] : [b, a];
                return pool[hi].outstandingTokens() < pool[lo].outstandingTokens() ? hi : lo;
            },
        };
    },
};
