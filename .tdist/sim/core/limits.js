/**
 * Bounds on numbers read from input, checked where they are read (traces, flags, study files), so a
 * value the simulator cannot represent is a located error instead of a silent loss of precision or an
 * "internal error" deep in the engine.
 */
/**
 * Largest token count accepted for a prompt, an output or an engine budget. No model's context is
 * within three orders of magnitude of it (the largest in 2026 hold about 10^7 tokens), and sums over a
 * trace of a million requests stay exact integers (10^6 × 10^9 < 2^53).
 */
export const MAX_TOKEN_COUNT = 1_000_000_000;
/**
 * The latest time on the simulator's clock, µs after the first arrival: 2^45 µs, about 407 days.
 * Times are doubles in µs with fractional parts (step durations come from the latency model); below
 * 2^45 a double resolves 2^-7 µs, so the schedule's 0.001 µs rounding and every step of at least 1 µs
 * still advance the clock. At 1e20 µs (an arrival of 1e17 ms) a 30 ms step no longer changed the
 * clock at all, which ended in "step priced at 0 µs".
 */
export const MAX_CLOCK_US = 2 ** 45;
/** The same bound in seconds and in days, for messages. */
export const MAX_CLOCK_S = MAX_CLOCK_US / 1e6;
export const MAX_CLOCK_DAYS = Math.floor(MAX_CLOCK_US / 86_400e6);
/**
 * Rates in requests/s accepted from flags and study files. Below 10^-6 req/s (one request in 11.6 days)
 * and above 10^6 req/s (more than any single deployment serves; a whole-GPU step costs milliseconds)
 * nothing meaningful is simulated; the clock bound above catches slow rates over long traces anyway.
 */
export const MIN_RATE_QPS = 1e-6;
export const MAX_RATE_QPS = 1e6;
/** Latency targets in ms: up to the clock's span (a larger target is met by every request). */
export const MAX_TARGET_MS = MAX_CLOCK_US / 1000;
