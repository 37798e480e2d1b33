import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { ADDON_BUILD_HINT, AddonUnavailableError, loadAddon } from './native.js';
/** Where a built `duet_runner` may be, in the order tried. */
export function runnerCandidates(packageRoot) {
    return [join(packageRoot, 'cuda', 'build', 'duet_runner'), join(packageRoot, 'cuda', 'build', 'runner', 'duet_runner')];
}
/** Spawns duet_runner with `args`, its progress on this process's stderr; rejects on a non-zero exit. */
function spawnRunner(runnerPath, args, progress, what) {
    progress(`${what}: ${runnerPath} ${args.join(' ')}\n`);
    return new Promise((resolve, reject) => {
        const child = spawn(runnerPath, args, { stdio: ['ignore', 'inherit', 'inherit'] });
        child.on('error', reject);
        child.on('exit', (code, signal) => {
            if (code === 0)
                resolve();
            else
                reject(new Error(`${runnerPath} exited with ${signal ?? `code ${code}`}; rerun with --resume to continue`));
        });
    });
}
/** Runs the standalone executable; it does its own resuming (`--resume`) and writes progress to stderr. */
export function runWithRunner(runnerPath, planPath, opts) {
    return spawnRunner(runnerPath, ['--plan', planPath, '--out', opts.outPath, ...(opts.resume ? ['--resume'] : [])], opts.progress, 'calibrate run');
}
/** The reference backend's script (production kernels through PyTorch; cuda/reference/README in cuda/README.md). */
export function referenceRunnerScript(packageRoot) {
    return join(packageRoot, 'cuda', 'reference', 'torch_runner.py');
}
/**
 * Runs the plan with the reference backend: `python torch_runner.py PLAN --out OUT [--resume] [--max-seconds S]`.
 * The script resumes and stops on its own, like duet_runner; its progress goes to this process's stderr.
 */
export function runWithReference(python, packageRoot, planPath, opts) {
    const args = [referenceRunnerScript(packageRoot), planPath, '--out', opts.outPath, ...(opts.resume ? ['--resume'] : []), ...(opts.maxSeconds > 0 ? ['--max-seconds', String(opts.maxSeconds)] : [])];
    return spawnRunner(python, args, opts.progress, 'calibrate run --kernels torch');
}
/**
 * Runs in process through the addon (calibrate/native.ts). Resuming is the core's, as for the runner:
 * ids already in the output are skipped and a half-written last line is dropped.
 */
export async function runWithAddon(addon, planName, opts) {
    const count = await addon.runPlan(JSON.stringify(opts.plan), opts.outPath, (line) => opts.progress(line.endsWith('\n') ? line : `${line}\n`), {
        resume: opts.resume,
        planName,
    });
    opts.progress(`calibrate run: ${count} experiments measured into ${opts.outPath}\n`);
    return count;
}
/** `duet_runner --execute`: a simulated schedule run step by step on the GPU (cuda/core/schedule_exec.cpp). */
export function executeWithRunner(runnerPath, opts) {
    const args = ['--execute', opts.planPath, '--out', opts.outPath, ...(opts.resume ? ['--resume'] : []), ...(opts.maxSeconds > 0 ? ['--max-seconds', String(opts.maxSeconds)] : [])];
    return spawnRunner(runnerPath, args, opts.progress, 'calibrate execute');
}
/**
 * The backend choice both GPU commands make: the addon unless `--backend runner`; without `--backend`, an
 * addon that is not built falls through to duet_runner (`--runner`, or the first of runnerCandidates).
 */
export async function withBackend(backend, runnerFlag, root, viaAddon, viaRunner) {
    if (backend !== 'runner') {
        try {
            await viaAddon(loadAddon());
            return;
        }
        catch (e) {
            if (!(e instanceof AddonUnavailableError) || backend === 'addon')
                throw e;
        }
    }
    const runner = runnerFlag ?? runnerCandidates(root).find((p) => existsSync(p));
    if (!runner || !existsSync(runner)) {
        throw new AddonUnavailableError(`neither the CUDA addon nor duet_runner is built (looked for ${runnerCandidates(root).join(', ')}); ${ADDON_BUILD_HINT}`);
    }
    await viaRunner(runner);
}
export async function executeWithAddon(addon, planName, opts) {
    const count = await addon.executeSchedule(opts.planText, opts.outPath, (line) => opts.progress(line.endsWith('\n') ? line : `${line}\n`), {
        resume: opts.resume,
        planName,
        maxSeconds: opts.maxSeconds,
    });
    opts.progress(`calibrate execute: ${count} steps measured into ${opts.outPath}\n`);
    return count;
}
