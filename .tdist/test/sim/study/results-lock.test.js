import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ResultsLock } from '../../../sim/study/results-lock.js';
import { expectInputError } from '../../util/expect-input-error.js';
const fresh = () => join(mkdtempSync(join(tmpdir(), 'duetsim-lock-')), 'out.jsonl');
test('a second writer of a locked results file gets results-locked naming the holder, until the first releases', () => {
    const file = fresh();
    const first = ResultsLock.acquire(file, '-o');
    const [p] = expectInputError(() => ResultsLock.acquire(file, '-o'), [{ code: 'results-locked', file, field: '-o' }]);
    assert.match(p.message, new RegExp(`^duetsim whatif \\(pid ${process.pid} on ${hostname()}, since .*\\) is writing this results file; wait for it to finish, or delete .*out\\.jsonl\\.lock if that process is gone$`));
    first.release();
    assert.ok(!existsSync(`${file}.lock`));
    ResultsLock.acquire(file, '-o').release();
});
test('a lock left by a process of this host that no longer runs is taken over; one from another host is not', () => {
    const file = fresh();
    // A pid that has certainly exited: a child we waited for.
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    writeFileSync(`${file}.lock`, JSON.stringify({ pid: Number(dead.stdout), host: hostname(), started_at: '2026-01-01T00:00:00.000Z' }));
    ResultsLock.acquire(file, '-o').release();
    writeFileSync(`${file}.lock`, JSON.stringify({ pid: Number(dead.stdout), host: 'elsewhere', started_at: '2026-01-01T00:00:00.000Z' }));
    expectInputError(() => ResultsLock.acquire(file, '-o'), [{ code: 'results-locked', message: `duetsim whatif (pid ${dead.stdout} on elsewhere, since 2026-01-01T00:00:00.000Z) is writing this results file; wait for it to finish, or delete ${file}.lock if that process is gone` }]);
});
test('a results path in a missing folder, or a folder, is bad-output-path', () => {
    const file = fresh();
    expectInputError(() => ResultsLock.acquire(join(file, 'x', 'y.jsonl'), '-o'), [{ code: 'bad-output-path', field: '-o', message: 'cannot write the results file: its folder does not exist' }]);
    expectInputError(() => ResultsLock.acquire(tmpdir(), '-o'), [{ code: 'bad-output-path', field: '-o', message: 'is a folder; name a results file inside it' }]);
});
