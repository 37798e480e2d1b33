import { readConfig } from './config-files.js';
import { deepFreeze } from './deep-freeze.js';
import { readPerf } from './parse-perf.js';
import { reportAt } from '../input/yaml-document.js';
import { NON_NEGATIVE, POSITIVE, POSITIVE_INTEGER } from '../input/number-rule.js';
import { readMap, readRootMap, throwIfProblems } from '../input/yaml-fields.js';
const HARDWARE_KEYS = {
    required: ['name', 'smCount', 'peakBf16FlopsPerS', 'hbmBandwidthBytesPerS', 'hbmCapacityBytes', 'l2Bytes', 'partition', 'interconnect', 'overheads', 'perf'],
    optional: ['calibrated', 'servingCorrection'],
};
const MECHANISMS = ['green-context', 'tpc-mask'];
const OVERHEAD_KEYS = ['schedulingUs', 'graphLaunchUs', 'eagerLaunchUsPerKernel', 'samplingUs'];
/** A bundled GPU by name ('h200') or the user's own YAML by path. See sim/config/README.md. */
export function loadHardware(nameOrPath, opts = {}) {
    const config = loadHardwareConfig(nameOrPath, opts);
    if (opts.useCalibration === false || config.calibrated === null)
        return config.seed;
    const perf = config.servingCorrection && opts.useServingCorrection !== false ? withServingCorrection(config.calibrated, config.servingCorrection) : config.calibrated;
    return deepFreeze({ ...config.seed, perf });
}
/** The calibrated perf with a closed-loop serving correction applied (see ServingCorrection). */
export function withServingCorrection(perf, c) {
    return {
        ...perf,
        computeFlopsPerS: perf.computeFlopsPerS.map((p) => ({ smCount: p.smCount, value: p.value / c.computeScale })),
        bandwidthBytesPerS: perf.bandwidthBytesPerS.map((p) => ({ smCount: p.smCount, value: p.value / c.memoryScale })),
        // The physics form streams each class at its saturating W(S), not at the curve above: scaled alike, or a
        // correction fitted on such a calibration would leave its memory-bound time untouched.
        ...(perf.bandwidthModel
            ? { bandwidthModel: { ...perf.bandwidthModel, perSmBytesPerS: perf.bandwidthModel.perSmBytesPerS / c.memoryScale, maxBytesPerS: perf.bandwidthModel.maxBytesPerS / c.memoryScale } }
            : {}),
        contention: { compute: c.contentionCompute, memory: c.contentionMemory },
        provenance: `${perf.provenance}; serving correction: ${c.provenance}`,
    };
}
export function loadHardwareConfig(nameOrPath, opts = {}) {
    const { file, text } = readConfig('hardware', nameOrPath, opts.cwd);
    return parseHardwareYaml(text, file);
}
/**
 * Parses a hardware YAML, or throws one InputError listing every problem with file:line:column and key.
 * Default filled in: `partition.minSms` = `partition.granularitySms` when absent.
 */
