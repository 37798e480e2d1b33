import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lineOfOffset, lineOfPath } from '../../reports/json-locate.js';

const TEXT = '{\n  "a": {\n    "b": [\n      1,\n      {"c": 2}\n    ]\n  }\n}\n';

test('lineOfPath finds a key path, or its nearest existing parent', () => {
  assert.equal(lineOfPath(TEXT, ['a']), 2);
  assert.equal(lineOfPath(TEXT, ['a', 'b', 1, 'c']), 5);
  assert.equal(lineOfPath(TEXT, ['a', 'b', 1, 'missing']), 5);
  assert.equal(lineOfPath('{ not json', ['a']), 0);
});

test('lineOfOffset counts newlines before the offset', () => {
  assert.equal(lineOfOffset(TEXT, 0), 1);
  assert.equal(lineOfOffset(TEXT, TEXT.indexOf('"c"')), 5);
});
