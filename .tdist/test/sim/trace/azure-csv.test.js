import { test } from 'node:test';
import assert from 'node:assert/strict';
import { azureCsv } from '../../../sim/trace/azure-csv.js';
import { expectInputError } from '../../util/expect-input-error.js';
const HEADER = 'TIMESTAMP,ContextTokens,GeneratedTokens';
/** The Azure 2023 files' quirks: CRLF line ends and no newline after the last row. */
const crlf = (...rows) => [HEADER, ...rows].join('\r\n');
test('parses a CRLF file with no final newline, timestamps exact to the µs', () => {
    const t = azureCsv.parse(crlf('2023-11-16 18:15:46.6805900,374,44', '2023-11-16 18:15:50.9951690,396,109', '2023-11-16 18:15:50.9951690,879,31'), 'conv.csv');
    assert.equal(t.kind, 'timed');
    assert.equal(t.format, 'azure-csv');
    assert.equal(t.hashBlockTokens, 0);
    assert.deepEqual(t.records.map((r) => [r.line, r.promptTokens, r.outputTokens, r.hashIds.length]), [
        [2, 374, 44, 0],
        [3, 396, 109, 0],
        [4, 879, 31, 0],
    ]);
    if (t.kind !== 'timed')
        return;
    // Independent oracle for the absolute value: Date.UTC on the same naive wall clock.
    assert.equal(t.records[0].arrivalUs, Date.UTC(2023, 10, 16, 18, 15, 46) * 1000 + 680590);
    assert.equal(t.records[1].arrivalUs - t.records[0].arrivalUs, 4_314_579);
    assert.equal(t.records[2].arrivalUs, t.records[1].arrivalUs);
});
test('also reads LF line ends and a final newline', () => {
    const t = azureCsv.parse(`${HEADER}\n2023-11-16 18:15:46.6805900,374,44\n2023-11-16 18:15:47.0000000,1,1\n`, 'lf.csv');
    assert.deepEqual(t.records.map((r) => r.line), [2, 3]);
});
test('a truncated row is reported with file, line and the missing field', () => {
    expectInputError(() => azureCsv.parse(crlf('2023-11-16 18:15:46.6805900,374,44', '2023-11-16 18:15:50.9951690,396'), 'conv.csv'), [
        { code: 'malformed-line', file: 'conv.csv', line: 3, field: 'GeneratedTokens' },
    ]);
});
test('bad token counts are reported by kind, each with its line and column name', () => {
    const text = crlf('2023-11-16 18:15:46.0000000,abc,44', '2023-11-16 18:15:47.0000000,-5,44', '2023-11-16 18:15:48.0000000,12.5,44', '2023-11-16 18:15:49.0000000,100,0', '2023-11-16 18:15:50.0000000,0,10', '2023-11-16 18:15:51.0000000,100,');
    expectInputError(() => azureCsv.parse(text, 'bad.csv'), [
        { code: 'non-numeric', line: 2, field: 'ContextTokens' },
        { code: 'negative-count', line: 3, field: 'ContextTokens' },
        { code: 'non-integer-count', line: 4, field: 'ContextTokens' },
        { code: 'zero-count', line: 5, field: 'GeneratedTokens' },
        { code: 'zero-count', line: 6, field: 'ContextTokens' },
        { code: 'non-numeric', line: 7, field: 'GeneratedTokens' },
    ]);
});
test('a timestamp earlier than the previous row is an error, reported once', () => {
    const problems = expectInputError(() => azureCsv.parse(crlf('2023-11-16 18:15:46.0000000,1,1', '2023-11-16 18:15:50.0000000,1,1', '2023-11-16 18:15:49.0000000,1,1', '2023-11-16 18:15:51.0000000,1,1'), 'o.csv'), [{ code: 'out-of-order', line: 4, field: 'TIMESTAMP' }]);
    assert.equal(problems.length, 1);
});
test('malformed or impossible timestamps are located', () => {
    expectInputError(() => azureCsv.parse(crlf('2023-11-16T18:15:46.0000000Q,1,1', '2023-02-30 10:00:00.0000000,1,1', 'yesterday,1,1'), 't.csv'), [
        { code: 'bad-timestamp', line: 2, field: 'TIMESTAMP' },
        { code: 'bad-timestamp', line: 3, field: 'TIMESTAMP' },
        { code: 'bad-timestamp', line: 4, field: 'TIMESTAMP' },
    ]);
});
test('a wrong header is reported on line 1', () => {
    expectInputError(() => azureCsv.parse('time,in,out\r\n2023-11-16 18:15:46.0000000,1,1', 'h.csv'), [{ code: 'bad-header', line: 1, field: 'header' }]);
});
test('a header with no rows is an error, not an empty workload', () => {
    expectInputError(() => azureCsv.parse(HEADER, 'empty.csv'), [{ code: 'empty-trace' }]);
});
test('problems are collected up to 20 and the rest counted', () => {
    const rows = Array.from({ length: 30 }, (_, i) => `2023-11-16 18:15:${String(10 + i)}.0000000,1,0`);
    const problems = expectInputError(() => azureCsv.parse(crlf(...rows), 'many.csv'), [
        { code: 'zero-count', line: 2 },
        { code: 'zero-count', line: 21 },
        { code: 'too-many-problems', message: '10 more problem(s) not shown' },
    ]);
    assert.equal(problems.length, 21);
});
