import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { hasTool } from '../util/tools.js';
/**
 * CI has no GPU, but it has nvcc (no cuBLAS): every CUDA source that does not need cuBLAS headers is
 * compiled for sm_90 here, and every host file is checked by g++ against the CUDA and N-API headers, so a
 * change that breaks the GPU build fails before anyone spends device time on it. cuBLAS-using sources
 * (gemm.cu) compile on the GPU host only.
 */
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const run = promisify(execFile);
const cudaInclude = ['/usr/local/cuda/include', '/usr/local/cuda-13.0/include'].find((d) => {
    try {
        readFileSync(join(d, 'cuda.h'));
        return true;
    }
    catch {
        return false;
    }
});
function sources(dir, ext) {
    return readdirSync(join(root, dir))
        .filter((f) => f.endsWith(ext))
        .map((f) => join(dir, f))
        .filter((f) => !/#include\s*[<"]cublas/.test(readFileSync(join(root, f), 'utf8')));
}
/** Runs `jobs` two at a time (the CI machine has two cores). */
async function pooled(jobs, width = 2) {
    let next = 0;
    await Promise.all(Array.from({ length: width }, async () => {
        while (next < jobs.length)
            await jobs[next++]();
    }));
}
test('CUDA kernels compile with the local nvcc for sm_90 (all but the cuBLAS wrapper)', { skip: hasTool('nvcc') ? false : 'nvcc not installed', timeout: 600_000 }, async () => {
    const files = sources('cuda/kernels', '.cu');
    assert.ok(files.length >= 10, `only ${files.length} kernel sources found`);
    const out = mkdtempSync(join(tmpdir(), 'duetsim-nvcc-'));
    const failures = [];
    try {
        await pooled(files.map((f, i) => async () => {
            try {
                await run('nvcc', ['-std=c++17', '-arch=sm_90', '-c', join(root, f), '-o', join(out, `${i}.o`)], { cwd: root });
            }
            catch (e) {
                failures.push(`${f}:\n${e.stderr ?? String(e)}`);
            }
        }));
    }
    finally {
        rmSync(out, { recursive: true, force: true });
    }
    assert.deepEqual(failures, []);
});
test('host C++ (core, runner, binding) passes g++ -fsyntax-only against the CUDA and N-API headers', { skip: hasTool('g++') && cudaInclude ? false : 'g++ or the CUDA headers missing', timeout: 300_000 }, async () => {
    const files = [...sources('cuda/core', '.cpp'), ...sources('cuda/runner', '.cpp'), ...sources('cuda/binding', '.cpp')];
    assert.ok(files.length >= 10);
    const napi = ['/usr/include/node', join(root, '.node-carry/include')];
    const flags = ['-std=c++17', '-fsyntax-only', `-I${cudaInclude}`, ...napi.map((d) => `-I${d}`), `-I${join(root, 'node_modules/node-addon-api')}`, '-DNAPI_VERSION=8', '-DNAPI_CPP_EXCEPTIONS', '-DNODE_ADDON_API_DISABLE_DEPRECATED'];
    const failures = [];
    await pooled(files.map((f) => async () => {
        try {
            await run('g++', [...flags, join(root, f)], { cwd: root });
        }
        catch (e) {
            failures.push(`${f}:\n${e.stderr ?? String(e)}`);
        }
    }));
    assert.deepEqual(failures, []);
});
// The live session's two front ends (issue 15) — the addon's openLive handle driven from Node, and
// duet_runner --live-stdio — built over a host-only stand-in core (cuda/tests/live_stub_core.cpp): argument
// checks, errors, signals and the line protocol checked without a GPU. Then the signal flag on its own.
test('live front ends (addon openLive, duet_runner --live-stdio) and the signal flag, over a CPU stand-in core', { skip: hasTool('g++') && hasTool('node') ? false : 'g++ missing', timeout: 300_000 }, async () => {
    const { stdout } = await run('bash', [join(root, 'cuda/tests/live_addon_check.sh')], { cwd: root });
    assert.match(stdout, /live addon check: ok/);
    const out = mkdtempSync(join(tmpdir(), 'duet-live-signals-'));
    try {
        const bin = join(out, 'live_signals_test');
        await run('g++', ['-std=c++17', '-O1', '-Wall', '-Wextra', '-Werror', '-Icuda', '-o', bin, 'cuda/tests/live_signals_test.cpp', 'cuda/core/live_signals.cpp'], { cwd: root });
        const r = await run(bin, [], { cwd: root });
        assert.match(r.stdout + r.stderr, /ok/);
    }
    finally {
        rmSync(out, { recursive: true, force: true });
    }
});
