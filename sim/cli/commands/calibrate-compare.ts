import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { CliExit, type CliIo } from '../io.js';
import { inputError } from '../../core/input-error.js';
import { readScheduleFile } from '../../../calibrate/closed-loop/schedule.js';
import { parseExecResult } from '../../../calibrate/closed-loop/exec-result.js';
import { compareClosedLoop } from '../../../calibrate/closed-loop/compare.js';
import { formatCompare } from '../../../calibrate/closed-loop/format-compare.js';
import { writeComparePage } from '../../../reports/write-report.js';

interface CompareFlags {
  json?: string;
  html?: string;
  check?: boolean;
}

/**
 * `duetsim calibrate compare SCHEDULE MEASURED`: closed-loop validation. The schedule is what
 * `duetsim replay --emit-schedule` wrote, the measured file what the GPU executor wrote when it ran that
 * schedule; token times are rebuilt from the measured GPU times and compared with the simulated ones
 * (calibrate/README.md, "Closed loop: compare"). Bad files exit 2 with file:line and field; --check
 * exits 1 when an acceptance check fails.
 */
export function registerCompare(cal: Command, io: CliIo): void {
  cal
    .command('compare')
    .description('closed loop: rebuild token times from a GPU run of a schedule (duetsim-exec-result) and compare TTFT/TBT/E2E with the simulation; GPU time drift per step')
    .argument('<schedule.jsonl>', 'schedule from `duetsim replay --emit-schedule` (.jsonl, or .jsonl.gz)')
    .argument('<measured.jsonl>', "the GPU executor's result for that schedule (.jsonl, or .jsonl.gz)")
    .option('--json <file>', 'write the comparison as JSON (schema duetsim.closed-loop-compare/1)')
    .option('--html <file>', 'write a self-contained HTML page: CDFs simulated vs executed, drift over time')
    .option('--check', 'exit 1 when an acceptance check fails')
    .action(async (schedulePath: string, measuredPath: string, o: CompareFlags) => {
      const schedule = await readScheduleFile(existing(io, schedulePath, '<schedule.jsonl>'), schedulePath);
      const measuredFile = existing(io, measuredPath, '<measured.jsonl>');
      // The shipped measurements are stored gzipped (.jsonl.gz); plain JSONL is read as is.
      const measuredText = measuredFile.endsWith('.gz') ? gunzipSync(readFileSync(measuredFile)).toString('utf8') : readFileSync(measuredFile, 'utf8');
      const result = compareClosedLoop(schedule, parseExecResult(measuredText, measuredPath, schedule));
      io.stdout(formatCompare(result));
      if (o.json) writeFileSync(resolve(io.cwd, o.json), JSON.stringify(result, null, 1) + '\n');
      if (o.html) {
        writeComparePage(result, resolve(io.cwd, o.html));
        io.stderr(`wrote ${o.html}\n`);
      }
      if (o.check && !result.pass) throw new CliExit(1, `acceptance failed: ${result.checks.filter((c) => !c.pass).map((c) => c.name).join('; ')}`);
    });
}

function existing(io: CliIo, path: string, argument: string): string {
  const full = resolve(io.cwd, path);
  if (!existsSync(full)) throw inputError('calib.no-file', path, 0, argument, 'no such file');
  return full;
}
