import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareRuns, formatRepeatability } from '../../calibrate/repeatability.js';
import { parseMeasurementSet } from '../../calibrate/parse-measurements.js';
const meta = (gpu, date) => ({
    kind: 'meta', gpu, sm_count: 132, driver: 'd', cuda_runtime: '13.0', date, backend: 'torch', partition: { min_sms: 8, alignment: 8, groups: [8], remainder: 12 },
});
const fw = (id, us) => ({ id, kind: 'forward', model: 'm', sms: 132, batch: { prefills: [{ new: 512, cached: 0 }] }, median_us: us, p10_us: us, p90_us: us, reps: 8 });
const pair = (dec, pre) => ({
    id: 'cc', kind: 'concurrent', model: 'm', prefill: { sms: 100, batch: { prefills: [{ new: 2048, cached: 0 }] } }, decode: { sms: 32, batch: { decodes: { count: 32, context: 2048 } }, k: 1 },
    method: 'continuous', partner_covered: true, decode_alone_us: 10, decode_concurrent_us: dec, prefill_alone_us: 60, prefill_concurrent_us: pre, decode_smids_ok: true, prefill_smids_ok: true,
});
const set = (path, gpu, records) => parseMeasurementSet([{ path, text: [meta(gpu, path), ...records].map((r) => JSON.stringify(r)).join('\n') + '\n' }]);
test('repeatability: each timing matched by id, |second / first - 1| summarised per kind (hand-computed)', () => {
    const a = set('a.jsonl', 'G', [fw('f1', 100), fw('f2', 200), fw('f3', 400), fw('only-a', 1), pair(10, 50)]);
    // f1 +1%, f2 -2%, f3 +5%; the pair's decode lane +10%, prefill lane unchanged; one id only in the repeat.
    const b = set('b.jsonl', 'G', [fw('f1', 101), fw('f2', 196), fw('f3', 420), fw('only-b', 1), pair(11, 50)]);
    const r = compareRuns(a, b);
    const g = Object.fromEntries(r.groups.map((x) => [x.kind, x]));
    assert.deepEqual(Object.keys(g), ['concurrent/decode', 'concurrent/prefill', 'forward', 'all']);
    assert.equal(g.forward.count, 3);
    assert.ok(Math.abs(g.forward.median - 0.02) < 1e-12);
    assert.ok(Math.abs(g.forward.mean - (0.01 + 0.02 + 0.05) / 3) < 1e-12);
    assert.ok(Math.abs(g.forward.worst - 0.05) < 1e-12);
    assert.equal(g.forward.worst_id, 'f3');
    assert.ok(Math.abs(g['concurrent/decode'].worst - 0.1) < 1e-12);
    assert.equal(g['concurrent/prefill'].worst, 0);
    assert.equal(g.all.count, 5);
    assert.equal(g.all.worst_id, 'cc');
    assert.deepEqual([r.only_first, r.only_second], [1, 1]);
    assert.match(formatRepeatability(r), /forward\s+3\s+2\.00%\s+2\.67%\s+5\.00%\s+5\.00%\s+f3/);
});
test('repeatability refuses runs of different GPUs and runs with no experiment in common', () => {
    const a = set('a.jsonl', 'G', [fw('f1', 100)]);
    assert.throws(() => compareRuns(a, set('b.jsonl', 'H', [fw('f1', 100)])), /different GPUs \(G and H\)/);
    assert.throws(() => compareRuns(a, set('b.jsonl', 'G', [fw('f2', 100)])), /share no experiment id/);
});
