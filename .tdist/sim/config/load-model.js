import { quoteJson } from '../core/quote-input.js';
import { readConfig } from './config-files.js';
import { deepFreeze } from './deep-freeze.js';
import { reportAt } from '../input/yaml-document.js';
import { POSITIVE_INTEGER } from '../input/number-rule.js';
import { readRootMap, throwIfProblems } from '../input/yaml-fields.js';
/**
 * Element types a model YAML may name, with their bytes per element. bfloat16/float16 are what the
 * published Qwen3 and Llama-3.1 configs ship (`torch_dtype`); fp8 is the usual serving quantisation.
 */
export const DTYPE_BYTES = { bfloat16: 2, float16: 2, fp8: 1 };
const INTEGER_FIELDS = ['numLayers', 'hiddenSize', 'numQHeads', 'numKvHeads', 'headDim', 'ffnSize', 'vocabSize'];
const MODEL_KEYS = {
    required: ['name', ...INTEGER_FIELDS, 'dtype', 'tiedEmbeddings', 'source'],
    optional: ['qkNorm', 'maxModelLen'],
};
/** A bundled model by name ('qwen3-8b') or the user's own YAML by path. See sim/config/README.md. */
export function loadModel(nameOrPath, opts = {}) {
    const { file, text } = readConfig('models', nameOrPath, opts.cwd);
    return parseModelYaml(text, file);
}
/**
 * Parses a model YAML into a frozen ModelSpec, or throws one InputError listing every problem with its
 * file:line:column and key. `qkNorm` defaults to false (only Qwen3 of the bundled models has it);
 * `maxModelLen` (tokens) to none, so requests of any length are served.
 */
export function parseModelYaml(text, file) {
    const m = readRootMap(text, file, MODEL_KEYS);
    const data = m.data;
    const ints = Object.fromEntries(INTEGER_FIELDS.map((k) => [k, m.number(k, POSITIVE_INTEGER)]));
    const dtype = m.choice('dtype', Object.keys(DTYPE_BYTES));
    const name = m.string('name');
    const tiedEmbeddings = m.boolean('tiedEmbeddings');
    const qkNorm = m.has('qkNorm') ? m.boolean('qkNorm') : false;
    const maxModelLen = m.has('maxModelLen') ? m.number('maxModelLen', POSITIVE_INTEGER) : null;
    const source = m.string('source');
    if (source !== undefined && !/^https?:\/\//.test(source)) {
        reportAt(data, m.node('source'), 'source', 'bad-source', `expected the URL of the published config, got ${quoteJson(source)}`);
    }
    // Grouped-query attention shares each KV head among an equal number of query heads.
    const { numQHeads, numKvHeads } = ints;
    if (numQHeads !== undefined && numKvHeads !== undefined && numQHeads % numKvHeads !== 0) {
        reportAt(data, m.node('numKvHeads'), 'numKvHeads', 'bad-gqa', `numQHeads (${numQHeads}) must be a multiple of numKvHeads (${numKvHeads})`);
    }
    throwIfProblems(data);
    return deepFreeze({
        name: name,
        numLayers: ints.numLayers,
        hiddenSize: ints.hiddenSize,
        numQHeads: ints.numQHeads,
        numKvHeads: ints.numKvHeads,
        headDim: ints.headDim,
        ffnSize: ints.ffnSize,
        vocabSize: ints.vocabSize,
        dtypeBytes: DTYPE_BYTES[dtype],
        tiedEmbeddings: tiedEmbeddings,
        qkNorm: qkNorm,
        ...(maxModelLen != null ? { maxModelLenTokens: maxModelLen } : {}),
        source: source,
    });
}
