import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { dataFiles, loadData, loadMeasurements } from '../../calibrate/load-data.js';
import { InputError } from '../../sim/core/input-error.js';
import { packageRoot } from '../../sim/trace/bundled.js';

// A shipped run small enough to copy: round 14's check log is not runner output, its settled-forwards folder is.
const source = join(packageRoot(), 'calibrate/data/h100-2026-12-07-settled-remainder-last-validation');

/** Records without the file they came from (each keeps its line): the gz copy must give the same ones. */
function bare(records: readonly unknown[]): unknown[] {
  return records.map((r) => {
    const { source, ...rest } = r as { source: { file: string; line: number } };
    return { ...rest, line: source.line };
  });
}

function folder(): string {
  const d = mkdtempSync(join(tmpdir(), 'duetsim-load-data-'));
  mkdirSync(join(d, 'run'));
  return join(d, 'run');
}

test('a folder\'s measurement files may be gzip-compressed, plan.json too: the same records as the plain files', () => {
  const plain = loadData(packageRoot(), [source], undefined);
  const d = folder();
  writeFileSync(join(d, 'h100-settled-remainder-last.jsonl.gz'), gzipSync(readFileSync(join(source, 'h100-settled-remainder-last.jsonl'))));
  writeFileSync(join(d, 'plan.json.gz'), gzipSync(readFileSync(join(source, 'plan.json'))));
  writeFileSync(join(d, 'checks.jsonl.gz'), gzipSync('{"kind":"check","name":"x","passed":true}\n'));
  const packed = loadData(d, ['.'], undefined);
  assert.deepEqual(bare(packed.data.records), bare(plain.data.records));
  assert.ok(packed.data.records.every((r) => (r as unknown as { source: { file: string } }).source.file === 'h100-settled-remainder-last.jsonl.gz'), 'a record names the compressed file');
  assert.deepEqual(packed.data.meta, plain.data.meta);
  assert.deepEqual(packed.data.files.map((f) => f.path), ['h100-settled-remainder-last.jsonl.gz']);
  assert.equal(packed.planPath, 'plan.json.gz');
  assert.deepEqual(packed.skipped, ['checks.jsonl.gz'], 'a compressed file without a meta line is skipped, as a plain one is');
  assert.deepEqual(Object.keys(packed.models).sort(), Object.keys(plain.models).sort());
});

test('plan.json beside the data wins over plan.json.gz; a compressed file named directly is read', () => {
  const d = folder();
  copyFileSync(join(source, 'h100-settled-remainder-last.jsonl'), join(d, 'a.jsonl'));
  copyFileSync(join(source, 'plan.json'), join(d, 'plan.json'));
  writeFileSync(join(d, 'plan.json.gz'), gzipSync('not a plan'));
  assert.equal(loadData(d, ['a.jsonl'], undefined).planPath, 'plan.json');
  writeFileSync(join(d, 'b.jsonl.gz'), gzipSync(readFileSync(join(d, 'a.jsonl'))));
  assert.deepEqual(bare(loadMeasurements(d, ['b.jsonl.gz']).data.records), bare(loadMeasurements(d, ['a.jsonl']).data.records));
  assert.deepEqual(dataFiles(d, ['.']).files.map((f) => f.slice(d.length + 1)), ['a.jsonl', 'b.jsonl.gz']);
});

test('a truncated gzip measurement file is refused with its name, not parsed as text', () => {
  const d = folder();
  const whole = gzipSync(readFileSync(join(source, 'h100-settled-remainder-last.jsonl')));
  writeFileSync(join(d, 'cut.jsonl.gz'), whole.subarray(0, whole.length >> 1));
  assert.throws(
    () => loadMeasurements(d, ['cut.jsonl.gz']),
    (e: unknown) => e instanceof InputError && /cut\.jsonl\.gz/.test(e.message) && /truncated/.test(e.message),
  );
});
