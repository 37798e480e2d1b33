import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { packageRoot } from '../../sim/trace/bundled.js';
test('a reader that closes the pipe early (duetsim … | head -1) ends the CLI quietly with status 0', async () => {
    const bin = join(packageRoot(), 'dist', 'bin', 'duetsim.js');
    // The whole Azure trace as JSONL (megabytes, far beyond a pipe's buffer); the reader keeps only the first chunk.
    const child = spawn(process.execPath, [bin, 'trace', 'convert', 'azure-conv'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    await new Promise((resolve) => child.stdout.once('data', () => resolve()));
    child.stdout.destroy();
    const code = await new Promise((resolve) => child.on('close', (c) => resolve(c)));
    assert.equal(code, 0, stderr);
    assert.doesNotMatch(stderr, /EPIPE|Unhandled|internal error/);
});
