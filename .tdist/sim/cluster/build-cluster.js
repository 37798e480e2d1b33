import { kvBytesPerToken, weightBytes } from '../model/model-spec.js';
import { getPolicy } from '../policy/registry.js';
import { loadModel } from '../config/load-model.js';
import { loadHardware } from '../config/load-hardware.js';
import { InputError, inputError } from '../core/input-error.js';
import { Instance } from '../engine/instance.js';
import { DecodeRole, handoffLoop, PrefillRole } from './disaggregation.js';
import { kvCapacityBlocks } from '../engine/kv-capacity.js';
import { clusterDir } from './load-cluster.js';
import { kvTransferBytesPerLink, layerwiseArrivalUs, parallelKvStreams, wholeArrivalUs } from './kv-transfer.js';
import { ROUTERS } from './routers/registry.js';
import { TransferLog } from './cluster-summary.js';
export const loadGroupInputs = (g, cwd, useCalibration) => ({
    model: loadModel(g.model, { cwd }),
    hw: loadHardware(g.hardware, { cwd, useCalibration }),
});
/**
 * Loads every group's model and hardware, checks what only they can tell (TP divides the heads, the
 * weights leave room for KV), and builds the instances with their policies, routers and hand-off rules.
 * Errors name the cluster file and the line of the group's offending key.
 */
export function buildCluster(cluster, spec, metrics, onStep, load = loadGroupInputs) {
    const cwd = clusterDir(cluster);
    const groups = cluster.groups.map((g, i) => {
        const { model, hw } = load(g, cwd, spec.useCalibration);
        const at = `groups[${i}]`;
        // Heads and the FFN are split evenly over a TP group (Megatron-style column/row parallel layers).
        for (const [what, n] of [['numQHeads', model.numQHeads], ['ffnSize', model.ffnSize]]) {
            if (n % g.tp !== 0)
                throw inputError('bad-tp', cluster.file, g.lines.tp, `${at}.tp`, `tp ${g.tp} does not divide ${model.name}'s ${what} (${n})`);
        }
        const kvBlocks = kvCapacityBlocks(model, hw, spec.engine, g.tp);
        if (kvBlocks <= 0) {
            throw inputError('model-does-not-fit', cluster.file, g.lines.hardware, `${at}.hardware`, `${model.name} weights (${(weightBytes(model) / 1e9).toFixed(1)} GB over tp ${g.tp}) leave no room for a KV cache on ${hw.name} at gpuMemoryUtilization ${spec.engine.gpuMemoryUtilization}`);
        }
        return { spec: g, model, hw, kvBlocks };
    });
    const instances = [];
    const groupOf = [];
    const sides = [];
    groups.forEach((g, gi) => {
        for (let c = 0; c < g.spec.count; c++) {
            const policy = createPolicy(cluster, g, gi, spec.sloTbtMs);
            const side = g.spec.role === 'prefill' ? new PrefillRole() : g.spec.role === 'decode' ? new DecodeRole() : null;
            const cfg = { id: instances.length, ...(side ? { role: side } : {}), model: g.model, hw: g.hw, tpDegree: g.spec.tp, engine: spec.engine, policy, kvBlocks: g.kvBlocks };
            instances.push(new Instance(cfg, metrics, onStep));
            groupOf.push(gi);
            sides.push(side);
        }
    });
    const arrivalPool = indicesWhere(instances, (i) => !(i.cfg.role instanceof DecodeRole));
    const arrivalViews = arrivalPool.map((i) => instances[i]);
    const router = createRouter(cluster.router, spec.seed, 'router');
    const routed = new Array(instances.length).fill(0);
    const route = (req) => {
        const idx = arrivalPool[router.pick(req, arrivalViews)];
        routed[idx]++;
        return idx;
    };
    const transfers = new TransferLog(instances.length);
    const loop = cluster.disaggregation ? handoffLoop(instances, handoffRules(cluster.disaggregation, instances, spec.seed, transfers)) : null;
    return { groups, instances, groupOf, route, routed, sides, loop, transfers };
}
function handoffRules(d, instances, seed, log) {
    const decodePool = indicesWhere(instances, (i) => i.cfg.role instanceof DecodeRole);
    const decodeViews = decodePool.map((i) => instances[i]);
    const router = createRouter(d.decodeRouter, seed, 'router/decode');
    // Admission is checked against the smallest decode cache, so any decode instance the router picks can hold it.
    const smallest = decodeViews.reduce((a, b) => (b.kv.totalBlocks < a.kv.totalBlocks ? b : a));
    for (const inst of instances)
        if (inst.cfg.role instanceof PrefillRole)
            inst.cfg.role.smallestDecode = smallest;
    // Each prefill instance's links send one request's KV at a time; this is when each is next free. Calls
    // come in event order (a prefill's end, or later), so first come, first sent.
    const linkFreeAtUs = new Map();
    return {
        routeDecode: (req) => decodePool[router.pick(req, decodeViews)],
        reserveAtAdmission: d.kvTransfer === 'layerwise',
        kvArrivalUs: (h, to, reservedAtUs) => {
            const model = h.from.cfg.model;
            const streams = parallelKvStreams(h.from.cfg.tpDegree, to.cfg.tpDegree, model.numKvHeads);
            const bytes = kvTransferBytesPerLink(h.seq.req.promptTokens, kvBytesPerToken(model), streams);
            // Streaming beside the prefill needs the decode blocks reserved before the prefill ended (at its
            // admission); a hand-off that found no room then sends the finished KV whole once it has room.
            const overlapped = d.kvTransfer === 'layerwise' && reservedAtUs < h.prefillEndUs;
            const free = linkFreeAtUs.get(h.from) ?? -Infinity;
            const at = overlapped
                ? layerwiseArrivalUs(h.prefillStartUs, h.prefillEndUs, model.numLayers, bytes, d.interconnect, free)
                : wholeArrivalUs(Math.max(reservedAtUs, h.prefillEndUs, free), bytes, d.interconnect);
            linkFreeAtUs.set(h.from, at);
            log.record(h, to, reservedAtUs, at, bytes * streams);
            return at;
        },
    };
}
/** A fresh policy per instance (policies may keep per-instance state); parameter errors point at the group. */
function createPolicy(cluster, g, gi, sloTbtMs) {
    try {
        return getPolicy(g.spec.policy, cluster.file).create(g.spec.policyParams, { model: g.model, hw: g.hw, tpDegree: g.spec.tp, sloTbtMs });
    }
    catch (e) {
        if (!(e instanceof InputError))
            throw e;
        throw new InputError(e.problems.map((p) => ({ ...p, file: cluster.file, line: g.spec.lines.policy, column: 0, field: `groups[${gi}].policyParams.${p.field}` })));
    }
}
function createRouter(choice, seed, stream) {
    const factory = ROUTERS[choice.name];
    return factory.create(choice.params, { seed, stream });
}
function indicesWhere(instances, keep) {
    const out = [];
    instances.forEach((inst, i) => {
        if (keep(inst))
            out.push(i);
    });
    return out;
}
