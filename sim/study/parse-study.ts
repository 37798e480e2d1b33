import { isSeq, type Node } from 'yaml';
import { InputError } from '../core/input-error.js';
import { parseYamlData, reportAt } from '../input/yaml-document.js';
import { readChecked, readEntries, reportUnknownKey, type MapEntry } from '../input/yaml-fields.js';
import { VALID_AXIS_NAMES, axisCheck } from './axes.js';
import {
  ENGINE_FIELDS,
  POLICY_PARAM_CHECK,
  SCENARIO_FIELDS,
  TEMPLATE_DEFAULTS,
  isEngineField,
  isScenarioField,
  nonEmptyText,
  type FieldCheck,
} from './scenario-fields.js';
import {
  REQUIRED_NAMES,
  NAMES_FROM_CLUSTER,
  type AxisValue,
  type CapacitySpec,
  type ScenarioTemplate,
  type StudyAxis,
  type StudySpec,
} from './study-spec.js';
import { canonicalJson } from './stable-hash.js';

const TOP_KEYS = ['name', 'base', 'axes', 'paramsByPolicy', 'capacity'];

/**
 * Capacity search settings: check and default. The defaults are conventions, not measurements: 90%
 * attainment is the bar DistServe's goodput uses; 3 seeds and doubling keep a search to a few dozen runs;
 * 5% is the resolution the answer is reported at; 1000 requests/s only stops a setting
 * that never fails (e.g. with no TTFT target, a queue grows without missing a TBT target) from doubling forever.
 */
const CAPACITY_FIELDS: Readonly<Record<keyof CapacitySpec, { check: FieldCheck; fallback: number }>> = {
  targetAttainment: { check: (v) => (typeof v === 'number' && v > 0 && v <= 1 ? null : 'expected a number in (0, 1]'), fallback: 0.9 },
  repeats: { check: (v) => (Number.isInteger(v) && (v as number) > 0 ? null : 'expected an integer > 0'), fallback: 3 },
  startQps: { check: (v) => (typeof v === 'number' && v > 0 && Number.isFinite(v) ? null : 'expected a number > 0'), fallback: 1 },
  growthFactor: { check: (v) => (typeof v === 'number' && v > 1 && Number.isFinite(v) ? null : 'expected a number > 1'), fallback: 2 },
  relTolerance: { check: (v) => (typeof v === 'number' && v > 0 && v < 1 ? null : 'expected a number in (0, 1)'), fallback: 0.05 },
  maxProbes: { check: (v) => (Number.isInteger(v) && (v as number) >= 2 ? null : 'expected an integer ≥ 2'), fallback: 40 },
  maxQps: { check: (v) => (typeof v === 'number' && v > 0 && Number.isFinite(v) ? null : 'expected a number > 0'), fallback: 1000 },
};

/**
 * Parses a study YAML into a StudySpec, on the input layer every config file uses (sim/input/): data only
 * (no tags, no aliases), every problem collected with its file, line, column and key path and thrown
 * together as one InputError.
 */
