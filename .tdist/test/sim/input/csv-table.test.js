import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CsvCells, CsvColumns, csvRecords } from '../../../sim/input/csv-table.js';
import { ProblemList } from '../../../sim/input/problem-list.js';
import { expectInputError } from '../../util/expect-input-error.js';
test('csvRecords reads quoted cells as the writers quote them, CRLF, and blank lines counted but left out', () => {
    const problems = new ProblemList('t.csv');
    const text = '\uFEFFa,b,c\r\n1,"x,y",3\r\n\r\n2,"say ""hi""",4\n3,"two\nlines",5\n4,,';
    const records = csvRecords(text, problems, 'bad');
    assert.ok(problems.isEmpty);
    assert.deepEqual(records, [
        { line: 1, cells: ['a', 'b', 'c'] },
        { line: 2, cells: ['1', 'x,y', '3'] },
        { line: 4, cells: ['2', 'say "hi"', '4'] },
        { line: 5, cells: ['3', 'two\nlines', '5'] },
        // The quoted line break moved the next record to line 7.
        { line: 7, cells: ['4', '', ''] },
    ]);
});
test('an unclosed quote is a problem at the line its record starts on', () => {
    const problems = new ProblemList('t.csv');
    const records = csvRecords('a,b\n1,2\n3,"cut\n', problems, 'x.bad-csv');
    assert.deepEqual(records.map((r) => r.line), [1, 2]);
    assert.deepEqual(problems.all().map((p) => [p.line, p.code]), [[3, 'x.bad-csv']]);
});
test('CsvColumns needs every asked column; the problem is at the header and names the first missing one', () => {
    expectInputError(() => {
        const problems = new ProblemList('t.csv');
        CsvColumns.read({ line: 1, cells: ['id', 'status'] }, ['id', 'ttft_ms', 'e2e_ms'], problems, 'x.bad-header');
        problems.throwIfAny();
    }, [{ file: 't.csv', line: 1, field: 'ttft_ms', code: 'x.bad-header' }]);
    const problems = new ProblemList('t.csv');
    assert.equal(CsvColumns.read(undefined, ['id'], problems, 'x'), null);
    assert.match(problems.all()[0].message, /empty/);
});
test('CsvCells reads typed cells by column name and locates bad ones by line and column', () => {
    const problems = new ProblemList('t.csv');
    const columns = CsvColumns.read({ line: 1, cells: ['n', 'k', 'opt', 'mode', 'ok', 'extra'] }, ['n', 'k', 'opt', 'mode', 'ok'], problems, 'x');
    const good = CsvCells.forRecord({ line: 2, cells: ['1.5', '3', '', 'split', '1', 'ignored'] }, columns, problems, 'x.');
    assert.equal(good.num('n'), 1.5);
    assert.equal(good.int('k'), 3);
    assert.equal(good.optionalNum('opt'), null);
    assert.equal(good.oneOf('mode', ['split', 'aggregated']), 'split');
    assert.equal(good.flag('ok'), true);
    assert.ok(problems.isEmpty);
    expectInputError(() => {
        const bad = CsvCells.forRecord({ line: 7, cells: ['abc', '2.5', '-1', 'other', 'yes', ''] }, columns, problems, 'x.');
        assert.ok(Number.isNaN(bad.num('n')));
        bad.int('k');
        bad.optionalNum('opt');
        bad.oneOf('mode', ['split', 'aggregated']);
        bad.flag('ok');
        assert.equal(CsvCells.forRecord({ line: 8, cells: ['1'] }, columns, problems, 'x.'), null);
        problems.throwIfAny();
    }, [
        { line: 7, field: 'n', code: 'x.bad-cell', message: "expected a number, got 'abc'" },
        { line: 7, field: 'k', code: 'x.bad-cell' },
        { line: 7, field: 'opt', code: 'x.bad-cell' },
        { line: 7, field: 'mode', code: 'x.bad-cell' },
        { line: 7, field: 'ok', code: 'x.bad-cell' },
        { line: 8, code: 'x.bad-row' },
    ]);
});
