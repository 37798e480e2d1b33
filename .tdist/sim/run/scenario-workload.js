import { loadWorkload } from '../workload/load-workload.js';
import { defaultSpreadBucketsMs } from '../trace/bundled.js';
/**
 * How a scenario selects its requests, one row per step in the order `loadWorkload` applies them
 * (sim/workload/load-workload.ts): the trace's own arrivals spread where it quantises them, then the window
 * and the limit, cut on the trace's own clock, then what they keep rescaled, so `--rate 12` is the mean
 * arrival rate of exactly the requests simulated; `--duration 60` is 60 s of the trace (the simulated span
 * is 60 s × trace rate / 12). Rescaling first and cutting the window after (as before 2026-12) left the
 * window's rate off the one asked for by however far the window's own rate was from the whole trace's.
 * A row returns only the fields a scenario sets: an absent field means the step is not applied.
 */
export const SCENARIO_SELECTION = [
    { step: 'format', fields: (s) => (s.traceFormat ? { format: s.traceFormat } : {}) },
    {
        step: 'spread',
        fields: (s) => {
            const spreadBucketsMs = defaultSpreadBucketsMs(s.trace);
            return spreadBucketsMs !== undefined ? { spreadBucketsMs } : {};
        },
    },
    { step: 'window', fields: (s) => ({ ...(s.startS > 0 ? { startS: s.startS } : {}), ...(s.durationS !== null ? { durationS: s.durationS } : {}) }) },
    { step: 'limit', fields: (s) => (s.limit !== null ? { limit: s.limit } : {}) },
    { step: 'rescale', fields: (s) => (s.rateQps !== null ? { rateQps: s.rateQps } : {}) },
];
/** The `WorkloadSpec` a scenario names: its trace and seed plus every selection step it sets. */
export function scenarioWorkloadSpec(spec) {
    return Object.assign({ trace: spec.trace, seed: spec.seed }, ...SCENARIO_SELECTION.map((row) => row.fields(spec)));
}
/**
 * The scenario's requests: its trace, window, limit, rate and seed applied, through the same `loadWorkload`
 * that `duetsim trace stats` uses. Every run, one GPU or a cluster, and the study checks load them here.
 */
export function loadScenarioRequests(spec, cwd) {
    return loadWorkload(scenarioWorkloadSpec(spec), cwd);
}
