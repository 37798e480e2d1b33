import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runScenario } from '../../../sim/run/run-scenario.js';
import { loadScenarioRequests } from '../../../sim/run/scenario-workload.js';
import { loadWorkload } from '../../../sim/workload/load-workload.js';
import { meanRateQps } from '../../../sim/workload/transform.js';
import { fixtureSpec } from '../../util/report-fixtures.js';
import { runCommand } from '../../util/run-command.js';
import { trace } from '../../../sim/cli/commands/trace.js';
test('--rate is the arrival rate of the simulated window: --rate 8 --duration 120 on azure-conv replays 8 req/s', () => {
    // Rescaling the whole trace before cutting the window replayed about 6.2 req/s here.
    const requests = loadScenarioRequests(fixtureSpec({ rateQps: 8, durationS: 120 }), undefined);
    assert.ok(Math.abs(meanRateQps(requests) - 8) < 1e-3, `measured ${meanRateQps(requests)} req/s`);
});
test('replay and trace stats select the same requests for the same trace, window, limit and rate', () => {
    const spec = fixtureSpec({ rateQps: 14.67, startS: 300, durationS: 90, limit: 500 });
    const replayed = loadScenarioRequests(spec, undefined);
    // What `duetsim trace stats --trace azure-conv --rate 14.67 --start 300 --duration 90 --limit 500` reads.
    const stats = loadWorkload({ trace: 'azure-conv', rateQps: 14.67, startS: 300, durationS: 90, limit: 500, seed: 0 });
    assert.deepEqual(replayed, stats);
    assert.ok(Math.abs(meanRateQps(replayed) - 14.67) < 1e-3);
});
test('results record the measured arrival rate of the requests simulated', () => {
    const r = runScenario(fixtureSpec({ policy: 'vllm', rateQps: 5, durationS: 30 }));
    const resolved = r.config.resolved;
    assert.ok(Math.abs(resolved.arrival_rate_qps - 5) < 1e-3, `${resolved.arrival_rate_qps}`);
});
test('trace stats describes the requests replay runs, the bundled arrival spread included (mooncake-conv)', async () => {
    const r = await runCommand(trace, ['trace', 'stats', 'mooncake-conv', '--rate', '2', '--duration', '600', '--json'], process.cwd());
    const stats = JSON.parse(r.stdout);
    const replayed = loadScenarioRequests(fixtureSpec({ trace: 'mooncake-conv', rateQps: 2, durationS: 600 }), undefined);
    assert.equal(stats.requestCount, replayed.length);
    assert.ok(Math.abs(stats.meanRateQps - meanRateQps(replayed)) < 1e-9);
    assert.ok(Math.abs(stats.meanRateQps - 2) < 1e-3);
});
