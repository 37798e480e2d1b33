import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InputError } from '../../../sim/core/input-error.js';
import { mergeStudyLogs } from '../../../sim/study/merge-logs.js';
import { lineKey, parseStudyLog } from '../../../sim/study/results-log.js';
import { expectInputError } from '../../util/expect-input-error.js';
const line = (study, id) => JSON.stringify({ schema: 'duetsim.study-line/1', study, study_name: study, kind: 'point', point_id: id, coords: {}, spec: {}, summary: {}, cdf: {} }) + '\n';
const log = (text, file) => ({ file, log: parseStudyLog(text, file) });
test('merge keeps each point once, in file order', () => {
    const m = mergeStudyLogs([log(line('a', '1') + line('a', '2'), 'x.jsonl'), log(line('a', '2') + line('a', '3'), 'y.jsonl')]);
    assert.deepEqual(m.lines.map(lineKey), ['point:1', 'point:2', 'point:3']);
    assert.equal(m.duplicates, 1);
});
test('merge refuses shards of different studies, naming file and line', () => {
    assert.throws(() => mergeStudyLogs([log(line('a', '1'), 'x.jsonl'), log(line('a', '2') + line('b', '3'), 'y.jsonl')]), (e) => e instanceof InputError && e.problems[0]?.file === 'y.jsonl' && e.problems[0]?.line === 2);
});
test('merge reports files that end in a partial line', () => {
    const m = mergeStudyLogs([log(line('a', '1') + '{"half', 'x.jsonl')]);
    assert.deepEqual(m.partialFiles, ['x.jsonl']);
    assert.equal(m.lines.length, 1);
});
test('two lines for one point with different results are a merge-conflict naming both places', () => {
    const other = line('a', '2').replace('"summary":{}', '"summary":{"completed":3}');
    const [p] = expectInputError(() => mergeStudyLogs([log(line('a', '1') + '\n' + line('a', '2'), 'x.jsonl'), log(other, 'y.jsonl')]), [{ code: 'merge-conflict', file: 'y.jsonl', line: 1, field: 'summary' }]);
    assert.equal(p.message, 'point 2 has other results than x.jsonl:3; rerun it, or merge only one of the two');
});
const sharded = (id, index, units) => line('a', id).replace('"kind"', `"shard":{"index":${index},"count":3,"units":${units},"unit":"point"},"kind"`);
test('merge reports a missing shard and an incomplete one; a shard the grid leaves empty is not missing', () => {
    // A grid of 7 points over 3 shards: shard 1 holds 3 (units 0, 3, 6), shards 2 and 3 hold 2 each.
    const all = mergeStudyLogs([log(sharded('0', 1, 3) + sharded('3', 1, 3) + sharded('6', 1, 3), 'p1'), log(sharded('1', 2, 2), 'p2')]);
    assert.deepEqual(all.incompleteShards, [
        'shard 2/3 is incomplete: 1 of 2 points (resume it with whatif --shard 2/3 --resume)',
        'shard 3/3 is missing (no file holds any of its results)',
    ]);
    // A grid of 2 points over 3 shards: shard 3 is empty, and shard 1's size (1 unit) cannot prove otherwise.
    assert.deepEqual(mergeStudyLogs([log(sharded('0', 1, 1), 'p1'), log(sharded('1', 2, 1), 'p2')]).incompleteShards, []);
    // Unsharded lines carry no tag: nothing to check.
    assert.deepEqual(mergeStudyLogs([log(line('a', '1'), 'x')]).incompleteShards, []);
});
