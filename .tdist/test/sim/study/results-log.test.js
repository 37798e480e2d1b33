import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InputError } from '../../../sim/core/input-error.js';
import { lineKey, parseStudyLog } from '../../../sim/study/results-log.js';
const line = (id) => JSON.stringify({ schema: 'duetsim.study-line/1', study: 'abc', study_name: 's', kind: 'point', point_id: id, coords: {}, spec: {}, summary: {}, cdf: {} });
test('complete lines are read and a partly written last line is ignored', () => {
    const text = `${line('p1')}\n${line('p2')}\n${line('p3').slice(0, 40)}`;
    const log = parseStudyLog(text, 'out.jsonl');
    assert.deepEqual(log.lines.map(lineKey), ['point:p1', 'point:p2']);
    assert.equal(log.partialTail, true);
    assert.equal(log.completeBytes, Buffer.byteLength(`${line('p1')}\n${line('p2')}\n`));
});
test('a file ending in a newline has no partial tail', () => {
    const log = parseStudyLog(`${line('p1')}\n`, 'out.jsonl');
    assert.equal(log.partialTail, false);
    assert.equal(log.lines.length, 1);
});
test('a broken complete line is an error at its line number', () => {
    assert.throws(() => parseStudyLog(`${line('p1')}\n{"oops\n${line('p3')}\n`, 'out.jsonl'), (e) => e instanceof InputError && e.problems[0]?.line === 2 && e.problems[0]?.file === 'out.jsonl');
    assert.throws(() => parseStudyLog(`${line('p1').replace('"point"', '"pt"')}\n`, 'out.jsonl'), (e) => e instanceof InputError && e.problems[0]?.field === 'kind');
});
