import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadModel, parseModelYaml } from '../../../sim/config/load-model.js';
import { listBundled } from '../../../sim/config/config-files.js';
import { parameterCount } from '../../../sim/model/model-spec.js';
import { expectInputError as expectConfigError } from '../../util/expect-input-error.js';
import { TINY_MODEL_YAML, lineOf } from '../../util/config-fixtures.js';
const FILE = 'my-model.yaml';
const VALID = TINY_MODEL_YAML;
test('every bundled model loads, with the published architecture numbers', () => {
    assert.deepEqual(listBundled('models'), ['llama-3.1-70b', 'llama-3.1-8b', 'qwen3-14b', 'qwen3-8b']);
    for (const name of listBundled('models')) {
        const m = loadModel(name);
        assert.equal(m.name, name);
        assert.equal(m.dtypeBytes, 2);
        assert.match(m.source, /^https:\/\/huggingface\.co\//);
        assert.ok(Object.isFrozen(m));
    }
    const q14 = loadModel('qwen3-14b');
    assert.deepEqual([q14.numLayers, q14.hiddenSize, q14.numQHeads, q14.numKvHeads, q14.ffnSize, q14.vocabSize], [40, 5120, 40, 8, 17408, 151936]);
    assert.equal(q14.qkNorm, true);
    const l70 = loadModel('llama-3.1-70b');
    assert.deepEqual([l70.numLayers, l70.hiddenSize, l70.numQHeads, l70.headDim, l70.ffnSize, l70.tiedEmbeddings], [80, 8192, 64, 128, 28672, false]);
});
test('bundled models carry their published max_position_embeddings as the maximum model length', () => {
    const lens = ['qwen3-8b', 'qwen3-14b', 'llama-3.1-8b', 'llama-3.1-70b'].map((n) => loadModel(n).maxModelLenTokens);
    assert.deepEqual(lens, [40960, 40960, 131072, 131072]);
});
test('parameter counts match the published totals: Qwen3-8B 8.2 B, Llama-3.1-8B 8,030,261,248', () => {
    const qwen = parameterCount(loadModel('qwen3-8b'));
    assert.equal(qwen, 8_190_735_360);
    assert.ok(Math.abs(qwen / 8.2e9 - 1) < 0.005, `${qwen} is not ~8.2 B`);
    assert.equal(parameterCount(loadModel('llama-3.1-8b')), 8_030_261_248);
    // Qwen3-14B card: 14.8 B total, 13.2 B without the two 151936 x 5120 embedding matrices.
    const q14 = loadModel('qwen3-14b');
    const q14Count = parameterCount(q14);
    assert.ok(Math.abs(q14Count / 14.8e9 - 1) < 0.005);
    assert.ok(Math.abs((q14Count - 2 * q14.vocabSize * q14.hiddenSize) / 13.2e9 - 1) < 0.005);
});
test('dtype maps to bytes per element and qkNorm defaults to false', () => {
    assert.equal(parseModelYaml(VALID, FILE).dtypeBytes, 2);
    assert.equal(parseModelYaml(VALID.replace('bfloat16', 'float16'), FILE).dtypeBytes, 2);
    assert.equal(parseModelYaml(VALID.replace('bfloat16', 'fp8'), FILE).dtypeBytes, 1);
    assert.equal(parseModelYaml(VALID, FILE).qkNorm, false);
    assert.equal(parseModelYaml(VALID + 'qkNorm: true\n', FILE).qkNorm, true);
});
test('a typo in a key is an unknown-key error at its line, listing the valid keys', () => {
    const text = VALID.replace('numLayers', 'numLayer');
    const [p] = expectConfigError(() => parseModelYaml(text, FILE), [
        { code: 'unknown-key', file: FILE, line: lineOf(text, 'numLayer'), column: 1, field: 'numLayer' },
        { code: 'missing-key', field: 'numLayers' },
    ]);
    assert.match(p.message, /valid keys here: name, numLayers, hiddenSize/);
});
test('wrong types, non-positive and fractional counts are each reported with line and key, all at once', () => {
    const text = VALID.replace('hiddenSize: 64', 'hiddenSize: "64"').replace('ffnSize: 128', 'ffnSize: -128').replace('vocabSize: 1000', 'vocabSize: 10.5').replace('tiedEmbeddings: true', 'tiedEmbeddings: yes');
    const problems = expectConfigError(() => parseModelYaml(text, FILE), [
        { code: 'wrong-type', line: lineOf(text, 'hiddenSize'), field: 'hiddenSize' },
        { code: 'not-positive', line: lineOf(text, 'ffnSize'), field: 'ffnSize' },
        { code: 'not-integer', line: lineOf(text, 'vocabSize'), field: 'vocabSize' },
        { code: 'wrong-type', line: lineOf(text, 'tiedEmbeddings'), field: 'tiedEmbeddings' },
    ]);
    assert.equal(problems.length, 4);
});
test('an unknown dtype lists the accepted ones; query heads must group evenly over KV heads', () => {
    const [p] = expectConfigError(() => parseModelYaml(VALID.replace('bfloat16', 'int4'), FILE), [{ code: 'bad-choice', field: 'dtype', line: lineOf(VALID, 'dtype') }]);
    assert.match(p.message, /bfloat16, float16, fp8/);
    const text = VALID.replace('numKvHeads: 2', 'numKvHeads: 3');
    expectConfigError(() => parseModelYaml(text, FILE), [{ code: 'bad-gqa', field: 'numKvHeads', line: lineOf(text, 'numKvHeads') }]);
});
test('a source that is not a URL is refused', () => {
    const text = VALID.replace('https://example.org/config.json', 'my laptop');
    expectConfigError(() => parseModelYaml(text, FILE), [{ code: 'bad-source', field: 'source', line: lineOf(text, 'source') }]);
});
test('an unknown bundled name is an error listing the bundled models', () => {
    const [p] = expectConfigError(() => loadModel('qwen3-9b'), [{ code: 'unknown-model', field: 'model' }]);
    assert.match(p.message, /bundled: llama-3\.1-70b, llama-3\.1-8b, qwen3-14b, qwen3-8b/);
});
test("a path loads the user's own file, relative to the given cwd, and errors name that file", () => {
    const dir = mkdtempSync(join(tmpdir(), 'duetsim-model-'));
    mkdirSync(join(dir, 'models'));
    writeFileSync(join(dir, 'models', 'tiny.yaml'), VALID);
    assert.equal(loadModel('models/tiny.yaml', { cwd: dir }).hiddenSize, 64);
    writeFileSync(join(dir, 'bad.yml'), VALID.replace('numLayers: 2', 'numLayers: 0'));
    expectConfigError(() => loadModel('bad.yml', { cwd: dir }), [{ code: 'not-positive', file: join(dir, 'bad.yml'), line: 2, field: 'numLayers' }]);
    expectConfigError(() => loadModel('./missing.yaml', { cwd: dir }), [{ code: 'file-not-found', file: join(dir, 'missing.yaml') }]);
});
