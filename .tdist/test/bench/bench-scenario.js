import { DEFAULT_ENGINE } from '../../sim/engine/scenario.js';
import { FROM_CLUSTER } from '../../sim/cluster/cluster-spec.js';
/** The SLOs every cluster benchmark is judged against: TTFT ≤ 2 s, TBT ≤ 50 ms on each request's p99 gap. */
export const BENCH_SLO = { ttftMs: 2000, tbtMs: 50 };
/**
 * `--datasheet` among a benchmark's arguments: use the hardware YAMLs' seed `perf` even where a `calibrated:`
 * section exists (as `duetsim replay --datasheet` does), to reproduce numbers measured before calibration.
 */
export function useCalibration(args) {
    return !args.includes('--datasheet');
}
/** The whole Azure conversation trace rescaled to `rateQps`, served by the cluster file at `clusterPath`. */
export function benchScenario(clusterPath, rateQps, useCalibration) {
    return {
        trace: 'azure-conv',
        traceFormat: null,
        rateQps,
        startS: 0,
        durationS: null,
        limit: null,
        model: FROM_CLUSTER,
        hardware: FROM_CLUSTER,
        useCalibration,
        policy: FROM_CLUSTER,
        cluster: clusterPath,
        policyParams: {},
        engine: DEFAULT_ENGINE,
        sloTtftMs: BENCH_SLO.ttftMs,
        sloTbtMs: BENCH_SLO.tbtMs,
        tbtDefinition: 'request-p99-gap',
        seed: 0,
    };
}
