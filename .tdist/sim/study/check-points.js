import { formatProblem, InputError } from '../core/input-error.js';
import { ProblemList } from '../input/problem-list.js';
import { pathLocator } from '../input/locate-path.js';
import { loadModel } from '../config/load-model.js';
import { loadHardware } from '../config/load-hardware.js';
import { getPolicy } from '../policy/registry.js';
import { kvCapacityBlocks } from '../engine/kv-capacity.js';
import { loadScenarioRequests } from '../run/scenario-workload.js';
import { scenarioCollector } from '../run/scenario-collector.js';
import { loadCluster } from '../cluster/load-cluster.js';
import { buildCluster } from '../cluster/build-cluster.js';
import { canonicalJson } from './stable-hash.js';
/**
 * Resolves every point of a study before the first one runs: models, hardware, policies with their
 * parameters, traces with their rate and window, clusters, and whether the model fits the GPU. A
 * study used to run six points and then stop on an unknown model named on the seventh, reported at
 * `<command line>`; now it stops before running anything, at the study file's line that gave the value.
 *
 * Each distinct input is loaded once (a 64-point grid over 2 models loads 2 models), and the problem
 * it raises is reported once, at the YAML node of the value: the axis entry when an axis set it, else
 * the `base:` key (or the `paramsByPolicy` entry for a policy parameter). The loader's own message
 * follows, with its own location when that is another file (a trace line, a cluster key).
 */
export function checkStudyPoints(study, points, studyFile, studyText, cwd) {
    const locate = pathLocator(studyText);
    const problems = new ProblemList(studyFile);
    const done = new Map();
    const models = new Map();
    const hardware = new Map();
    /** Runs `load` once per key; a failure becomes problems at the node of `field`'s value in this point. */
    const once = (key, point, field, load) => {
        const seen = done.get(key);
        if (seen !== undefined)
            return seen;
        let ok = true;
        try {
            load();
        }
        catch (e) {
            if (!(e instanceof InputError))
                throw e;
            ok = false;
            const { field: path, line, column } = locate(valuePath(study, point.coords, field));
            // Problems placed at a pseudo-file ('<command line>', 'workload spec') are about the value itself;
            // those in a real file (a trace line, a cluster key) keep their place.
            const own = e.problems.map((p) => (p.file.startsWith('<') || p.file === 'workload spec' ? `${p.field ? `[${p.field}] ` : ''}${p.message} (${p.code})` : formatProblem(p))).join('; ');
            problems.add('study-point-invalid', line, path, `${own} (first at point ${describe(point.coords)})`, column);
        }
        done.set(key, ok);
        return ok;
    };
    for (const point of points) {
        const s = point.spec;
        once(`trace:${canonicalJson([s.trace, s.traceFormat, s.rateQps, s.startS, s.durationS, s.limit, s.seed])}`, point, traceField(s), () => void loadScenarioRequests(s, cwd));
        if (s.cluster != null) {
            const cluster = s.cluster;
            once(`cluster:${canonicalJson([cluster, s.engine, s.useCalibration, s.sloTbtMs])}`, point, 'cluster', () => {
                const spec = loadCluster(cluster, cwd);
                buildCluster(spec, s, scenarioCollector(s, []), null);
            });
            continue;
        }
        const modelOk = once(`model:${s.model}`, point, 'model', () => void loadModel(s.model));
        const hwOk = once(`hardware:${s.hardware}:${s.useCalibration}`, point, 'hardware', () => void loadHardware(s.hardware, { useCalibration: s.useCalibration }));
        const policyOk = once(`policy:${s.policy}`, point, 'policy', () => void getPolicy(s.policy));
        if (!modelOk || !hwOk)
            continue;
        const model = cached(models, s.model, () => loadModel(s.model));
        const hw = cached(hardware, `${s.hardware}:${s.useCalibration}`, () => loadHardware(s.hardware, { useCalibration: s.useCalibration }));
        once(`fit:${canonicalJson([s.model, s.hardware, s.useCalibration, s.engine])}`, point, 'hardware', () => {
            if (kvCapacityBlocks(model, hw, s.engine, 1) <= 0) {
                throw new InputError([{ code: 'model-does-not-fit', file: '<command line>', line: 0, column: 0, field: '', message: `${model.name} leaves no room for a KV cache on ${hw.name} at gpuMemoryUtilization ${s.engine.gpuMemoryUtilization}` }]);
            }
        });
        if (!policyOk)
            continue;
        once(`params:${canonicalJson([s.policy, s.policyParams, s.model, s.hardware, s.useCalibration, s.sloTbtMs])}`, point, policyParamField(study, point, s), () => {
            getPolicy(s.policy).create(s.policyParams, { model, hw, tpDegree: 1, sloTbtMs: s.sloTbtMs });
        });
    }
    problems.throwIfAny();
}
function cached(map, key, load) {
    let v = map.get(key);
    if (v === undefined)
        map.set(key, (v = load()));
    return v;
}
/** A workload problem belongs to the rate when the point rescales one (a window empty at that rate, say), else to the trace. */
function traceField(s) {
    return s.rateQps !== null ? 'rateQps' : 'trace';
}
/** A policy's parameters come from a policyParams.<name> axis, paramsByPolicy, or base.policyParams; else the policy itself. */
function policyParamField(study, point, s) {
    const axis = Object.keys(point.coords).find((k) => k.startsWith('policyParams.'));
    if (axis !== undefined)
        return axis;
    if (study.paramsByPolicy[s.policy] !== undefined)
        return `paramsByPolicy.${s.policy}`;
    if (Object.keys(study.base.policyParams).length > 0)
        return 'base.policyParams';
    return 'policy';
}
/** The YAML path of the value a point took for `field`: its axis entry, else the base key (or a map given whole). */
function valuePath(study, coords, field) {
    if (field.startsWith('paramsByPolicy.'))
        return ['paramsByPolicy', field.slice('paramsByPolicy.'.length)];
    if (field === 'base.policyParams')
        return ['base', 'policyParams'];
    const axis = study.axes.find((a) => a.name === field);
    if (axis !== undefined)
        return ['axes', field, axis.values.findIndex((v) => canonicalJson(v) === canonicalJson(coords[field]))];
    return ['base', field];
}
function describe(coords) {
    const parts = Object.entries(coords).map(([k, v]) => `${k}=${String(v)}`);
    return parts.length > 0 ? parts.join(', ') : '(the only point)';
}
