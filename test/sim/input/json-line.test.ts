import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkKnownKeys, parseJsonObjectLine } from '../../../sim/input/json-line.js';
import { ProblemList } from '../../../sim/input/problem-list.js';

test('a JSONL line must be a JSON object; an unknown key is named with the known ones', () => {
  const problems = new ProblemList('t.jsonl');
  assert.equal(parseJsonObjectLine('{"a":', 2, problems), null);
  assert.equal(parseJsonObjectLine('[1]', 3, problems), null);
  const obj = parseJsonObjectLine('{"a":1,"b":2}', 4, problems);
  assert.deepEqual(obj, { a: 1, b: 2 });
  checkKnownKeys(obj!, ['a'], 4, problems);
  assert.deepEqual(problems.all().map((p) => [p.code, p.line, p.field]), [['bad-json', 2, ''], ['bad-json', 3, ''], ['unknown-field', 4, 'b']]);
  assert.match(problems.all()[2]?.message ?? '', /expected a\)$/);
});
