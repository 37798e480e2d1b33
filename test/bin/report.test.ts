import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
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

test('a missing file, a folder or binary data is an input error naming the file, not a stack trace', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'duetsim-report-cli-'));
  writeFileSync(join(dir, 'rand.bin'), Buffer.from([0x1c, 0x9d, 0x00, 0x41, 0xff, 0x10]));
  const cases: [string, RegExp][] = [
    ['nonexist.json', /nonexist\.json: no such file/],
    ['.', /is a folder, not a file/],
    ['rand.bin', /rand\.bin:1: holds a NUL byte \(at byte 2\): binary data, not text/],
  ];
  for (const [file, message] of cases) {
    const r = await runCommand(reportCommand, ['report', file, '-o', 'out.html'], dir);
    assert.equal(r.code, 2, file);
    assert.ok(r.error instanceof InputError, file);
    assert.match(r.error.message, message);
  }
});

test('gzip-compressed results are read through', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'duetsim-report-cli-'));
  const f = await writeFixtures(dir);
  writeFileSync(join(dir, 'run.json.gz'), gzipSync(readFileSync(f.runs[0])));
  const r = await runCommand(reportCommand, ['report', 'run.json.gz', '-o', 'out.html'], dir);
  assert.equal(r.code, 0, r.stderr);
  assert.match(readFileSync(join(dir, 'out.html'), 'utf8'), /<h1>duetsim report/);
});

test('a refused input leaves no output or temporary file behind', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'duetsim-report-cli-'));
  const r = await runCommand(reportCommand, ['report', 'nonexist.json', '-o', 'out.html'], dir);
  assert.equal(r.code, 2);
  assert.deepEqual(readdirSync(dir), []);
});
