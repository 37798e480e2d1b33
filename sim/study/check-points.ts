import { formatProblem, InputError } from '../core/input-error.js';
import { ProblemList } from '../input/problem-list.js';
import { pathLocator } from '../input/locate-path.js';
import { loadModel } from '../config/load-model.js';
import { loadHardware } from '../config/load-hardware.js';
import { getPolicy } from '../policy/registry.js';
import type { EngineLimit } from '../policy/policy.js';
import { kvCapacityBlocks } from '../engine/kv-capacity.js';
import { loadScenarioRequests } from '../run/scenario-workload.js';
import { scenarioCollector } from '../run/scenario-collector.js';
import type { ScenarioSpec } from '../engine/scenario.js';
import type { ModelSpec } from '../model/model-spec.js';
import type { HardwareSpec } from '../hardware/hardware-spec.js';
import { loadCluster } from '../cluster/load-cluster.js';
import { buildCluster } from '../cluster/build-cluster.js';
import { canonicalJson } from './stable-hash.js';
import type { GridPoint } from './grid.js';
import type { AxisValue, StudySpec } from './study-spec.js';

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
export function checkStudyPoints(study: StudySpec, points: readonly GridPoint[], studyFile: string, studyText: string, cwd: string): string[] {
  const locate = pathLocator(studyText);
  const problems = new ProblemList(studyFile);
  const done = new Map<string, boolean>();
  const models = new Map<string, ModelSpec>();
  const hardware = new Map<string, HardwareSpec>();
  /** Per engine limit the base gives: the policies that read it, those that do not (and why), and a point to locate it by. */
  const baseLimitUse = new Map<EngineLimit, { readBy: Set<string>; ignoredBy: Map<string, string>; point: GridPoint }>();
  /** Runs `load` once per key; a failure becomes problems at the node of `field`'s value in this point. */
  const once = (key: string, point: GridPoint, field: string, load: () => void): boolean => {
    const seen = done.get(key);
    if (seen !== undefined) return seen;
    let ok = true;
    try {
      load();
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
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
    if (!modelOk || !hwOk) continue;
    const model = cached(models, s.model, () => loadModel(s.model));
    const hw = cached(hardware, `${s.hardware}:${s.useCalibration}`, () => loadHardware(s.hardware, { useCalibration: s.useCalibration }));
    once(`fit:${canonicalJson([s.model, s.hardware, s.useCalibration, s.engine])}`, point, 'hardware', () => {
      if (kvCapacityBlocks(model, hw, s.engine, 1) <= 0) {
        throw new InputError([{ code: 'model-does-not-fit', file: '<command line>', line: 0, column: 0, field: '', message: `${model.name} leaves no room for a KV cache on ${hw.name} at gpuMemoryUtilization ${s.engine.gpuMemoryUtilization}` }]);
      }
    });
    if (!policyOk) continue;
    once(`params:${canonicalJson([s.policy, s.policyParams, s.model, s.hardware, s.useCalibration, s.sloTbtMs])}`, point, policyParamField(study, point, s), () => {
      getPolicy(s.policy).create(s.policyParams, { model, hw, tpDegree: 1, sloTbtMs: s.sloTbtMs });
    });
    // An engine limit the study set for a policy that never reads it (with these parameters) would be recorded in the
    // results as a setting the run never used. Varied by an axis, the points differ only in that label: refused at the
    // axis entry. Set in the base, it may be meant for the other policies of a comparison: refused only when no point's
    // policy reads it, else noted (the caller prints the notes).
    const unread = getPolicy(s.policy).unreadEngineLimits?.(s.policyParams) ?? {};
    for (const limit of ENGINE_LIMITS) {
      const axis = `engine.${limit}`;
      const fromAxis = Object.hasOwn(point.coords, axis);
      if (!fromAxis && !(study.baseEngineGiven ?? []).includes(limit)) continue;
      const param = unread[limit];
      if (!fromAxis) {
        const use = cached(baseLimitUse, limit, () => ({ readBy: new Set<string>(), ignoredBy: new Map<string, string>(), point }));
        if (param === undefined) use.readBy.add(s.policy);
        else use.ignoredBy.set(s.policy, unreadWhy(s, limit, param));
        continue;
      }
      if (param === undefined) continue;
      once(`limit:${canonicalJson([s.policy, s.policyParams, limit])}`, point, axis, () => {
        throw new InputError([{ code: 'study-engine-limit-unread', file: '<study>', line: 0, column: 0, field: '', message: unreadWhy(s, limit, param) }]);
      });
    }
  }
  const notes: string[] = [];
  for (const [limit, use] of baseLimitUse) {
    if (use.ignoredBy.size === 0) continue;
    const why = [...use.ignoredBy.values()].join('; ');
    if (use.readBy.size === 0) {
      once(`base-limit:${limit}`, use.point, `engine.${limit}`, () => {
        throw new InputError([{ code: 'study-engine-limit-unread', file: '<study>', line: 0, column: 0, field: '', message: `no policy of the study reads it: ${why}` }]);
      });
    } else {
      const { line } = locate(['base', 'engine', limit]);
      notes.push(`${studyFile}:${line} [base.engine.${limit}]: read by ${[...use.readBy].sort().join(', ')}, not by ${[...use.ignoredBy.keys()].sort().join(', ')} (${why}); their points record it but run on their own setting`);
    }
  }
  problems.throwIfAny();
  return notes;
}

const ENGINE_LIMITS: readonly EngineLimit[] = ['maxNumSeqs', 'maxBatchTokens'];

/** Why a point's policy does not read engine limit `limit`: the parameter (or base engine) that sets it instead. */
function unreadWhy(s: ScenarioSpec, limit: EngineLimit, param: string): string {
  return param === 'base_engine'
    ? `engine.${limit} does not apply to policy ${s.policy} with base_engine=${String(s.policyParams.base_engine)}: that base engine sets it (base_engine: engine takes engine.${limit})`
    : `engine.${limit} does not apply to policy ${s.policy}: its parameter ${param} sets that (paramsByPolicy.${s.policy}.${param})`;
}

function cached<T>(map: Map<string, T>, key: string, load: () => T): T {
  let v = map.get(key);
  if (v === undefined) map.set(key, (v = load()));
  return v;
}

/** A workload problem belongs to the rate when the point rescales one (a window empty at that rate, say), else to the trace. */
function traceField(s: ScenarioSpec): string {
  return s.rateQps !== null ? 'rateQps' : 'trace';
}

/** A policy's parameters come from a policyParams.<name> axis, paramsByPolicy, or base.policyParams; else the policy itself. */
function policyParamField(study: StudySpec, point: GridPoint, s: ScenarioSpec): string {
  const axis = Object.keys(point.coords).find((k) => k.startsWith('policyParams.'));
  if (axis !== undefined) return axis;
  if (study.paramsByPolicy[s.policy] !== undefined) return `paramsByPolicy.${s.policy}`;
  if (Object.keys(study.base.policyParams).length > 0) return 'base.policyParams';
  return 'policy';
}

/** The YAML path of the value a point took for `field`: its axis entry, else the base key (or a map given whole). */
function valuePath(study: StudySpec, coords: Readonly<Record<string, AxisValue>>, field: string): (string | number)[] {
  if (field.startsWith('paramsByPolicy.')) return ['paramsByPolicy', field.slice('paramsByPolicy.'.length)];
  if (field === 'base.policyParams') return ['base', 'policyParams'];
  const axis = study.axes.find((a) => a.name === field);
  if (axis !== undefined) return ['axes', field, axis.values.findIndex((v) => canonicalJson(v) === canonicalJson(coords[field]))];
  // A base value given under a map (engine.<key>) is found at its own key.
  return ['base', ...field.split('.')];
}

function describe(coords: Readonly<Record<string, AxisValue>>): string {
  const parts = Object.entries(coords).map(([k, v]) => `${k}=${String(v)}`);
  return parts.length > 0 ? parts.join(', ') : '(the only point)';
}
