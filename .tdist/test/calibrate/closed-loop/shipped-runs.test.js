import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { packageRoot } from '../../../sim/trace/bundled.js';
import { runCommand } from '../../util/run-command.js';
import { COMMANDS } from '../../../bin/commands.js';
// The command as bin/ composes it (with reports/' HTML pages).
const calibrate = await COMMANDS.calibrate();
/**
 * The closed-loop runs shipped as data (calibrate/data/closed-loop-2026-11-27/, README there): CI has no GPU,
 * so it re-runs `duetsim calibrate compare` on the committed schedules and measurements and checks that the
 * comparison is the one committed beside them, figure for figure. A change to the rebuild, the statistics or
 * the readers that moves a published number fails here.
 */
for (const [run, policy] of [['run2', 'chunked'], ['run2', 'duetserve'], ['run3', 'chunked'], ['run3', 'duetserve']]) {
    const RUN = `calibrate/data/closed-loop-2026-11-27/${run}`;
    test(`shipped ${run} (${policy}, H200): compare reproduces the committed comparison`, { timeout: 120_000 }, async () => {
        const root = packageRoot();
        const out = mkdtempSync(join(tmpdir(), 'duetsim-shipped-'));
        try {
            const json = join(out, 'cmp.json');
            const r = await runCommand(calibrate, ['calibrate', 'compare', `${RUN}/h200-${policy}.schedule.jsonl.gz`, `${RUN}/h200-${policy}.measured.jsonl.gz`, '--json', json], root);
            assert.equal(r.code, 0, r.stderr);
            const committed = gunzipSync(readFileSync(join(root, RUN, `h200-${policy}.compare.json.gz`))).toString('utf8');
            assert.deepEqual(JSON.parse(readFileSync(json, 'utf8')), JSON.parse(committed));
            // The figures BENCHMARKS.md quotes.
            assert.match(r.stdout, /TBT p50 within 5% .*: PASS/);
        }
        finally {
            rmSync(out, { recursive: true, force: true });
        }
    });
}
