import { test } from 'node:test';
import assert from 'node:assert/strict';
import { requestsFromTrace } from '../../../sim/workload/from-trace.js';
test('records become requests re-based to the first arrival, with file:line origins and block size only where hashed', () => {
    const requests = requestsFromTrace({
        kind: 'timed',
        file: 'traces/x.jsonl',
        format: 'mooncake-jsonl',
        hashBlockTokens: 512,
        records: [
            { line: 3, arrivalUs: 1_000_000, promptTokens: 600, outputTokens: 5, hashIds: [0, 1] },
            { line: 4, arrivalUs: 1_250_000, promptTokens: 7, outputTokens: 2, hashIds: [] },
        ],
    });
    assert.deepEqual(requests, [
        { id: 0, arrivalUs: 0, promptTokens: 600, outputTokens: 5, hashIds: [0, 1], hashBlockTokens: 512, origin: 'traces/x.jsonl:3' },
        { id: 1, arrivalUs: 250_000, promptTokens: 7, outputTokens: 2, hashIds: [], hashBlockTokens: 0, origin: 'traces/x.jsonl:4' },
    ]);
});
