import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readTrace } from '../../../sim/trace/read-trace.js';
import { expectInputError } from '../../util/expect-input-error.js';
const dir = mkdtempSync(join(tmpdir(), 'duetsim-read-trace-'));
test('detects the format unless one is named, and names the file as given', () => {
    const path = join(dir, 'lengths.txt');
    writeFileSync(path, 'num_prefill_tokens,num_decode_tokens\n3,4\n');
    const t = readTrace(path, 'my/lengths.txt', null);
    assert.equal(t.format, 'sharegpt-lengths');
    assert.equal(t.file, 'my/lengths.txt');
    // Naming a format that does not fit reports that format's own located problem.
    expectInputError(() => readTrace(path, 'my/lengths.txt', 'azure-csv'), [{ code: 'bad-header', file: 'my/lengths.txt', line: 1 }]);
});
test('a missing file is an input error naming it', () => {
    expectInputError(() => readTrace(join(dir, 'absent.csv'), 'absent.csv', null), [{ code: 'unreadable-file', file: 'absent.csv', line: 0, message: 'no such file' }]);
});
