import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InputError } from '../../../sim/core/input-error.js';
import { mergeStudyLogs } from '../../../sim/study/merge-logs.js';
import { lineKey, parseStudyLog } from '../../../sim/study/results-log.js';

const line = (study: string, id: string): string =>
  JSON.stringify({ schema: 'duetsim.study-line/1', study, study_name: study, kind: 'point', point_id: id, coords: {}, spec: {}, summary: {}, cdf: {} }) + '\n';
const log = (text: string, file: string) => ({ file, log: parseStudyLog(text, file) });

test('merge keeps each point once, in file order', () => {
  const m = mergeStudyLogs([log(line('a', '1') + line('a', '2'), 'x.jsonl'), log(line('a', '2') + line('a', '3'), 'y.jsonl')]);
  assert.deepEqual(m.lines.map(lineKey), ['point:1', 'point:2', 'point:3']);
  assert.equal(m.duplicates, 1);
});

test('merge refuses shards of different studies, naming file and line', () => {
  assert.throws(
    () => mergeStudyLogs([log(line('a', '1'), 'x.jsonl'), log(line('a', '2') + line('b', '3'), 'y.jsonl')]),
    (e: unknown) => e instanceof InputError && e.problems[0]?.file === 'y.jsonl' && e.problems[0]?.line === 2,
  );
});

test('merge reports files that end in a partial line', () => {
  const m = mergeStudyLogs([log(line('a', '1') + '{"half', 'x.jsonl')]);
  assert.deepEqual(m.partialFiles, ['x.jsonl']);
  assert.equal(m.lines.length, 1);
});
