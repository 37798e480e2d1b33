import { applyAxis } from './axes.js';
import { stableHash } from './stable-hash.js';
import { FROM_CLUSTER } from '../cluster/cluster-spec.js';
/**
 * The cartesian product of the study's axes in file order, the first axis varying slowest (like nested
 * loops written top to bottom). The order is fixed so shards cut the same slices on every machine.
 * `omit` drops axes from the product (capacity search uses it to leave the rate to the search).
 */
export function expandGrid(study, omit = []) {
    const axes = study.axes.filter((a) => !omit.includes(a.name));
    let partial = [{ coords: {}, spec: study.base }];
    for (const axis of axes) {
        partial = partial.flatMap((p) => axis.values.map((v) => ({ coords: { ...p.coords, [axis.name]: v }, spec: applyAxis(p.spec, axis.name, v) })));
    }
    return partial.map((p) => {
        const spec = withPolicyParams(resolveTemplate(p.spec), study, p.coords);
        return { pointId: stableHash(spec), coords: p.coords, spec };
    });
}
/** Merges the study's per-policy parameters in, below any policyParams.<name> axis value. */
function withPolicyParams(spec, study, coords) {
    const perPolicy = study.paramsByPolicy[spec.policy];
    if (perPolicy === undefined)
        return spec;
    // policyParams.<name> axes never hold null (axes.ts checks), so the cast only narrows the type.
    const fromAxes = Object.fromEntries(Object.entries(coords).filter(([k]) => k.startsWith('policyParams.')).map(([k, v]) => [k.slice('policyParams.'.length), v]));
    return { ...spec, policyParams: { ...spec.policyParams, ...perPolicy, ...fromAxes } };
}
/** A template whose names are all set is a ScenarioSpec; parse-study.ts guarantees axes fill any gaps. */
export function resolveTemplate(t) {
    // A point that names a cluster takes model, hardware and policy from the cluster file (sim/cluster/).
    const fromCluster = t.cluster != null ? FROM_CLUSTER : null;
    const trace = t.trace;
    const model = t.model ?? fromCluster;
    const hardware = t.hardware ?? fromCluster;
    const policy = t.policy ?? fromCluster;
    if (trace === null || model === null || hardware === null || policy === null) {
        throw new Error('grid point without trace/model/hardware/policy: parseStudy should have rejected this study');
    }
    return { ...t, trace, model, hardware, policy };
}
/** Identifies the study in every line it writes, so merge can refuse lines of a different study. */
export function studyHash(study) {
    return stableHash(study);
}
