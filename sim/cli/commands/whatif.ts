import { availableParallelism } from 'node:os';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Command } from 'commander';
import type { CommandModule } from '../command-module.js';
import { CliExit, type CliIo } from '../io.js';
import { readStudy } from '../../study/load-study.js';
import { checkStudyPoints } from '../../study/check-points.js';
import { expandGrid } from '../../study/grid.js';
import { progressSink } from '../../study/progress.js';
import { runStudy } from '../../study/run-study.js';
import { parseShard, shardSlice } from '../../study/shard.js';
import { DEFAULT_RUNNER, workerPoolExecutor, type WorkerSetup } from '../../study/worker-pool.js';

interface WhatifOptions {
  readonly out: string;
  readonly resume?: boolean;
  readonly shard?: string;
  readonly workers?: string;
  readonly quiet?: boolean;
}

/** The command, with the runner the workers load made a parameter so tests can drive it with a fake simulator. */
export function makeWhatifCommand(runner: WorkerSetup): CommandModule {
  return {
    name: 'whatif',
    register: (program: Command, io: CliIo) => {
      program
        .command('whatif')
        .description('Run a what-if study (a grid of scenarios, or a capacity search) and append results to a JSONL file.')
        .argument('<study>', 'study YAML (see configs/studies/)')
        .requiredOption('-o, --out <file>', 'results file (JSON Lines, one line per finished point)')
        .option('--resume', 'keep the points already in --out and run only the rest')
        .option('--shard <i/n>', 'run only the i-th of n slices of the grid (1-based), e.g. for array jobs')
        .option('--workers <n>', 'worker threads (default: os.availableParallelism())')
        .option('-q, --quiet', 'no progress output')
        .action(async (studyFile: string, o: WhatifOptions) => {
          const { study, text } = readStudy(resolve(io.cwd, studyFile));
          const shard = o.shard === undefined ? null : parseShard(o.shard);
          // Every point this run would run is resolved now, so a bad value fails before the first run, at its line.
          const grid = expandGrid(study);
          const notes = checkStudyPoints(study, shard === null ? grid : shardSlice(grid, shard), resolve(io.cwd, studyFile), text, io.cwd);
          // Not progress: what the results will say that the runs did not use (-q keeps them).
          for (const note of notes) io.stderr(`note: ${note}\n`);
          const workers = o.workers === undefined ? availableParallelism() : Number(o.workers);
          if (!Number.isInteger(workers) || workers < 1) throw new CliExit(2, `--workers must be an integer ≥ 1, got '${o.workers}'`);
          const outFile = resolve(io.cwd, o.out);
          if (existsSync(outFile) && !o.resume) {
            throw new CliExit(2, `${o.out} exists; pass --resume to continue it, or choose another --out`);
          }
          const sink = progressSink(io.stderr, o.quiet ? 'quiet' : io.isTty ? 'tty' : 'plain', () => performance.now());
          const executor = workerPoolExecutor(runner, workers);
          const startedMs = performance.now();
          try {
            const report = await runStudy({ study, outFile, resume: Boolean(o.resume), shard, executor, onProgress: sink.update });
            sink.finish();
            if (!o.quiet) {
              const note = report.droppedPartialLine ? ' (a partly written last line was dropped)' : '';
              const wallS = ((performance.now() - startedMs) / 1000).toFixed(1);
              io.stderr(`${study.name}: ${report.total - report.skipped} of ${report.total} done now, ${report.skipped} already done${note}; ${report.runs} runs in ${wallS} s on ${workers} workers → ${o.out}\n`);
            }
          } finally {
            sink.finish();
            await executor.close();
          }
        });
    },
  };
}

export const whatifCommand: CommandModule = makeWhatifCommand(DEFAULT_RUNNER);