export function parseStudy(text: string, file: string): StudySpec {
  /** Engine keys `base.engine` gives (StudySpec.baseEngineGiven). */
  const engineGiven: string[] = [];
  const data = parseYamlData(text, file);
  if (data.root === null) throw new InputError(data.problems.all());
  const root: Node = data.root;
  const report = (code: string, node: Node | null | undefined, field: string, message: string): void => reportAt(data, node, field, code, message);
  const checked = (node: Node | null, field: string, check: FieldCheck): AxisValue | undefined => readChecked(data, node, field, check, 'study-bad-value');
  /** The entries of a map, with string keys; records a problem and returns [] for anything else. */
  const pairs = (node: Node | null, field: string): MapEntry[] => readEntries(data, node, field) ?? [];
  const unknownKey = (keyNode: Node, field: string, key: string, valid: readonly string[]): void => reportUnknownKey(data, keyNode, field, key, valid);

  let name: string | null = null;
  let base: ScenarioTemplate = TEMPLATE_DEFAULTS;
  const axes: StudyAxis[] = [];
  let axesNode: Node | null = null;
  const paramsByPolicy: Record<string, Record<string, number | string | boolean>> = {};
  let capacity: CapacitySpec | null = null;
  let capacityNode: Node | null = null;

  const top = pairs(root, '');
  for (const { key, keyNode, value } of top) {
    if (key === 'name') {
      const v = checked(value, 'name', nonEmptyText);
      if (typeof v === 'string') name = v;
    } else if (key === 'base') {
      base = parseBase(value);
    } else if (key === 'axes') {
      axesNode = keyNode;
      parseAxes(value);
    } else if (key === 'paramsByPolicy') {
      for (const p of pairs(value, 'paramsByPolicy')) paramsByPolicy[p.key] = parseParams(p.value, `paramsByPolicy.${p.key}`);
    } else if (key === 'capacity') {
      capacityNode = keyNode;
      capacity = parseCapacity(value);
    } else unknownKey(keyNode, '', key, TOP_KEYS);
  }

  function parseBase(node: Node | null): ScenarioTemplate {
    let spec: ScenarioTemplate = TEMPLATE_DEFAULTS;
    const validKeys = [...Object.keys(SCENARIO_FIELDS), 'policyParams', 'engine'];
    for (const { key, keyNode, value } of pairs(node, 'base')) {
      const field = `base.${key}`;
      if (isScenarioField(key)) {
        const v = checked(value, field, SCENARIO_FIELDS[key]);
        if (v !== undefined) spec = { ...spec, [key]: v };
      } else if (key === 'policyParams') {
        spec = { ...spec, policyParams: parseParams(value, field) };
      } else if (key === 'engine') {
        let engine = spec.engine;
        for (const p of pairs(value, field)) {
          if (!isEngineField(p.key)) unknownKey(p.keyNode, field, p.key, Object.keys(ENGINE_FIELDS));
          else {
            const v = checked(p.value, `${field}.${p.key}`, ENGINE_FIELDS[p.key]);
            if (v !== undefined) {
              engine = { ...engine, [p.key]: v };
              engineGiven.push(p.key);
            }
          }
        }
        spec = { ...spec, engine };
      } else unknownKey(keyNode, 'base', key, validKeys);
    }
    return spec;
  }

  function parseParams(node: Node | null, field: string): Record<string, number | string | boolean> {
    const params: Record<string, number | string | boolean> = {};
    for (const p of pairs(node, field)) {
      const v = checked(p.value, `${field}.${p.key}`, POLICY_PARAM_CHECK);
      if (v !== undefined && v !== null) params[p.key] = v;
    }
    return params;
  }

  function parseAxes(node: Node | null): void {
    for (const { key, keyNode, value } of pairs(node, 'axes')) {
      const field = `axes.${key}`;
      const check = axisCheck(key);
      if (check === null) {
        report('study-unknown-axis', keyNode, field, `unknown axis '${key}'; valid axes: ${VALID_AXIS_NAMES.join(', ')}`);
        continue;
      }
      if (!isSeq(value)) {
        report('study-axis-not-list', value ?? keyNode, field, 'expected a list of values, e.g. [1, 2, 4]');
        continue;
      }
      if (value.items.length === 0) {
        report('study-empty-axis', value, field, `axis '${key}' has no values, so the grid would be empty`);
        continue;
      }
      const values: AxisValue[] = [];
      const seen = new Set<string>();
      value.items.forEach((item, i) => {
        const v = checked(item as Node | null, `${field}[${i}]`, check);
        if (v === undefined) return;
        const id = canonicalJson(v);
        if (seen.has(id)) report('study-duplicate-value', item as Node, `${field}[${i}]`, `value ${id} appears twice on this axis`);
        seen.add(id);
        values.push(v);
      });
      axes.push({ name: key, values });
    }
  }

  function parseCapacity(node: Node | null): CapacitySpec {
    const out: Record<string, number> = {};
    for (const [k, f] of Object.entries(CAPACITY_FIELDS)) out[k] = f.fallback;
    for (const { key, keyNode, value } of pairs(node, 'capacity')) {
      const f = (CAPACITY_FIELDS as Record<string, { check: FieldCheck }>)[key];
      if (f === undefined) unknownKey(keyNode, 'capacity', key, Object.keys(CAPACITY_FIELDS));
      else {
        const v = checked(value, `capacity.${key}`, f.check);
        if (typeof v === 'number') out[key] = v;
      }
    }
    return out as unknown as CapacitySpec;
  }

  const axisNames = new Set(axes.map((a) => a.name));
  if (name === null && !top.some((p) => p.key === 'name')) report('study-missing-key', root, 'name', "missing 'name'");
  if (axesNode === null) report('study-missing-key', root, 'axes', "missing 'axes': a study needs at least one axis");
  else if (axes.length === 0 && data.problems.isEmpty) report('study-empty-grid', axesNode, 'axes', 'no axes given, so the grid would be empty');
  // Every point names a cluster: in the base with no axis overriding it, or on an axis without null values.
  const clusterAxis = axes.find((a) => a.name === 'cluster');
  const clusterGiven = clusterAxis ? clusterAxis.values.every((v) => v !== null) : base.cluster !== null && base.cluster !== undefined;
  for (const n of REQUIRED_NAMES) {
    if (clusterGiven && NAMES_FROM_CLUSTER.includes(n)) continue;
    if (base[n] === null && !axisNames.has(n)) report('study-missing-key', root, `base.${n}`, `'${n}' must be set in base or given as an axis`);
  }
  if (capacity !== null) {
    for (const n of ['rateQps', 'seed']) {
      if (axisNames.has(n)) report('study-capacity-axis', capacityNode, `axes.${n}`, `a capacity study searches the rate and averages over seeds itself; remove the '${n}' axis`);
    }
    if (base.sloTtftMs === null && base.sloTbtMs === null && !axisNames.has('sloTtftMs') && !axisNames.has('sloTbtMs')) {
      report('study-capacity-no-slo', capacityNode, 'capacity', 'capacity is judged against SLOs: set sloTtftMs or sloTbtMs in base or as an axis');
    }
  }
  data.problems.throwIfAny();
  return { name: name as string, base, axes, paramsByPolicy, capacity, baseEngineGiven: engineGiven };
}
