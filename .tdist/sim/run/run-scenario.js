import { simulate } from '../engine/simulation.js';
import { stepListeners } from './run-options.js';
import { loadScenarioRequests } from './scenario-workload.js';
import { arrivalRateQps, scenarioCollector } from './scenario-collector.js';
import { singleInstance } from './single-instance.js';
import { clusterDeployment } from './cluster-deployment.js';
/**
 * The one way a scenario runs: its deployment (one GPU, or the cluster it names) → its requests
 * (scenario-workload.ts) → the event loop → the results. `duetsim replay`, the study workers and the
 * calibration fixtures all call this.
 */
export function runScenarioDetailed(spec, opts = {}) {
    if (opts.stepTimer && spec.cluster != null)
        throw new Error('a step timer drives one GPU; this scenario is a cluster');
    const deployment = spec.cluster != null ? clusterDeployment(spec, opts.cwd) : singleInstance(spec, opts.stepTimer);
    const requests = loadScenarioRequests(spec, opts.cwd);
    const metrics = scenarioCollector(spec, requests);
    const { steps, onStep } = stepListeners(opts);
    const built = deployment.build(metrics, onStep);
    opts.onStart?.({ hardware: built.hardware, requests });
    const endUs = simulate(requests, built.instances, built.route, metrics, {
        ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
        ...(built.loop ? { loop: built.loop } : {}),
        ...(opts.shouldStop ? { shouldStop: opts.shouldStop } : {}),
    });
    let preemptions = 0;
    for (const inst of built.instances)
        preemptions += inst.preemptions;
    const config = {
        ...spec,
        resolved: { requests: requests.length, arrival_rate_qps: arrivalRateQps(requests), ...built.resolved(requests, endUs) },
    };
    return { result: metrics.result(config, preemptions), requests, collector: metrics, steps, hardware: built.hardware };
}
/** The same, returning only the results (the signature studies run scenarios with). */
export function runScenario(spec, opts = {}) {
    return runScenarioDetailed(spec, opts).result;
}
