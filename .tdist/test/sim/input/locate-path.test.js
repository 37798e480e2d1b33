import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lineOfOffset, lineOfPath, parseSpelledPath, pathLocator, placeProblems, spellPath } from '../../../sim/input/locate-path.js';
const TEXT = '{\n  "a": {\n    "b": [\n      1,\n      {"c": 2}\n    ]\n  }\n}\n';
test('lineOfPath finds a key path in JSON, or its nearest existing parent', () => {
    assert.equal(lineOfPath(TEXT, ['a']), 2);
    assert.equal(lineOfPath(TEXT, ['a', 'b', 1, 'c']), 5);
    assert.equal(lineOfPath(TEXT, ['a', 'b', 1, 'missing']), 5);
    assert.equal(lineOfPath('{ not json', ['a']), 0);
});
test('pathLocator places a YAML key path at its value, with column and the field spelled as problems spell it', () => {
    const locate = pathLocator('name: s\naxes:\n  model: [a, b]\n');
    assert.deepEqual(locate(['axes', 'model', 1]), { field: 'axes.model[1]', line: 3, column: 14 });
    assert.deepEqual(locate(['name']), { field: 'name', line: 1, column: 7 });
});
test('spellPath joins keys with dots and indexes with brackets', () => {
    assert.equal(spellPath(['points', 1, 'predicted_us']), 'points[1].predicted_us');
    assert.equal(spellPath([]), '');
});
test('lineOfOffset counts newlines before the offset', () => {
    assert.equal(lineOfOffset(TEXT, 0), 1);
    assert.equal(lineOfOffset(TEXT, TEXT.indexOf('"c"')), 5);
});
test('parseSpelledPath undoes spellPath, and placeProblems moves whole-document problems to their key path', () => {
    assert.deepEqual(parseSpelledPath('a.b[1].c'), ['a', 'b', 1, 'c']);
    assert.deepEqual(parseSpelledPath(''), []);
    const text = JSON.stringify({ a: 1, summary: { ttft_ms: { p50: 'x' } } }, null, 1);
    const at = (field) => placeProblems(text, [{ code: 'c', file: 'f.json', line: 1, column: 0, field, message: 'm' }])[0];
    assert.equal(at('summary.ttft_ms.p50').line, 5);
    assert.equal(at('summary.ttft_ms.p99').line, 4); // absent: its nearest parent
    assert.equal(at('').line, 1);
});
