import { dirname, isAbsolute, resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { isMap, isScalar, type Node } from 'yaml';
import { inputError } from '../core/input-error.js';
import { readTextFile } from '../core/read-text.js';
import type { InterconnectSpec } from '../hardware/hardware-spec.js';
import { POLICIES } from '../policy/registry.js';
import { deepFreeze } from '../config/deep-freeze.js';
import { reportAt, type YamlData } from '../input/yaml-document.js';
import { NON_NEGATIVE, POSITIVE, POSITIVE_INTEGER } from '../input/number-rule.js';
import { childField, readEntries, readMap, readRootMap, readSeq, throwIfProblems, type MapFields } from '../input/yaml-fields.js';
import type { ClusterSpec, DisaggregationSpec, GroupRole, InstanceGroupSpec, RouterChoice } from './cluster-spec.js';
import { LINK_PRESETS, type LinkPresetName } from './link-presets.js';
import type { KvTransferMode } from './kv-transfer.js';
import { ROUTERS, ROUTER_NAMES, type RouterName } from './routers/registry.js';
import type { RouterFactory } from './routers/router.js';

const CLUSTER_KEYS = {
  required: ['name', 'router', 'groups'],
  optional: ['routerParams', 'decodeRouter', 'decodeRouterParams', 'kvTransfer', 'interconnect'],
} as const;
const GROUP_KEYS = {
  required: ['name', 'model', 'hardware', 'policy'],
  optional: ['role', 'count', 'tp', 'policyParams'],
} as const;
const ROLES: readonly GroupRole[] = ['aggregated', 'prefill', 'decode'];
const KV_MODES: readonly KvTransferMode[] = ['whole', 'layerwise'];
/** Keys only a disaggregated cluster (prefill and decode groups) may set. */
const DISAGG_KEYS = ['decodeRouter', 'decodeRouterParams', 'kvTransfer', 'interconnect'] as const;
const DEFAULT_DECODE_ROUTER: RouterName = 'least-outstanding';
/**
 * Instances per group. Each is simulated (queues, KV cache, a policy): 4096 is 64 times the largest
 * cluster benchmarked (BENCHMARKS.md, "64 instances") and still fits in memory; `count: 1e9` used to be
 * accepted and never finished building.
 */
const INSTANCE_COUNT = { ...POSITIVE_INTEGER, max: 4096, why: 'instances simulated per group' };

/** Reads a cluster YAML by path (resolved against `cwd`). */
export function loadCluster(path: string, cwd: string = process.cwd()): ClusterSpec {
  const file = isAbsolute(path) ? path : resolve(cwd, path);
  if (!existsSync(file)) throw inputError('file-not-found', file, 0, '', 'no such cluster config file');
  return parseClusterYaml(readTextFile(file, file), file);
}

/**
 * Parses a cluster YAML into a frozen ClusterSpec, or throws one InputError listing every problem with
 * file:line:column and key. Defaults: role aggregated, count 1, tp 1, no policy parameters, router
 * parameters at the router's defaults, decode router least-outstanding.
 */
export function parseClusterYaml(text: string, file: string): ClusterSpec {
  const m = readRootMap(text, file, CLUSTER_KEYS);
  const data = m.data;
  const name = m.string('name');
  const router = readRouter(m, 'router', 'routerParams');
  const groupNodes = m.read('groups', (n, f) => readSeq(data, n, f));
  const groups: InstanceGroupSpec[] = [];
  groupNodes?.forEach((n, i) => {
    const g = readGroup(data, n, childField('groups', i));
    if (g) groups.push(g);
  });
  if (groups.length === (groupNodes?.length ?? -1)) checkGroups(data, m, groups, groupNodes!);
  const roles = new Set(groups.map((g) => g.role));
  const disaggregated = roles.has('prefill') || roles.has('decode');
  let disaggregation: DisaggregationSpec | null = null;
  if (disaggregated) {
    const decodeRouter = m.has('decodeRouter') ? readRouter(m, 'decodeRouter', 'decodeRouterParams') : routerWithDefaults(DEFAULT_DECODE_ROUTER);
    const kvTransfer = m.choice('kvTransfer', KV_MODES);
    const interconnect = m.read('interconnect', (n, f) => readInterconnect(data, n, f));
    for (const k of ['kvTransfer', 'interconnect'] as const) {
      if (!m.has(k)) reportAt(data, data.root, k, 'missing-key', `a disaggregated cluster (prefill and decode groups) needs '${k}'`);
    }
    if (decodeRouter && kvTransfer && interconnect) disaggregation = { decodeRouter, kvTransfer, interconnect };
  } else {
    for (const k of DISAGG_KEYS) {
      if (m.has(k)) reportAt(data, m.node(k), k, 'not-disaggregated', `'${k}' applies only to a cluster with prefill and decode groups`);
    }
  }
  throwIfProblems(data);
  return deepFreeze({ name: name!, file, groups, router: router!, disaggregation });
}

function readGroup(data: YamlData, node: Node | null, field: string): InstanceGroupSpec | undefined {
  const g = readMap(data, node, field, GROUP_KEYS);
  if (g === undefined) return undefined;
  const name = g.string('name');
  const role = g.has('role') ? g.choice('role', ROLES) : 'aggregated';
  const count = g.has('count') ? g.number('count', INSTANCE_COUNT) : 1;
  const tp = g.has('tp') ? g.number('tp', POSITIVE_INTEGER) : 1;
  const model = g.string('model');
  const hardware = g.string('hardware');
  const policy = g.string('policy');
  if (policy !== undefined && !Object.hasOwn(POLICIES, policy)) {
    reportAt(data, g.node('policy'), g.path('policy'), 'unknown-policy', `unknown policy '${policy}'; valid: ${Object.keys(POLICIES).join(', ')}`);
  }
  const policyParams = g.has('policyParams') ? readScalarMap(data, g.node('policyParams'), g.path('policyParams')) : {};
  if ([name, role, count, tp, model, hardware, policy, policyParams].some((v) => v === undefined)) return undefined;
  const line = (key: string) => lineOf(data, key === '' ? node : g.node(key));
  return {
    name: name!,
    role: role!,
    count: count!,
    model: model!,
    hardware: hardware!,
    policy: policy!,
    policyParams: policyParams!,
    tp: tp!,
    lines: { group: line(''), model: line('model'), hardware: line('hardware'), policy: line('policy'), tp: g.has('tp') ? line('tp') : line('') },
  };
}

/** Cross-group rules: unique names, one model, and either all aggregated or prefill plus decode pools. */
function checkGroups(data: YamlData, m: MapFields, groups: readonly InstanceGroupSpec[], nodes: readonly (Node | null)[]): void {
  const seen = new Set<string>();
  groups.forEach((g, i) => {
    const at = (key: string) => (isMap(nodes[i]) ? (nodes[i] as { get(k: string, keep: true): Node }).get(key, true) : nodes[i]);
    if (seen.has(g.name)) reportAt(data, at('name'), `groups[${i}].name`, 'duplicate-group', `group name '${g.name}' is used twice`);
    seen.add(g.name);
    // One cluster serves one model: a request may land on any instance (or move from prefill to decode).
    if (g.model !== groups[0].model) reportAt(data, at('model'), `groups[${i}].model`, 'mixed-models', `every group must serve the same model; groups[0] has '${groups[0].model}'`);
  });
  const roles = new Set(groups.map((g) => g.role));
  if (roles.has('aggregated') && roles.size > 1) {
    reportAt(data, m.node('groups'), 'groups', 'mixed-roles', 'groups are either all aggregated or prefill and decode pools, not both');
  } else if (roles.has('prefill') !== roles.has('decode')) {
    const missing = roles.has('prefill') ? 'decode' : 'prefill';
    reportAt(data, m.node('groups'), 'groups', 'missing-pool', `a disaggregated cluster needs a ${missing} group too`);
  }
}

function readRouter(m: MapFields, key: string, paramsKey: string): RouterChoice | undefined {
  const data = m.data;
  const name = m.choice(key, ROUTER_NAMES);
  if (name === undefined) return undefined;
  const factory: RouterFactory = ROUTERS[name];
  const declared = Object.keys(factory.params);
  if (!m.has(paramsKey)) return routerWithDefaults(name);
  const p = readMap(data, m.node(paramsKey), m.path(paramsKey), { required: [], optional: declared });
  if (p === undefined) return undefined;
  const params: Record<string, number> = {};
  for (const [k, spec] of Object.entries(factory.params)) {
    const v = p.has(k) ? p.number(k, spec.rule) : spec.default;
    if (v === undefined) return undefined;
    params[k] = v;
  }
  return { name, params };
}

function routerWithDefaults(name: RouterName): RouterChoice {
  const factory: RouterFactory = ROUTERS[name];
  return { name, params: Object.fromEntries(Object.entries(factory.params).map(([k, p]) => [k, p.default])) };
}

/** A preset name (`nvlink4`, `infiniband-ndr`, …) or a map of kind, bandwidthBytesPerS and latencyUs. */
function readInterconnect(data: YamlData, node: Node | null, field: string): InterconnectSpec | undefined {
  if (isScalar(node) && typeof node.value === 'string') {
    const preset = node.value;
    if (Object.hasOwn(LINK_PRESETS, preset)) return LINK_PRESETS[preset as LinkPresetName];
    reportAt(data, node, field, 'unknown-link', `unknown link '${preset}'; presets: ${Object.keys(LINK_PRESETS).join(', ')} (or a map of kind, bandwidthBytesPerS, latencyUs)`);
    return undefined;
  }
  const i = readMap(data, node, field, { required: ['kind', 'bandwidthBytesPerS', 'latencyUs'] });
  const kind = i?.string('kind');
  const bandwidthBytesPerS = i?.number('bandwidthBytesPerS', POSITIVE);
  const latencyUs = i?.number('latencyUs', NON_NEGATIVE);
  if (kind === undefined || bandwidthBytesPerS === undefined || latencyUs === undefined) return undefined;
  return { kind, bandwidthBytesPerS, latencyUs };
}

/** A map of parameter name to a number, string or boolean (policy parameters are checked by the policy). */
function readScalarMap(data: YamlData, node: Node | null, field: string): Record<string, number | string | boolean> | undefined {
  const before = data.problems.count;
  const out: Record<string, number | string | boolean> = {};
  for (const { key, value } of readEntries(data, node, field) ?? []) {
    const v = isScalar(value) ? value.value : undefined;
    if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') out[key] = v;
    else reportAt(data, value, childField(field, key), 'wrong-type', 'expected a number, string or boolean');
  }
  return data.problems.count === before ? out : undefined;
}

function lineOf(data: YamlData, node: Node | null | undefined): number {
  const offset = node?.range?.[0];
  return offset === undefined ? 0 : data.lineCounter.linePos(offset).line;
}

/** The folder relative model and hardware paths in a cluster file resolve against. */
export function clusterDir(spec: ClusterSpec): string {
  return dirname(spec.file);
}
