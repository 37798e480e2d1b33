import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Plan } from './plan-format.js';

/**
 * Runs a plan on this machine's GPU through one of the two backends over the same CUDA core: the
 * node-addon-api addon (in process, `runPlan` returns a Promise) or the standalone `duet_runner`
 * executable. Output is JSONL, one record per experiment after the meta line. With `resume`, ids already
 * in the output are skipped, so an interrupted run (a crash, a lost machine) continues where it stopped.
 */
export type BackendName = 'addon' | 'runner';

/** What calibrate/native.ts's loadAddon() returns, as far as running a plan needs. */
export interface PlanAddon {
  runPlan(planJson: string, outPath: string, onProgress: (...args: unknown[]) => void): Promise<unknown>;
}

export interface RunOptions {
  readonly plan: Plan;
  readonly outPath: string;
  readonly resume: boolean;
  readonly progress: (text: string) => void;
}

/** The build command both backends come from (cuda/CMakeLists.txt via cuda/build-addon.sh). */
export const BUILD_HINT = 'build it on the GPU host with `npm run build:native` (needs CUDA 13 and CMake; see calibrate/README.md)';

/**
 * Ids of the experiments already measured in an output file. A last line cut short by an interruption is
 * not counted (its experiment runs again) and is reported so the caller can drop it before appending.
 */
export function completedIds(jsonl: string): { ids: Set<string>; validBytes: number; hasMeta: boolean } {
  const ids = new Set<string>();
  let validBytes = 0;
  let hasMeta = false;
  let offset = 0;
  for (const line of jsonl.split('\n')) {
    const end = offset + line.length + 1;
    if (line.trim() !== '') {
      let rec: unknown;
      try {
        rec = JSON.parse(line);
      } catch {
        break;
      }
      if (typeof rec === 'object' && rec !== null) {
        const r = rec as { kind?: unknown; id?: unknown };
        if (r.kind === 'meta') hasMeta = true;
        else if (typeof r.id === 'string') ids.add(r.id);
      }
    }
    validBytes = Math.min(end, jsonl.length);
    offset = end;
  }
  return { ids, validBytes, hasMeta };
}

/** The plan without the experiments whose ids are done. */
export function remainingPlan(plan: Plan, done: ReadonlySet<string>): Plan {
  return { ...plan, experiments: plan.experiments.filter((e) => !done.has(e.id)) };
}

/** Where a built `duet_runner` may be, in the order tried. */
export function runnerCandidates(packageRoot: string): string[] {
  return [join(packageRoot, 'cuda', 'build', 'duet_runner'), join(packageRoot, 'cuda', 'build', 'runner', 'duet_runner')];
}

/** Runs the standalone executable; it does its own resuming (`--resume`) and writes progress to stderr. */
export function runWithRunner(runnerPath: string, planPath: string, opts: RunOptions): Promise<void> {
  const args = ['--plan', planPath, '--out', opts.outPath, ...(opts.resume ? ['--resume'] : [])];
  opts.progress(`calibrate run: ${runnerPath} ${args.join(' ')}\n`);
  return new Promise((resolve, reject) => {
    const child = spawn(runnerPath, args, { stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`${runnerPath} exited with ${signal ?? `code ${code}`}; rerun with --resume to continue`));
    });
  });
}

/**
 * Runs in process through the addon. Resuming is done here: the remaining experiments are measured into
 * a side file whose records (not its meta line) are then appended to the output, after any half-written
 * last line has been cut off.
 */
export async function runWithAddon(addon: PlanAddon, opts: RunOptions): Promise<void> {
  const onProgress = (...args: unknown[]): void => opts.progress(`${args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ')}\n`);
  const existing = opts.resume && existsSync(opts.outPath) ? readFileSync(opts.outPath, 'utf8') : '';
  const done = completedIds(existing);
  if (!done.hasMeta) {
    await addon.runPlan(JSON.stringify(opts.plan), opts.outPath, onProgress);
    return;
  }
  const rest = remainingPlan(opts.plan, done.ids);
  opts.progress(`calibrate run: resuming, ${done.ids.size} done, ${rest.experiments.length} to go\n`);
  if (rest.experiments.length === 0) return;
  writeFileSync(opts.outPath, existing.slice(0, done.validBytes));
  const side = join(dirname(opts.outPath), `.resume-${process.pid}.jsonl`);
  try {
    await addon.runPlan(JSON.stringify(rest), side, onProgress);
    const lines = readFileSync(side, 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '' && !isMetaLine(l));
    const sep = existing.slice(0, done.validBytes).endsWith('\n') || done.validBytes === 0 ? '' : '\n';
    appendFileSync(opts.outPath, sep + lines.map((l) => l + '\n').join(''));
  } finally {
    rmSync(side, { force: true });
  }
}

function isMetaLine(line: string): boolean {
  try {
    const r = JSON.parse(line) as { kind?: unknown };
    return r.kind === 'meta';
  } catch {
    return false;
  }
}
