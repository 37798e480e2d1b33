import { test } from 'node:test';
import assert from 'node:assert/strict';
import { duetsimJsonl, formatDuetsimJsonl } from '../../../sim/trace/duetsim-jsonl.js';
import { expectInputError } from '../../util/expect-input-error.js';
test('parses a header and records, hash ids optional', () => {
    const text = [
        '{"format":"duetsim-trace","version":1,"hash_block_tokens":16}',
        '{"arrival_ms":0,"prompt_tokens":10,"output_tokens":2,"hash_ids":[4,5]}',
        '{"arrival_ms":1.25,"prompt_tokens":20,"output_tokens":3}',
    ].join('\n');
    const t = duetsimJsonl.parse(text, 'd.jsonl');
    assert.equal(t.hashBlockTokens, 16);
    assert.equal(t.kind, 'timed');
    if (t.kind !== 'timed')
        return;
    assert.deepEqual(t.records.map((r) => [r.line, r.arrivalUs, r.promptTokens, r.outputTokens, r.hashIds]), [
        [2, 0, 10, 2, [4, 5]],
        [3, 1250, 20, 3, []],
    ]);
});
test('the header is optional', () => {
    const t = duetsimJsonl.parse('{"arrival_ms":5,"prompt_tokens":1,"output_tokens":1}', 'd.jsonl');
    assert.equal(t.records.length, 1);
    assert.equal(t.hashBlockTokens, 0);
});
test('write then read gives back the same records, arrivals exact to the µs', () => {
    const records = [
        { arrivalUs: 0, promptTokens: 7, outputTokens: 1, hashIds: [1, 2] },
        { arrivalUs: 123_457, promptTokens: 9, outputTokens: 4, hashIds: [1] },
        { arrivalUs: 3_599_999_999, promptTokens: 1, outputTokens: 2000, hashIds: [] },
    ];
    const text = formatDuetsimJsonl(records, 512);
    assert.ok(text.startsWith('{"format":"duetsim-trace","version":1,"hash_block_tokens":512}\n'));
    const t = duetsimJsonl.parse(text, 'rt.jsonl');
    assert.equal(t.hashBlockTokens, 512);
    assert.deepEqual(t.records.map((r) => ({ arrivalUs: 'arrivalUs' in r ? r.arrivalUs : -1, promptTokens: r.promptTokens, outputTokens: r.outputTokens, hashIds: r.hashIds })), records);
});
test('a wrong version, a misplaced header, hashes without a block size and unknown keys are located', () => {
    expectInputError(() => duetsimJsonl.parse('{"format":"duetsim-trace","version":2}\n{"arrival_ms":0,"prompt_tokens":1,"output_tokens":1}', 'v.jsonl'), [
        { code: 'unsupported-version', line: 1, field: 'version' },
    ]);
    const text = [
        '{"arrival_ms":0,"prompt_tokens":1,"output_tokens":1,"hash_ids":[1]}',
        '{"format":"duetsim-trace","version":1}',
        '{"arrival_ms":1,"prompt":1,"output_tokens":1}',
        '{"arrival_ms":"x","prompt_tokens":1,"output_tokens":1}',
    ].join('\n');
    expectInputError(() => duetsimJsonl.parse(text, 'd.jsonl'), [
        { code: 'missing-block-size', line: 1, field: 'hash_ids' },
        { code: 'misplaced-header', line: 2, field: 'format' },
        { code: 'unknown-field', line: 3, field: 'prompt' },
        { code: 'missing-field', line: 3, field: 'prompt_tokens' },
        { code: 'bad-timestamp', line: 4, field: 'arrival_ms' },
    ]);
});
