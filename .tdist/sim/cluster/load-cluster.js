import { dirname, isAbsolute, resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { isMap, isScalar } from 'yaml';
import { inputError } from '../core/input-error.js';
import { readTextFile } from '../core/read-text.js';
import { POLICIES } from '../policy/registry.js';
import { deepFreeze } from '../config/deep-freeze.js';
import { reportAt } from '../input/yaml-document.js';
import { NON_NEGATIVE, POSITIVE, POSITIVE_INTEGER } from '../input/number-rule.js';
import { childField, readEntries, readMap, readRootMap, readSeq, throwIfProblems } from '../input/yaml-fields.js';
import { LINK_PRESETS } from './link-presets.js';
import { ROUTERS, ROUTER_NAMES } from './routers/registry.js';
const CLUSTER_KEYS = {
    required: ['name', 'router', 'groups'],
    optional: ['routerParams', 'decodeRouter', 'decodeRouterParams', 'kvTransfer', 'interconnect'],
};
const GROUP_KEYS = {
    required: ['name', 'model', 'hardware', 'policy'],
    optional: ['role', 'count', 'tp', 'policyParams'],
};
const ROLES = ['aggregated', 'prefill', 'decode'];
const KV_MODES = ['whole', 'layerwise'];
/** Keys only a disaggregated cluster (prefill and decode groups) may set. */
const DISAGG_KEYS = ['decodeRouter', 'decodeRouterParams', 'kvTransfer', 'interconnect'];
const DEFAULT_DECODE_ROUTER = 'least-outstanding';
/**
 * Instances per group. Each is simulated (queues, KV cache, a policy): 4096 is 64 times the largest
 * cluster benchmarked (BENCHMARKS.md, "64 instances") and still fits in memory; `count: 1e9` used to be
 * accepted and never finished building.
 */
const INSTANCE_COUNT = { ...POSITIVE_INTEGER, max: 4096, why: 'instances simulated per group' };
/** Reads a cluster YAML by path (resolved against `cwd`). */
export function loadCluster(path, cwd = process.cwd()) {
    const file = isAbsolute(path) ? path : resolve(cwd, path);
    if (!existsSync(file))
        throw inputError('file-not-found', file, 0, '', 'no such cluster config file');
    return parseClusterYaml(readTextFile(file, file), file);
}
/**
 * Parses a cluster YAML into a frozen ClusterSpec, or throws one InputError listing every problem with
 * file:line:column and key. Defaults: role aggregated, count 1, tp 1, no policy parameters, router
 * parameters at the router's defaults, decode router least-outstanding.
 */
export function parseClusterYaml(text, file) {
    const m = readRootMap(text, file, CLUSTER_KEYS);
    const data = m.data;
    const name = m.string('name');
    const router = readRouter(m, 'router', 'routerParams');
    const groupNodes = m.read('groups', (n, f) => readSeq(data, n, f));
    const groups = [];
    groupNodes?.forEach((n, i) => {
        const g = readGroup(data, n, childField('groups', i));
        if (g)
            groups.push(g);
    });
    if (groups.length === (groupNodes?.length ?? -1))
        checkGroups(data, m, groups, groupNodes);
    const roles = new Set(groups.map((g) => g.role));
    const disaggregated = roles.has('prefill') || roles.has('decode');
    let disaggregation = null;
    if (disaggregated) {
        const decodeRouter = m.has('decodeRouter') ? readRouter(m, 'decodeRouter', 'decodeRouterParams') : routerWithDefaults(DEFAULT_DECODE_ROUTER);
        const kvTransfer = m.choice('kvTransfer', KV_MODES);
        const interconnect = m.read('interconnect', (n, f) => readInterconnect(data, n, f));
        for (const k of ['kvTransfer', 'interconnect']) {
            if (!m.has(k))
                reportAt(data, data.root, k, 'missing-key', `a disaggregated cluster (prefill and decode groups) needs '${k}'`);
        }
        if (decodeRouter && kvTransfer && interconnect)
            disaggregation = { decodeRouter, kvTransfer, interconnect };
    }
    else {
        for (const k of DISAGG_KEYS) {
            if (m.has(k))
                reportAt(data, m.node(k), k, 'not-disaggregated', `'${k}' applies only to a cluster with prefill and decode groups`);
        }
    }
    throwIfProblems(data);
    return deepFreeze({ name: name, file, groups, router: router, disaggregation });
}
function readGroup(data, node, field) {
    const g = readMap(data, node, field, GROUP_KEYS);
    if (g === undefined)
        return undefined;
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
    if ([name, role, count, tp, model, hardware, policy, policyParams].some((v) => v === undefined))
        return undefined;
    const line = (key) => lineOf(data, key === '' ? node : g.node(key));
    return {
        name: name,
        role: role,
        count: count,
        model: model,
        hardware: hardware,
        policy: policy,
        policyParams: policyParams,
        tp: tp,
        lines: { group: line(''), model: line('model'), hardware: line('hardware'), policy: line('policy'), tp: g.has('tp') ? line('tp') : line('') },
    };
}
/** Cross-group rules: unique names, one model, and either all aggregated or prefill plus decode pools. */
function checkGroups(data, m, groups, nodes) {
    const seen = new Set();
    groups.forEach((g, i) => {
        const at = (key) => (isMap(nodes[i]) ? nodes[i].get(key, true) : nodes[i]);
        if (seen.has(g.name))
            reportAt(data, at('name'), `groups[${i}].name`, 'duplicate-group', `group name '${g.name}' is used twice`);
        seen.add(g.name);
        // One cluster serves one model: a request may land on any instance (or move from prefill to decode).
        if (g.model !== groups[0].model)
            reportAt(data, at('model'), `groups[${i}].model`, 'mixed-models', `every group must serve the same model; groups[0] has '${groups[0].model}'`);
    });
    const roles = new Set(groups.map((g) => g.role));
    if (roles.has('aggregated') && roles.size > 1) {
        reportAt(data, m.node('groups'), 'groups', 'mixed-roles', 'groups are either all aggregated or prefill and decode pools, not both');
    }
    else if (roles.has('prefill') !== roles.has('decode')) {
        const missing = roles.has('prefill') ? 'decode' : 'prefill';
        reportAt(data, m.node('groups'), 'groups', 'missing-pool', `a disaggregated cluster needs a ${missing} group too`);
    }
}
function readRouter(m, key, paramsKey) {
    const data = m.data;
    const name = m.choice(key, ROUTER_NAMES);
    if (name === undefined)
        return undefined;
    const factory = ROUTERS[name];
    const declared = Object.keys(factory.params);
    if (!m.has(paramsKey))
        return routerWithDefaults(name);
    const p = readMap(data, m.node(paramsKey), m.path(paramsKey), { required: [], optional: declared });
    if (p === undefined)
        return undefined;
    const params = {};
    for (const [k, spec] of Object.entries(factory.params)) {
        const v = p.has(k) ? p.number(k, spec.rule) : spec.default;
        if (v === undefined)
            return undefined;
        params[k] = v;
    }
    return { name, params };
}
function routerWithDefaults(name) {
    const factory = ROUTERS[name];
    return { name, params: Object.fromEntries(Object.entries(factory.params).map(([k, p]) => [k, p.default])) };
}
/** A preset name (`nvlink4`, `infiniband-ndr`, …) or a map of kind, bandwidthBytesPerS and latencyUs. */
function readInterconnect(data, node, field) {
    if (isScalar(node) && typeof node.value === 'string') {
        const preset = node.value;
        if (Object.hasOwn(LINK_PRESETS, preset))
            return LINK_PRESETS[preset];
        reportAt(data, node, field, 'unknown-link', `unknown link '${preset}'; presets: ${Object.keys(LINK_PRESETS).join(', ')} (or a map of kind, bandwidthBytesPerS, latencyUs)`);
        return undefined;
    }
    const i = readMap(data, node, field, { required: ['kind', 'bandwidthBytesPerS', 'latencyUs'] });
    const kind = i?.string('kind');
    const bandwidthBytesPerS = i?.number('bandwidthBytesPerS', POSITIVE);
    const latencyUs = i?.number('latencyUs', NON_NEGATIVE);
    if (kind === undefined || bandwidthBytesPerS === undefined || latencyUs === undefined)
        return undefined;
    return { kind, bandwidthBytesPerS, latencyUs };
}
/** A map of parameter name to a number, string or boolean (policy parameters are checked by the policy). */
function readScalarMap(data, node, field) {
    const before = data.problems.count;
    const out = {};
    for (const { key, value } of readEntries(data, node, field) ?? []) {
        const v = isScalar(value) ? value.value : undefined;
        if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean')
            out[key] = v;
        else
            reportAt(data, value, childField(field, key), 'wrong-type', 'expected a number, string or boolean');
    }
    return data.problems.count === before ? out : undefined;
}
function lineOf(data, node) {
    const offset = node?.range?.[0];
    return offset === undefined ? 0 : data.lineCounter.linePos(offset).line;
}
/** The folder relative model and hardware paths in a cluster file resolve against. */
export function clusterDir(spec) {
    return dirname(spec.file);
}
