import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../bin/main.js';
import { CORPUS } from './cases.js';
/** Runs one case through the whole CLI (bin/main.ts, as bin/duetsim.ts does) in a fresh folder. */
async function runCase(c) {
    const dir = mkdtempSync(join(tmpdir(), 'duetsim-corpus-'));
    for (const d of c.dirs ?? [])
        mkdirSync(join(dir, d));
    for (const [name, content] of Object.entries(c.files ?? {}))
        writeFileSync(join(dir, name), content);
    let stdout = '';
    let stderr = '';
    const code = await runCli(c.argv, { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), isTty: false, cwd: dir });
    return { code, stdout, stderr: stderr.split(dir).join('$DIR'), dir };
}
for (const c of CORPUS) {
    test(`corpus: ${c.name} → exit ${c.exitCode}`, async () => {
        const r = await runCase(c);
        try {
            assert.equal(r.code, c.exitCode, r.stderr);
            if (typeof c.stderr === 'string')
                assert.equal(r.stderr, c.stderr);
            else
                assert.match(r.stderr, c.stderr);
            if (c.stdout !== undefined) {
                if (typeof c.stdout === 'string')
                    assert.equal(r.stdout, c.stdout);
                else
                    assert.match(r.stdout, c.stdout);
            }
            for (const f of c.absent ?? [])
                assert.ok(!existsSync(join(r.dir, f)), `${f} must not exist after the run`);
            // Nothing an error prints may carry a raw control character, whatever the input held.
            assert.doesNotMatch(r.stderr + r.stdout, /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
        }
        finally {
            rmSync(r.dir, { recursive: true, force: true });
        }
    });
}
