/** The outcome of a run's results (`config.resolved.arrival_rate_qps` is null when a runner did not record it). */
export function pointOutcome(r) {
    const resolved = r.config.resolved;
    const rate = resolved?.arrival_rate_qps;
    return { summary: r.summary, cdf: r.cdf, arrival_rate_qps: typeof rate === 'number' ? rate : null };
}
/** Runs on the calling thread, one at a time: for tests and for single-core machines. */
export function inlineExecutor(runScenario) {
    return {
        parallelism: 1,
        run: async (spec, onProgress) => {
            return pointOutcome(runScenario(spec, onProgress ? { onProgress } : {}));
        },
        close: async () => { },
    };
}
