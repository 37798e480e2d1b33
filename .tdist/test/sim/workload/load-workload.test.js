import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadWorkload } from '../../../sim/workload/load-workload.js';
import { meanRateQps } from '../../../sim/workload/transform.js';
import { invariantViolation, gapStats } from '../../util/requests.js';
import { expectInputError } from '../../util/expect-input-error.js';
const dir = mkdtempSync(join(tmpdir(), 'duetsim-workload-'));
const write = (name, text) => {
    writeFileSync(join(dir, name), text);
    return name;
};
test('a bundled trace becomes requests with dense ids, a clock from 0 and file:line origins', () => {
    const r = loadWorkload({ trace: 'azure-code', seed: 0 });
    assert.equal(r.length, 8819);
    assert.equal(invariantViolation(r), null);
    assert.equal(r[0].origin, 'traces/azure-llm-2023/AzureLLMInferenceTrace_code.csv:2');
    // First two rows of the file: 18:17:03.9799600 (4808, 10) and 18:17:04.0319600 (3180, 8), 52,000 µs apart.
    assert.deepEqual([r[0].promptTokens, r[0].outputTokens, r[1].arrivalUs, r[1].promptTokens, r[1].outputTokens], [4808, 10, 52_000, 3180, 8]);
});
test('Mooncake requests carry their prefix hashes with 512-token blocks', () => {
    const r = loadWorkload({ trace: 'mooncake-conv', seed: 0, limit: 3 });
    assert.deepEqual(r[0].hashIds.slice(0, 3), [0, 1, 2]);
    assert.equal(r[0].hashBlockTokens, 512);
});
test('a path is read relative to cwd with the format detected, origins use the path as given', () => {
    const name = write('small.csv', 'TIMESTAMP,ContextTokens,GeneratedTokens\r\n2023-11-16 18:00:00.0000000,10,2\r\n2023-11-16 18:00:01.5000000,20,3');
    const r = loadWorkload({ trace: name, seed: 0 }, dir);
    assert.deepEqual(r.map((x) => [x.id, x.arrivalUs, x.origin]), [
        [0, 0, 'small.csv:2'],
        [1, 1_500_000, 'small.csv:3'],
    ]);
});
test('window, sample, limit and rate are applied in that order', () => {
    const r = loadWorkload({ trace: 'azure-conv', seed: 5, startS: 600, durationS: 1200, sample: 0.5, limit: 2000, rateQps: 10 });
    assert.equal(r.length, 2000);
    assert.equal(invariantViolation(r), null);
    assert.ok(Math.abs(meanRateQps(r) / 10 - 1) < 0.01);
    assert.deepEqual(r, loadWorkload({ trace: 'azure-conv', seed: 5, startS: 600, durationS: 1200, sample: 0.5, limit: 2000, rateQps: 10 }));
});
test('spreading the Mooncake 3 s buckets removes ties but keeps every request', () => {
    const plain = loadWorkload({ trace: 'mooncake-conv', seed: 0 });
    const spread = loadWorkload({ trace: 'mooncake-conv', seed: 0, spreadBucketsMs: 3000 });
    const distinct = (xs) => new Set(xs.map((x) => x.arrivalUs)).size;
    assert.equal(distinct(plain), 1180);
    assert.equal(spread.length, plain.length);
    assert.ok(distinct(spread) > 12_000, `${distinct(spread)} distinct arrivals`);
    assert.ok(gapStats(spread.map((x) => x.arrivalUs)).cv < gapStats(plain.map((x) => x.arrivalUs)).cv);
});
test('the ShareGPT table needs generated arrivals and then gives seeded synthetic requests', () => {
    expectInputError(() => loadWorkload({ trace: 'sharegpt', seed: 0 }), [{ code: 'bad-workload-spec', field: 'arrivals' }]);
    const spec = { trace: 'sharegpt', seed: 9, arrivals: { kind: 'gamma', rateQps: 4, cv: 2, durationS: 1800 } };
    const r = loadWorkload(spec);
    assert.equal(invariantViolation(r), null);
    assert.deepEqual(r, loadWorkload(spec));
    const rate = meanRateQps(r);
    assert.ok(Math.abs(rate / 4 - 1) < 0.1, `rate ${rate}`);
    assert.ok(r.every((x) => x.origin.startsWith('traces/sharegpt-length-stats/') && x.hashIds.length === 0));
    const noDuration = loadWorkload({ trace: 'sharegpt', seed: 9, arrivals: { kind: 'constant', rateQps: 100 } });
    assert.equal(noDuration.length, 30731);
});
test('changing one stream (the sample) leaves another (generated arrivals) untouched', () => {
    const base = { trace: 'sharegpt', seed: 3, arrivals: { kind: 'poisson', rateQps: 2, durationS: 300 } };
    const all = loadWorkload(base);
    const sampled = loadWorkload({ ...base, sample: 0.5 });
    // Sampled requests are a subset of the same generated (arrival, lengths) pairs, shifted by the first kept one.
    const key = (arrivalUs, origin) => `${arrivalUs}|${origin}`;
    const allKeys = new Set(all.map((r) => key(r.arrivalUs, r.origin)));
    assert.ok(sampled.length > 0 && sampled.length < all.length);
    assert.ok(all.some((a) => a.origin === sampled[0].origin && sampled.every((r) => allKeys.has(key(r.arrivalUs + a.arrivalUs, r.origin)))));
});
test('bad spec fields are all reported together, before any file is read', () => {
    expectInputError(() => loadWorkload({ trace: 'does-not-exist.csv', seed: 0, rateQps: -1, limit: 2.5, sample: 2, arrivals: { kind: 'gamma', rateQps: 1 }, spreadMode: 'even' }), [
        { field: 'rateQps' },
        { field: 'limit' },
        { field: 'sample' },
        { field: 'arrivals.cv' },
        { field: 'spreadMode' },
    ]);
});
test('a missing file, an unknown format and an empty window are input errors', () => {
    expectInputError(() => loadWorkload({ trace: 'nope.csv', seed: 0 }, dir), [{ code: 'unreadable-file', file: 'nope.csv' }]);
    expectInputError(() => loadWorkload({ trace: 'azure-conv', format: 'parquet', seed: 0 }), [{ code: 'unknown-format', field: 'format' }]);
    expectInputError(() => loadWorkload({ trace: 'azure-conv', startS: 99_999, seed: 0 }), [{ code: 'bad-workload-spec' }]);
});
test('errors inside a trace file name the file as the user gave it', () => {
    const name = write('broken.jsonl', '{"timestamp": 0, "input_length": 5, "output_length": 0, "hash_ids": []}\n');
    expectInputError(() => loadWorkload({ trace: name, seed: 0 }, dir), [{ code: 'zero-count', file: 'broken.jsonl', line: 1, field: 'output_length' }]);
});