export function parseHardwareYaml(text, file) {
    const m = readRootMap(text, file, HARDWARE_KEYS);
    const data = m.data;
    const name = m.string('name');
    const smCount = m.number('smCount', POSITIVE_INTEGER);
    const peakBf16FlopsPerS = m.number('peakBf16FlopsPerS', POSITIVE);
    const hbmBandwidthBytesPerS = m.number('hbmBandwidthBytesPerS', POSITIVE);
    const hbmCapacityBytes = m.number('hbmCapacityBytes', POSITIVE);
    const l2Bytes = m.number('l2Bytes', POSITIVE_INTEGER);
    const partition = m.read('partition', (n, f) => readPartition(data, n, f, smCount));
    const interconnect = m.read('interconnect', (n, f) => readInterconnect(data, n, f));
    const overheads = m.read('overheads', (n, f) => readOverheads(data, n, f));
    const limits = { smCount, peakFlopsPerS: peakBf16FlopsPerS, peakBytesPerS: hbmBandwidthBytesPerS };
    const perf = m.read('perf', (n, f) => readPerf(data, n, f, limits));
    const calibrated = m.has('calibrated') ? m.read('calibrated', (n, f) => readPerf(data, n, f, limits)) : null;
    const servingCorrection = m.has('servingCorrection') ? m.read('servingCorrection', (n, f) => readServingCorrection(data, n, f)) : null;
    if (servingCorrection && !m.has('calibrated'))
        reportAt(data, null, 'servingCorrection', 'hw.serving-without-calibration', 'a serving correction applies on top of a `calibrated:` section; this file has none');
    throwIfProblems(data);
    const seed = {
        name: name,
        smCount: smCount,
        peakBf16FlopsPerS: peakBf16FlopsPerS,
        hbmBandwidthBytesPerS: hbmBandwidthBytesPerS,
        hbmCapacityBytes: hbmCapacityBytes,
        l2Bytes: l2Bytes,
        partition: partition,
        interconnect: interconnect,
        overheads: overheads,
        perf: perf,
    };
    return deepFreeze({ seed, calibrated: calibrated ?? null, servingCorrection: servingCorrection ?? null });
}
function readServingCorrection(data, node, field) {
    const c = readMap(data, node, field, { required: ['computeScale', 'memoryScale', 'contentionCompute', 'contentionMemory', 'provenance'] });
    if (c === undefined)
        return undefined;
    // A factor outside [0.25, 4] is no correction but a broken fit or a typo.
    const SCALE = { min: 0.25, max: 4 };
    const out = {
        computeScale: c.number('computeScale', SCALE),
        memoryScale: c.number('memoryScale', SCALE),
        contentionCompute: c.number('contentionCompute', { min: 0, max: 10 }),
        contentionMemory: c.number('contentionMemory', { min: 0, max: 10 }),
        provenance: c.string('provenance'),
    };
    return Object.values(out).some((v) => v === undefined) ? undefined : out;
}
function readPartition(data, node, field, smCount) {
    const p = readMap(data, node, field, { required: ['mechanism', 'granularitySms'], optional: ['minSms'] });
    if (p === undefined)
        return undefined;
    const within = { ...POSITIVE_INTEGER, max: smCount, why: smCount === undefined ? undefined : `the GPU has ${smCount} SMs` };
    const mechanism = p.choice('mechanism', MECHANISMS);
    const granularitySms = p.number('granularitySms', within);
    const minSms = p.has('minSms') ? p.number('minSms', within) : granularitySms;
    if (granularitySms !== undefined && minSms !== undefined && minSms < granularitySms) {
        reportAt(data, p.node('minSms'), p.path('minSms'), 'out-of-range', `minSms (${minSms}) is below granularitySms (${granularitySms})`);
        return undefined;
    }
    return mechanism === undefined || granularitySms === undefined || minSms === undefined ? undefined : { mechanism, granularitySms, minSms };
}
function readInterconnect(data, node, field) {
    const i = readMap(data, node, field, { required: ['kind', 'bandwidthBytesPerS', 'latencyUs'] });
    const kind = i?.string('kind');
    const bandwidthBytesPerS = i?.number('bandwidthBytesPerS', POSITIVE);
    const latencyUs = i?.number('latencyUs', NON_NEGATIVE);
    return kind === undefined || bandwidthBytesPerS === undefined || latencyUs === undefined ? undefined : { kind, bandwidthBytesPerS, latencyUs };
}
function readOverheads(data, node, field) {
    const o = readMap(data, node, field, { required: OVERHEAD_KEYS });
    if (o === undefined)
        return undefined;
    // Zero is a legitimate host cost (e.g. sampling folded into the graph); negative is not.
    const values = OVERHEAD_KEYS.map((k) => o.number(k, NON_NEGATIVE));
    if (values.some((v) => v === undefined))
        return undefined;
    return Object.fromEntries(OVERHEAD_KEYS.map((k, i) => [k, values[i]]));
}
