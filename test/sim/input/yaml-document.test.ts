import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseModelYaml } from '../../../sim/config/load-model.js';
import { parseYamlData } from '../../../sim/input/yaml-document.js';
import { expectInputError as expectConfigError } from '../../util/expect-input-error.js';
import { TINY_MODEL_YAML, lineOf } from '../../util/config-fixtures.js';

const FILE = 'x.yaml';
const MODEL = TINY_MODEL_YAML;

test('a !!js/function tag is refused where it stands, never turned into code or a string', () => {
  const text = MODEL.replace('name: tiny', "name: !!js/function 'function () { return 1 }'");
  const [p] = expectConfigError(() => parseModelYaml(text, FILE), [{ code: 'yaml-tag', file: FILE, line: 1, field: 'name' }]);
  assert.match(p.message, /js\/function/);
});

test('any explicit tag is refused, also standard ones and local ones, with the key path', () => {
  const text = MODEL.replace('headDim: 16', 'headDim: !!int 16').replace('ffnSize: 128', 'ffnSize: !custom 128');
  expectConfigError(() => parseModelYaml(text, FILE), [
    { code: 'yaml-tag', line: 6, field: 'headDim' },
    { code: 'yaml-tag', line: 7, field: 'ffnSize' },
  ]);
});

test('a billion-laughs alias bomb is refused at its first alias without expanding anything', () => {
  const levels = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]'];
  for (let i = 1; i < 9; i++) {
    const prev = String.fromCharCode(96 + i);
    levels.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${prev}`).join(', ')}]`);
  }
  const text = MODEL + levels.join('\n') + '\n';
  const started = process.hrtime.bigint();
  const problems = expectConfigError(() => parseModelYaml(text, FILE), [{ code: 'yaml-alias', line: lineOf(text, 'b: &b'), field: 'b[0]' }]);
  assert.ok(problems.length >= 8, 'every alias is reported');
  assert.ok(Number(process.hrtime.bigint() - started) / 1e6 < 2000, 'refusing took no expansion');
});

test('truncated YAML is a syntax error naming where the parser gave up and the key it was reading', () => {
  const text = 'name: tiny\nnumLayers: [2, 3\n';
  // The missing ']' is noticed at the end of the file (line 3), inside numLayers' value.
  const problems = expectConfigError(() => parseModelYaml(text, FILE), [{ code: 'yaml-bad-indent', file: FILE, line: 3, field: 'numLayers[1]' }]);
  assert.ok(problems.every((p) => p.code.startsWith('yaml-')), JSON.stringify(problems));
  expectConfigError(() => parseModelYaml("name: tiny\nsource: 'https://x\n", FILE), [{ code: 'yaml-missing-char', line: 3, field: 'source' }]);
});

test('a duplicated key is an error, not a silent override', () => {
  expectConfigError(() => parseModelYaml(MODEL + 'numLayers: 3\n', FILE), [{ code: 'yaml-duplicate-key', line: 12, field: 'numLayers' }]);
  // The field is the repeated key, not the key before it (whose value's range runs up to the next line).
  const nested = 'name: tiny\nouter:\n  a: 1\n  b: 2\n  a: 3\n';
  expectConfigError(() => parseModelYaml(nested, FILE), [{ code: 'yaml-duplicate-key', line: 5, field: 'outer.a' }]);
});

test('an empty file and a root that is not a map are errors about the file', () => {
  expectConfigError(() => parseModelYaml('# nothing here\n', FILE), [{ code: 'empty-document', file: FILE, line: 0 }]);
  expectConfigError(() => parseModelYaml('- 1\n- 2\n', FILE), [{ code: 'wrong-type', line: 1, field: '' }]);
});

test('a clean document keeps its root and collects no problems', () => {
  const data = parseYamlData(MODEL, FILE);
  assert.equal(data.problems.count, 0);
  assert.ok(data.root !== null);
});

