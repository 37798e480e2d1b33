import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkOutputPath, OutputFile, OutputSet, writeOutputFile } from '../../../sim/cli/output-file.js';
import { expectInputError } from '../../util/expect-input-error.js';
const fresh = () => mkdtempSync(join(tmpdir(), 'duetsim-output-'));
test('an output is written to a temporary file beside it and appears under its name only on commit', () => {
    const dir = fresh();
    writeFileSync(join(dir, 'r.csv'), 'old\n');
    const f = OutputFile.open('--requests-csv', 'r.csv', dir);
    // More than the flush threshold, so part of it is on disk before the commit.
    for (let i = 0; i < 20_000; i++)
        f.write(`row ${i}\n`);
    assert.equal(readFileSync(join(dir, 'r.csv'), 'utf8'), 'old\n', 'the old file stays until the new one is complete');
    assert.equal(readdirSync(dir).filter((n) => n.endsWith('.tmp')).length, 1);
    f.commit();
    const text = readFileSync(join(dir, 'r.csv'), 'utf8');
    assert.ok(text.startsWith('row 0\n') && text.endsWith('row 19999\n'));
    assert.deepEqual(readdirSync(dir), ['r.csv']);
});
test('discard removes the temporary file and leaves an existing file untouched', () => {
    const dir = fresh();
    writeFileSync(join(dir, 'out.json'), 'kept');
    const f = OutputFile.open('--out', 'out.json', dir);
    f.write('half');
    f.discard();
    f.discard();
    assert.deepEqual(readdirSync(dir), ['out.json']);
    assert.equal(readFileSync(join(dir, 'out.json'), 'utf8'), 'kept');
});
test('a path that is not a regular file (/dev/null) is written directly', () => {
    writeOutputFile('--out', '/dev/null', fresh(), 'x');
});
test('OutputSet reports every bad path together and creates none of the good ones', () => {
    const dir = fresh();
    expectInputError(() => OutputSet.open([{ flag: '--out', path: 'ok.json' }, { flag: '--report', path: 'no/r.html' }, { flag: '--iterations-csv', path: '' }, { flag: '--emit-schedule', path: undefined }], dir), [
        { code: 'bad-output-path', field: '--report' },
        { code: 'bad-output-path', field: '--iterations-csv', message: 'expected a file name, got an empty string' },
    ]);
    assert.deepEqual(readdirSync(dir), []);
    assert.ok(!existsSync(join(dir, 'ok.json')));
});
test('checkOutputPath leaves nothing behind on a good path and fails on a bad one', () => {
    const dir = fresh();
    writeFileSync(join(dir, 'm.jsonl'), 'kept\n');
    checkOutputPath('--out', 'm.jsonl', dir);
    assert.deepEqual(readdirSync(dir), ['m.jsonl']);
    assert.equal(readFileSync(join(dir, 'm.jsonl'), 'utf8'), 'kept\n');
    expectInputError(() => checkOutputPath('--out', 'no/m.jsonl', dir), [{ code: 'bad-output-path', field: '--out' }]);
});
