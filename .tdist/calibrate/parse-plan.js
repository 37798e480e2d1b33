import { JsonFields } from '../sim/input/json-fields.js';
import { ProblemList } from '../sim/input/problem-list.js';
import { parseBatch } from './parse-batch.js';
import { PLAN_VERSION } from './plan-format.js';
import { RUNNER_DTYPE_BYTES } from './op-work.js';
/**
 * Reads a plan file (what `calibrate plan` wrote, or a hand-written one) and checks it before any GPU
 * time is spent: version, models, unique ids, known kinds, and that every forward and concurrent
 * experiment names a model in `models`. Problems are reported together with their key path (the line
 * is the JSON's first line: a plan is one document).
 */
const EXPERIMENT_KINDS = ['ceiling_gemm', 'ceiling_bandwidth', 'op', 'forward', 'concurrent', 'clock_regime'];
export function parsePlan(text, file) {
    const problems = new ProblemList(file);
    const f = JsonFields.document(text, problems, 'calib.');
    const version = f.int('version', 1);
    if (version !== PLAN_VERSION && !Number.isNaN(version))
        f.fail('version', 'calib.version', `plan version ${version}; this duetsim reads version ${PLAN_VERSION}`);
    const modelsField = f.child('models');
    const models = {};
    if (modelsField) {
        for (const key of Object.keys(modelsField.obj)) {
            const m = modelsField.child(key);
            if (!m)
                continue;
            models[key] = {
                numLayers: m.int('numLayers', 1),
                hiddenSize: m.int('hiddenSize', 1),
                numQHeads: m.int('numQHeads', 1),
                numKvHeads: m.int('numKvHeads', 1),
                headDim: m.int('headDim', 1),
                ffnSize: m.int('ffnSize', 1),
                vocabSize: m.int('vocabSize', 1),
                qkNorm: m.bool('qkNorm'),
            };
        }
    }
    if (f.has('unseenModels')) {
        f.array('unseenModels').forEach((name, i) => {
            if (typeof name !== 'string' || !(name in models))
                f.fail('unseenModels', 'calib.unknown-model', `unseenModels[${i}]: '${String(name)}' is not in models (${Object.keys(models).join(', ')})`);
        });
    }
    f.int('repeats', 1);
    f.int('warmup', 0);
    const ids = new Set();
    for (const e of f.children('experiments')) {
        const id = e.str('id');
        if (ids.has(id))
            e.fail('id', 'calib.duplicate-id', `id '${id}' appears twice`);
        ids.add(id);
        const kind = e.oneOf('kind', EXPERIMENT_KINDS);
        if (kind === 'forward' || kind === 'concurrent' || kind === 'clock_regime') {
            const model = e.str('model');
            if (model && !(model in models))
                e.fail('model', 'calib.unknown-model', `model '${model}' is not in models (${Object.keys(models).join(', ')})`);
        }
        if (kind === 'forward') {
            e.int('sms', 1);
            const b = e.child('batch');
            if (b)
                parseBatch(b);
        }
        else if (kind === 'concurrent') {
            for (const side of ['prefill', 'decode']) {
                const s = e.child(side);
                if (!s)
                    continue;
                s.int('sms', 1);
                const b = s.child('batch');
                if (b)
                    parseBatch(b);
                if (side === 'decode')
                    s.int('k', 1);
            }
        }
        else if (kind === 'clock_regime') {
            e.int('sms', 1);
            const b = e.child('batch');
            if (b)
                parseBatch(b);
            const i = e.child('interleave');
            const ib = i?.child('batch');
            if (ib)
                parseBatch(ib);
            i?.int('k', 1);
            e.num('seconds', { min: 0.1 });
        }
        else if (kind !== '') {
            e.int('sms', 1);
        }
    }
    problems.throwIfAny();
    // Checked above; the runner reads the remaining per-kind fields itself.
    return f.obj;
}
/** The latency model's view of a plan model: bf16, as the runner builds it. */
export function modelSpecsOf(plan, source) {
    const out = {};
    for (const [name, m] of Object.entries(plan.models)) {
        out[name] = { name, ...m, dtypeBytes: RUNNER_DTYPE_BYTES, tiedEmbeddings: false, source };
    }
    return out;
}
