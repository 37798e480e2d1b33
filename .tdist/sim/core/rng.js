import seedrandom from 'seedrandom';
/**
 * The stream `stream` of run seed `seed`. Streams are independent because each is seeded with the string
 * `${seed}/${stream}`: seedrandom's ARC4 key schedule mixes the whole string, so "1/arrivals" and
 * "1/lengths" share no state. The same (seed, stream) always yields the same sequence.
 */
export function createRng(seed, stream) {
    if (stream === '')
        throw new Error('createRng: stream name must not be empty');
    const prng = seedrandom(`${seed}/${stream}`);
    return { next: () => prng.double() };
}
