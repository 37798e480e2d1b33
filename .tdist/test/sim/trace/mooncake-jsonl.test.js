import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mooncakeJsonl, MOONCAKE_HASH_BLOCK_TOKENS } from '../../../sim/trace/mooncake-jsonl.js';
import { expectInputError } from '../../util/expect-input-error.js';
const row = (timestamp, input, output, hashes = [0]) => JSON.stringify({ timestamp, input_length: input, output_length: output, hash_ids: hashes });
test('parses ms timestamps into µs, keeps equal timestamps and the 512-token hash blocks', () => {
    const text = [row(0, 6758, 500, [0, 1]), row(0, 7322, 490, [0, 2]), row(3000, 100, 7, [3]), row(5999.5, 1, 1, [])].join('\n') + '\n';
    const t = mooncakeJsonl.parse(text, 'mc.jsonl');
    assert.equal(t.kind, 'timed');
    if (t.kind !== 'timed')
        return;
    assert.equal(t.hashBlockTokens, MOONCAKE_HASH_BLOCK_TOKENS);
    assert.equal(MOONCAKE_HASH_BLOCK_TOKENS, 512);
    assert.deepEqual(t.records.map((r) => r.arrivalUs), [0, 0, 3_000_000, 5_999_500]);
    assert.deepEqual(t.records.map((r) => r.line), [1, 2, 3, 4]);
    assert.deepEqual(t.records[1].hashIds, [0, 2]);
    assert.equal(t.records[0].promptTokens, 6758);
    assert.equal(t.records[0].outputTokens, 500);
});
test('bad JSON, missing fields and bad values are each located', () => {
    const text = [
        row(0, 10, 10),
        '{"timestamp": 1, "input_length": 5',
        JSON.stringify({ timestamp: 2, input_length: 5, hash_ids: [1] }),
        row(3, 5, 0),
        row(4, '5', 1),
        row(5, 5, 1, [1, -2]),
        row(-1, 5, 1),
        JSON.stringify({ timestamp: 7, input_length: 5, output_length: 1, hash_ids: [], extra: 1 }),
        '[1, 2]',
        JSON.stringify({ timestamp: 9, input_length: 5, output_length: 1 }),
    ].join('\n');
    expectInputError(() => mooncakeJsonl.parse(text, 'bad.jsonl'), [
        { code: 'bad-json', line: 2 },
        { code: 'missing-field', line: 3, field: 'output_length' },
        { code: 'zero-count', line: 4, field: 'output_length' },
        { code: 'non-numeric', line: 5, field: 'input_length' },
        { code: 'bad-hash-ids', line: 6, field: 'hash_ids[1]' },
        { code: 'bad-timestamp', line: 7, field: 'timestamp' },
        { code: 'unknown-field', line: 8, field: 'extra' },
        { code: 'bad-json', line: 9 },
        { code: 'missing-field', line: 10, field: 'hash_ids' },
    ]);
});
test('a timestamp going backwards is an error', () => {
    expectInputError(() => mooncakeJsonl.parse([row(3000, 1, 1), row(0, 1, 1)].join('\n'), 'o.jsonl'), [{ code: 'out-of-order', file: 'o.jsonl', line: 2, field: 'timestamp' }]);
});
