import { test } from 'node:test';
import assert from 'node:assert/strict';
import { JsonFields } from '../../../sim/input/json-fields.js';
import { ProblemList } from '../../../sim/input/problem-list.js';
import { parseYamlData } from '../../../sim/input/yaml-document.js';
import { readMap } from '../../../sim/input/yaml-fields.js';
import { POSITIVE_INTEGER } from '../../../sim/input/number-rule.js';
import { expectInputError } from '../../util/expect-input-error.js';
test('JsonFields reads typed fields and records every problem with its line, key path and prefixed code', () => {
    const problems = new ProblemList('r.jsonl');
    const f = JsonFields.root(7, { n: 3, s: 'x', kind: 'odd', sub: { m: -1 }, list: [{ a: 1 }, 2], xs: [1, 'two'] }, problems, 'calib.');
    assert.ok(f !== null);
    assert.equal(f.int('n', 1), 3);
    assert.equal(f.str('s'), 'x');
    f.oneOf('kind', ['even', 'prime']);
    f.child('sub')?.num('m');
    assert.equal(f.children('list').length, 1);
    f.numbers('xs');
    f.bool('missing');
    expectInputError(() => problems.throwIfAny(), [
        { code: 'calib.unknown-value', line: 7, field: 'kind' },
        { code: 'calib.range', line: 7, field: 'sub.m' },
        { code: 'calib.type', line: 7, field: 'list[1]' },
        { code: 'calib.type', line: 7, field: 'xs[1]' },
        { code: 'calib.missing', line: 7, field: 'missing' },
    ]);
    assert.equal(problems.count, 5);
});
test('a whole JSON document that does not parse, or is not an object, throws at once', () => {
    expectInputError(() => JsonFields.document('{', new ProblemList('p.json'), 'calib.'), [{ code: 'calib.bad-json', file: 'p.json' }]);
    expectInputError(() => JsonFields.document('[1]', new ProblemList('p.json'), 'calib.'), [{ code: 'calib.not-object', line: 1 }]);
});
test('a bad number is worded alike in a JSON and a YAML input (one number rule)', () => {
    const json = new ProblemList('a.json');
    JsonFields.root(1, { n: 2.5 }, json, '')?.num('n', POSITIVE_INTEGER);
    const yaml = parseYamlData('n: 2.5\n', 'a.yaml');
    readMap(yaml, yaml.root, '', { required: ['n'] })?.number('n', POSITIVE_INTEGER);
    assert.equal(json.all()[0]?.message, yaml.problems.all()[0]?.message);
});
