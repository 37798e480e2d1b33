import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProblemList } from '../../../sim/input/problem-list.js';
import { expectInputError } from '../../util/expect-input-error.js';
test('ProblemList throws nothing when empty, and one InputError holding every problem otherwise', () => {
    const list = new ProblemList('f.yaml');
    list.throwIfAny();
    assert.ok(list.isEmpty);
    list.add('a', 3, 'x.y', 'first', 5);
    list.push({ code: 'b', file: 'other.json', line: 1, column: 0, field: '', message: 'second' });
    expectInputError(() => list.throwIfAny(), [
        { code: 'a', file: 'f.yaml', line: 3, column: 5, field: 'x.y' },
        { code: 'b', file: 'other.json', line: 1 },
    ]);
});
test('ProblemList keeps the first maxProblems and counts the rest', () => {
    const maxProblems = 5;
    const list = new ProblemList('f.jsonl', { maxProblems });
    for (let i = 1; i <= maxProblems + 7; i++)
        list.add('x.code', i, 'field', 'bad');
    assert.equal(list.count, maxProblems + 7);
    const problems = expectInputError(() => list.throwIfAny(), [{ code: 'x.code', file: 'f.jsonl', line: 1, field: 'field' }, { code: 'too-many-problems' }]);
    assert.equal(problems.length, maxProblems + 1);
    assert.equal(problems[maxProblems].message, '7 more problem(s) not shown');
});
