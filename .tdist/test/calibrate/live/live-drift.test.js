import { test } from 'node:test';
import assert from 'node:assert/strict';
import { liveDriftReport, parseLiveSteps } from '../../../calibrate/live/live-drift.js';
const rec = (o) => JSON.stringify({ prefill_sms: 0, decode_sms: 0, k: 1, prefill_chunks: 0, cached_tokens: 0, decode_context_tokens: 0, rel_error: 0, decision_us: 0, prepare_us: 0, idle_before_us: null, gap_before_ms: 0, smids_ok: true, kv_used_blocks: 1, ...o });
test('live drift: measured vs the model per lane and regime, grouped as the closed loop groups them (golden)', () => {
    const text = [
        rec({ step: 0, start_ms: 0, mode: 'aggregated', prefill_tokens: 300, decode_requests: 0, measured: { gpu_us: 1100, busy_us: 1100 }, predicted: { gpu_us: 1000, busy_us: 1000 } }),
        rec({ step: 1, start_ms: 2, mode: 'aggregated', prefill_tokens: 0, decode_requests: 4, measured: { gpu_us: 500, busy_us: 500 }, predicted: { gpu_us: 400, busy_us: 400 } }),
        // A window: prefill ends at 3000 measured (2000 predicted); decode steps end 1000, 2000, 4000 (predicted 800, 1600, 2400).
        rec({ step: 2, start_ms: 3, mode: 'split', prefill_sms: 96, decode_sms: 36, k: 3, prefill_tokens: 1000, decode_requests: 4, measured: { prefill_end_us: 3000, decode_end_us: [1000, 2000, 4000], busy_us: 4000 }, predicted: { prefill_end_us: 2000, decode_end_us: [800, 1600, 2400], busy_us: 2400 } }),
        '{"kind":"error","after_steps":3,"message":"boom"}',
    ].join('\n');
    const run = parseLiveSteps(text, 'steps.jsonl');
    assert.equal(run.error, 'boom');
    const d = liveDriftReport(run);
    assert.equal(d.gpu_busy_us, 1100 + 500 + 4000);
    const lane = (name) => d.lanes.find((g) => g.lane === name);
    assert.equal(lane('aggregated').count, 2);
    assert.ok(Math.abs(lane('aggregated').mean_ratio - (1.1 + 1.25) / 2) < 1e-12);
    assert.equal(lane('aggregated').weighted_ratio, 1600 / 1400);
    assert.equal(lane('split-prefill').mean_ratio, 1.5);
    assert.equal(lane('split-decode').mean_ratio, 4000 / 2400);
    // Steps 1 and 2 run while the prefill runs (start < 3000); step 3 starts at 2000, still during it.
    const during = d.groups.find((g) => g.lane === 'split-decode-step' && g.value === 'during the prefill');
    assert.equal(during.count, 3);
    assert.ok(Math.abs(during.mean_ratio - (1000 / 800 + 1000 / 800 + 2000 / 800) / 3) < 1e-12);
    assert.ok(d.groups.some((g) => g.dimension === 'partition S_p/S_d' && g.value === '96/36'));
    assert.ok(d.groups.some((g) => g.dimension === 'prefill tokens' && g.value === '129–512' && g.lane === 'aggregated'));
});
test('live drift: records out of order, missing fields or bad JSON are errors naming the file, line and field', () => {
    const bad = [
        rec({ step: 0, start_ms: 0, mode: 'aggregated', prefill_tokens: 1, decode_requests: 0, measured: { gpu_us: 1 }, predicted: { gpu_us: 1 } }),
        rec({ step: 5, start_ms: 1, mode: 'aggregated', prefill_tokens: 1, decode_requests: 0, measured: { gpu_us: -1 }, predicted: { gpu_us: 1 } }),
        '{not json',
    ].join('\n');
    assert.throws(() => parseLiveSteps(bad, 'steps.jsonl'), (e) => {
        const m = e instanceof Error ? e.message : '';
        assert.match(m, /steps\.jsonl:2.*step.*step 5 where step 1 was expected/);
        assert.match(m, /steps\.jsonl:2.*measured\.gpu_us/);
        assert.match(m, /steps\.jsonl:3.*not valid JSON/);
        return true;
    });
    assert.throws(() => parseLiveSteps('', 'e.jsonl'), /no step records/);
});
