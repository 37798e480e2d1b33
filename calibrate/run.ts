import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { Plan } from './plan-format.js';
import { existsSync } from 'node:fs';
import { ADDON_BUILD_HINT, AddonUnavailableError, loadAddon, type DuetAddon } from './native.js';

/**
 * Runs a plan on this machine's GPU through one of the two backends over the same CUDA core: the
 * node-addon-api addon (in process, `runPlan` returns a Promise) or the standalone `duet_runner`
 * executable. Output is JSONL, one record per experiment after the meta line. With `resume`, ids already
 * in the output are skipped, so an interrupted run (a crash, a lost machine) continues where it stopped.
 */
export type BackendName = 'addon' | 'runner';

export interface RunOptions {
  readonly plan: Plan;
  readonly outPath: string;
  readonly resume: boolean;
  readonly progress: (text: string) => void;
}

/** Where a built `duet_runner` may be, in the order tried. */
export function runnerCandidates(packageRoot: string): string[] {
  return [join(packageRoot, 'cuda', 'build', 'duet_runner'), join(packageRoot, 'cuda', 'build', 'runner', 'duet_runner')];
}

/** Spawns duet_runner with `args`, its progress on this process's stderr; rejects on a non-zero exit. */
function spawnRunner(runnerPath: string, args: readonly string[], progress: (text: string) => void, what: string): Promise<void> {
  progress(`${what}: ${runnerPath} ${args.join(' ')}\n`);
  return new Promise((resolve, reject) => {
    const child = spawn(runnerPath, args, { stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`${runnerPath} exited with ${signal ?? `code ${code}`}; rerun with --resume to continue`));
    });
  });
}

/** Runs the standalone executable; it does its own resuming (`--resume`) and writes progress to stderr. */
export function runWithRunner(runnerPath: string, planPath: string, opts: RunOptions): Promise<void> {
  return spawnRunner(runnerPath, ['--plan', planPath, '--out', opts.outPath, ...(opts.resume ? ['--resume'] : [])], opts.progress, 'calibrate run');
}

/** The reference backend's script (production kernels through PyTorch; cuda/reference/README in cuda/README.md). */
export function referenceRunnerScript(packageRoot: string): string {
  return join(packageRoot, 'cuda', 'reference', 'torch_runner.py');
}

/**
 * Runs the plan with the reference backend: `python torch_runner.py PLAN --out OUT [--resume] [--max-seconds S]`.
 * The script resumes and stops on its own, like duet_runner; its progress goes to this process's stderr.
 */
export function runWithReference(python: string, packageRoot: string, planPath: string, opts: RunOptions & { readonly maxSeconds: number }): Promise<void> {
  const args = [referenceRunnerScript(packageRoot), planPath, '--out', opts.outPath, ...(opts.resume ? ['--resume'] : []), ...(opts.maxSeconds > 0 ? ['--max-seconds', String(opts.maxSeconds)] : [])];
  return spawnRunner(python, args, opts.progress, 'calibrate run --kernels torch');
}

/**
 * Runs in process through the addon (calibrate/native.ts). Resuming is the core's, as for the runner:
 * ids already in the output are skipped and a half-written last line is dropped.
 */
export async function runWithAddon(addon: Pick<DuetAddon, 'runPlan'>, planName: string, opts: RunOptions): Promise<number> {
  const count = await addon.runPlan(JSON.stringify(opts.plan), opts.outPath, (line) => opts.progress(line.endsWith('\n') ? line : `${line}\n`), {
    resume: opts.resume,
    planName,
  });
  opts.progress(`calibrate run: ${count} experiments measured into ${opts.outPath}\n`);
  return count;
}

export interface ExecuteOptions {
  /** The duetsim-exec plan file (the runner reads it; the addon gets its text). */
  readonly planPath: string;
  readonly planText: string;
  readonly outPath: string;
  readonly resume: boolean;
  /** > 0: stop cleanly after about this many seconds (continue later with resume); 0: no limit. */
  readonly maxSeconds: number;
  readonly progress: (text: string) => void;
}

/** `duet_runner --execute`: a simulated schedule run step by step on the GPU (cuda/core/schedule_exec.cpp). */
export function executeWithRunner(runnerPath: string, opts: ExecuteOptions): Promise<void> {
  const args = ['--execute', opts.planPath, '--out', opts.outPath, ...(opts.resume ? ['--resume'] : []), ...(opts.maxSeconds > 0 ? ['--max-seconds', String(opts.maxSeconds)] : [])];
  return spawnRunner(runnerPath, args, opts.progress, 'calibrate execute');
}

/**
 * The backend choice both GPU commands make: the addon unless `--backend runner`; without `--backend`, an
 * addon that is not built falls through to duet_runner (`--runner`, or the first of runnerCandidates).
 */
export async function withBackend(
  backend: BackendName | undefined,
  runnerFlag: string | undefined,
  root: string,
  viaAddon: (addon: DuetAddon) => Promise<unknown>,
  viaRunner: (runnerPath: string) => Promise<void>,
): Promise<void> {
  if (backend !== 'runner') {
    try {
      await viaAddon(loadAddon());
      return;
    } catch (e) {
      if (!(e instanceof AddonUnavailableError) || backend === 'addon') throw e;
    }
  }
  const runner = runnerFlag ?? runnerCandidates(root).find((p) => existsSync(p));
  if (!runner || !existsSync(runner)) {
    throw new AddonUnavailableError(`neither the CUDA addon nor duet_runner is built (looked for ${runnerCandidates(root).join(', ')}); ${ADDON_BUILD_HINT}`);
  }
  await viaRunner(runner);
}

export async function executeWithAddon(addon: Pick<DuetAddon, 'executeSchedule'>, planName: string, opts: ExecuteOptions): Promise<number> {
  const count = await addon.executeSchedule(opts.planText, opts.outPath, (line) => opts.progress(line.endsWith('\n') ? line : `${line}\n`), {
    resume: opts.resume,
    planName,
    maxSeconds: opts.maxSeconds,
  });
  opts.progress(`calibrate execute: ${count} steps measured into ${opts.outPath}\n`);
  return count;
}
