import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { reportCommand } from '../../bin/report.js';
import { InputError } from '../../sim/core/input-error.js';
import { writeFixtures } from '../util/report-fixtures.js';
import { runCommand } from '../util/run-command.js';
test('report writes one HTML page from results, study and calibration files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'duetsim-report-cli-'));
    const f = await writeFixtures(dir);
    const r = await runCommand(reportCommand, ['report', ...f.runs, f.study, f.capacity, f.calibration, '-o', 'out.html'], dir);
    assert.equal(r.code, 0, r.stderr);
    const html = readFileSync(join(dir, 'out.html'), 'utf8');
    assert.match(html, /<h1>duetsim report: sweep, cap<\/h1>/);
    assert.match(html, /id="chart-capacity"/);
});
test('a bad input file is an input error naming file, line and field', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'duetsim-report-cli-'));
    writeFileSync(join(dir, 'val.json'), '{\n  "points": [\n    {"id": "a", "kind": "gemm", "predicted_us": 1}\n  ]\n}\n');
    const r = await runCommand(reportCommand, ['report', 'val.json', '-o', 'out.html'], dir);
    assert.equal(r.code, 2);
    assert.ok(r.error instanceof InputError);
    assert.match(r.error.message, /val\.json:3 \[points\[0\]\.measured_us\]: expected a time in µs > 0, got undefined/);
});
