import seedrandom from 'seedrandom';

/**
 * A seeded source of uniform numbers in [0, 1). Every subsystem asks for its own named stream, so extra
 * draws in one (say the router) never shift the numbers another (say the workload) sees.
 */
export interface Rng {
  /** Uniform in [0, 1), 53 bits of randomness. */
  readonly next: () => number;
}

/**
 * The stream `stream` of run seed `seed`. Streams are independent because each is seeded with the string
 * `${seed}/${stream}`: seedrandom's ARC4 key schedule mixes the whole string, so "1/arrivals" and
 * "1/lengths" share no state. The same (seed, stream) always yields the same sequence.
 */
export function createRng(seed: string | number, stream: string): Rng {
  if (stream === '') throw new Error('createRng: stream name must not be empty');
  const prng = seedrandom(`${seed}/${stream}`);
  return { next: () => prng.double() };
}
