import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scenarioDifferences } from '../../../calibrate/live-compare/scenario.js';
import { TINY_CONFIG } from '../../util/live-compare-fixtures.js';
test('runs of one scenario have no differences, whatever else differs in how they were made', () => {
    const live = { ...TINY_CONFIG, useCalibration: false, resolved: { requests: 5, kv_blocks: 1 }, engine: { ...TINY_CONFIG.engine, gpuMemoryUtilization: 0.8 } };
    assert.deepEqual(scenarioDifferences(TINY_CONFIG, live), []);
    // Absent and null are the same (results written before a field existed).
    assert.deepEqual(scenarioDifferences({ ...TINY_CONFIG, cluster: null }, TINY_CONFIG), []);
});
test('each differing scenario field is named with both values, nested engine fields by their path', () => {
    const live = { ...TINY_CONFIG, rateQps: 3, policy: 'chunked', policyParams: { tbt_target_ms: 40 }, seed: 1, engine: { ...TINY_CONFIG.engine, maxNumSeqs: 128 } };
    const { limit: _, ...noLimit } = live;
    assert.deepEqual(scenarioDifferences(TINY_CONFIG, noLimit), [
        { field: 'policy', simulated: 'duetserve', live: 'chunked' },
        { field: 'policyParams', simulated: {}, live: { tbt_target_ms: 40 } },
        { field: 'limit', simulated: 5, live: undefined },
        { field: 'rateQps', simulated: 2, live: 3 },
        { field: 'seed', simulated: 0, live: 1 },
        { field: 'engine.maxNumSeqs', simulated: 256, live: 128 },
    ]);
    for (const field of ['model', 'hardware', 'trace', 'startS', 'durationS', 'sloTbtMs']) {
        assert.deepEqual(scenarioDifferences(TINY_CONFIG, { ...TINY_CONFIG, [field]: 'other' }).map((d) => d.field), [field]);
    }
});
