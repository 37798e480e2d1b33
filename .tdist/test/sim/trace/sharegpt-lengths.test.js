import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sharegptLengths } from '../../../sim/trace/sharegpt-lengths.js';
import { expectInputError } from '../../util/expect-input-error.js';
const HEADER = 'num_prefill_tokens,num_decode_tokens,num_total_tokens,pd_ratio';
test('parses the length table into length-only records', () => {
    const t = sharegptLengths.parse(`${HEADER}\n74,918,992,0.0806100217864923\n290,905,1195,0.3204419889502762\n`, 's.csv');
    assert.equal(t.kind, 'lengths');
    assert.deepEqual(t.records.map((r) => [r.line, r.promptTokens, r.outputTokens]), [
        [2, 74, 918],
        [3, 290, 905],
    ]);
});
test('the derived columns are optional', () => {
    const t = sharegptLengths.parse('num_prefill_tokens,num_decode_tokens\n5,6', 's.csv');
    assert.deepEqual(t.records.map((r) => r.promptTokens + r.outputTokens), [11]);
});
test('an inconsistent total, a bad ratio, zero decode tokens and a short row are located', () => {
    const text = `${HEADER}\n74,918,999,0.08\n74,918,992,abc\n74,0,74,inf\n74,918`;
    expectInputError(() => sharegptLengths.parse(text, 's.csv'), [
        { code: 'inconsistent-total', line: 2, field: 'num_total_tokens' },
        { code: 'non-numeric', line: 3, field: 'pd_ratio' },
        { code: 'zero-count', line: 4, field: 'num_decode_tokens' },
        { code: 'malformed-line', line: 5, field: 'num_total_tokens' },
    ]);
});
test('a missing required column or an unknown column is a header error', () => {
    expectInputError(() => sharegptLengths.parse('num_prefill_tokens,num_output\n1,2', 's.csv'), [
        { code: 'bad-header', line: 1, field: 'num_decode_tokens' },
        { code: 'unknown-field', line: 1, field: 'num_output' },
    ]);
});
