import { jsonDifference } from '../closed-loop/problems.js';
/**
 * What makes two runs "the same scenario": the config fields of a results JSON that decide which requests
 * arrive when and what is asked of the server. A simulated and a live run are comparable only when all of
 * them are equal; fields outside the list (useCalibration, the `resolved` block, KV blocks a real GPU
 * allocates differently) are how the two runs were made, not what was run, and may differ.
 */
export const SCENARIO_FIELDS = [
    ['model'],
    ['hardware'],
    ['cluster'],
    ['policy'],
    ['policyParams'],
    ['trace'],
    ['traceFormat'],
    ['startS'],
    ['durationS'],
    ['limit'],
    ['rateQps'],
    ['seed'],
    // Engine limits change which requests batch together; the SLO changes goodput and meets_slo.
    ['engine', 'blockTokens'],
    ['engine', 'maxNumSeqs'],
    ['engine', 'maxBatchTokens'],
    ['engine', 'prefixCaching'],
    ['sloTtftMs'],
    ['sloTbtMs'],
    ['tbtDefinition'],
];
/** The scenario fields whose values differ (absent on both sides counts as equal), in SCENARIO_FIELDS order. */
export function scenarioDifferences(simulated, live) {
    const out = [];
    for (const path of SCENARIO_FIELDS) {
        const a = valueAt(simulated, path);
        const b = valueAt(live, path);
        if (jsonDifference(a ?? null, b ?? null) !== null)
            out.push({ field: path.join('.'), simulated: a, live: b });
    }
    return out;
}
function valueAt(obj, path) {
    let v = obj;
    for (const key of path)
        v = typeof v === 'object' && v !== null && !Array.isArray(v) ? v[key] : undefined;
    return v;
}
