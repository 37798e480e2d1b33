import { weightBytes } from '../model/model-spec.js';
import { loadCluster } from '../cluster/load-cluster.js';
import { buildCluster } from '../cluster/build-cluster.js';
import { summarizeCluster } from '../cluster/cluster-summary.js';
import { DUETSIM_VERSION } from '../core/version.js';
import { roundTo } from './scenario-collector.js';
/** The cluster a scenario's `cluster` names (a cluster YAML, sim/cluster/): its groups, routers and hand-offs. */
export function clusterDeployment(spec, cwd) {
    if (spec.cluster == null)
        throw new Error('clusterDeployment needs a scenario with a cluster');
    const cluster = loadCluster(spec.cluster, cwd);
    return {
        build: (metrics, onStep) => {
            const built = buildCluster(cluster, spec, metrics, onStep);
            const first = built.groups[0];
            return {
                instances: built.instances,
                route: built.route,
                loop: built.loop,
                hardware: null,
                resolved: (requests, endUs) => {
                    // The simulated span, first arrival to the last event: what busy shares are taken over.
                    const durationS = requests.length > 0 ? (endUs - requests[0].arrivalUs) / 1e6 : 0;
                    return {
                        model_weight_gb: roundTo(weightBytes(first.model) / 1e9, 3),
                        hardware_perf: [...new Set(built.groups.map((g) => g.hw.perf.provenance))].join(' | '),
                        duetsim_version: DUETSIM_VERSION,
                        ...summarizeCluster(cluster, built, durationS),
                    };
                },
            };
        },
    };
}
