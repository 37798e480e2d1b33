import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkKnownKeys, parseJsonObjectLine, repeatedTopLevelKey, splitJsonLines } from '../../../sim/input/json-line.js';
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

test('splitJsonLines: complete lines with their numbers, blank ones skipped, and the unterminated tail apart', () => {
  const text = '{"a":1}\n\n{"b":2}\n{"c":';
  const s = splitJsonLines(text);
  assert.deepEqual(s.lines, [{ line: 1, text: '{"a":1}' }, { line: 3, text: '{"b":2}' }]);
  assert.equal(s.tail, '{"c":');
  assert.equal(s.tailLine, 4);
  assert.equal(s.completeBytes, Buffer.byteLength('{"a":1}\n\n{"b":2}\n'));
  // Bytes, not characters: a resumed writer truncates the file there.
  assert.equal(splitJsonLines('{"µ":1}\n').completeBytes, 9); // 8 characters, µ two bytes
  const none = splitJsonLines('{"a":1}');
  assert.deepEqual(none.lines, []);
  assert.equal(none.tail, '{"a":1}');
  assert.equal(none.tailLine, 1);
  assert.equal(none.completeBytes, 0);
  assert.deepEqual(splitJsonLines(''), { lines: [], tail: '', tailLine: 1, completeBytes: 0 });
});

test('a key given twice in one line is an error naming it, not a silent last-wins', () => {
  const problems = new ProblemList('t.jsonl');
  assert.equal(parseJsonObjectLine('{"arrival_ms":0,"prompt_tokens":374,"output_tokens":44,"prompt_tokens":9}', 7, problems), null);
  assert.deepEqual(problems.all().map((p) => [p.code, p.line, p.field]), [['duplicate-field', 7, 'prompt_tokens']]);
  assert.match(problems.all()[0]?.message ?? '', /field 'prompt_tokens' appears twice; keep one/);
});

test('repeatedTopLevelKey: only top-level keys count, strings and nesting are skipped, escapes resolved', () => {
  assert.equal(repeatedTopLevelKey('{"a":1,"b":{"a":2},"c":[{"a":3}],"d":"\\"a\\":"}'), null);
  assert.equal(repeatedTopLevelKey('{"a":1, "b" : 2 ,"b":3}'), 'b');
  assert.equal(repeatedTopLevelKey('{"\\u0061":1,"a":2}'), 'a');
  assert.equal(repeatedTopLevelKey('{"x":"}{","x":1}'), 'x');
});
