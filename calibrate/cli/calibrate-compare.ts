import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { CliExit, type CliIo } from '../../sim/cli/io.js';
import { inputError } from '../../sim/core/input-error.js';
import { readScheduleFile } from '../closed-loop/schedule.js';
import { parseExecResult } from '../closed-loop/exec-result.js';
import { compareClosedLoop, type ClosedLoopCompare } from '../closed-loop/compare.js';
import { formatCompare } from '../closed-loop/format-compare.js';
import { OutputSet } from '../../sim/cli/output-file.js';
import { fitServingCorrection, withServingSection, type ClosedLoopRun } from '../closed-loop/fit-serving.js';
import { readConfig } from '../../sim/config/config-files.js';
import { parseHardwareYaml } from '../../sim/config/load-hardware.js';
import { loadModel } from '../../sim/config/load-model.js';

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
export function registerCompare(cal: Command, io: CliIo, comparePageHtml: (compare: ClosedLoopCompare) => string): void {
  cal
    .command('compare')
    .description('closed loop: rebuild token times from a GPU run of a schedule (duetsim-exec-result) and compare TTFT/TBT/E2E with the simulation; GPU time drift per step')
    .argument('<schedule.jsonl>', 'schedule from `duetsim replay --emit-schedule` (.jsonl, or .jsonl.gz)')
    .argument('<measured.jsonl>', "the GPU executor's result for that schedule (.jsonl, or .jsonl.gz)")
    .option('--json <file>', 'write the comparison as JSON (schema duetsim.closed-loop-compare/1)')
    .option('--html <file>', 'write a self-contained HTML page: CDFs simulated vs executed, drift over time')
    .option('--check', 'exit 1 when an acceptance check fails')
    .action(async (schedulePath: string, measuredPath: string, o: CompareFlags) => {
      const outputs = OutputSet.open([{ flag: '--json', path: o.json }, { flag: '--html', path: o.html }], io.cwd, [schedulePath, measuredPath]);
      const result = await outputs.run(async (out) => {
        const run = await readClosedLoopRun(io, schedulePath, measuredPath);
        const result = compareClosedLoop(run.schedule, run.measured);
        io.stdout(formatCompare(result));
        out.get('--json')?.write(JSON.stringify(result, null, 1) + '\n');
        out.get('--html')?.write(comparePageHtml(result));
        return result;
      });
      if (o.html) io.stderr(`wrote ${o.html}\n`);
      if (o.check && !result.pass) throw new CliExit(1, `acceptance failed: ${result.checks.filter((c) => !c.pass).map((c) => c.name).join('; ')}`);
    });
}

/** A schedule and what the GPU measured running it; either may be gzipped (.jsonl.gz, as shipped). */
export async function readClosedLoopRun(io: CliIo, schedulePath: string, measuredPath: string): Promise<ClosedLoopRun> {
  const schedule = await readScheduleFile(existing(io, schedulePath, '<schedule.jsonl>'), schedulePath);
  const measuredFile = existing(io, measuredPath, '<measured.jsonl>');
  const measuredText = measuredFile.endsWith('.gz') ? gunzipSync(readFileSync(measuredFile)).toString('utf8') : readFileSync(measuredFile, 'utf8');
  return { schedule, measured: parseExecResult(measuredText, measuredPath, schedule) };
}

/**
 * `duetsim calibrate fit-serving --hardware H SCHEDULE MEASURED [SCHEDULE MEASURED ...]`: fits the serving
 * correction (calibrate/closed-loop/fit-serving.ts) from closed-loop runs and, with --write, stores it in
 * the hardware YAML's `servingCorrection:` section, which every later simulation on that GPU uses.
 */
export function registerFitServing(cal: Command, io: CliIo): void {
  cal
    .command('fit-serving')
    .description('fit the serving correction (compute/memory scale, contention) from closed-loop runs; --write stores it in the hardware YAML')
    .argument('<files...>', 'pairs: schedule (.jsonl[.gz]) then the measured result of running it')
    .requiredOption('--hardware <name|path>', 'hardware YAML the runs were measured on (its calibrated: section is the starting point)')
    .option('--write', 'write the servingCorrection: section into the hardware YAML')
    .action(async (files: string[], o: { hardware: string; write?: boolean }) => {
      if (files.length % 2 !== 0) throw new CliExit(2, `fit-serving: give schedule/measured pairs; got ${files.length} files`);
      const runs: ClosedLoopRun[] = [];
      for (let i = 0; i < files.length; i += 2) runs.push(await readClosedLoopRun(io, files[i], files[i + 1]));
      const source = readConfig('hardware', o.hardware, io.cwd);
      const config = parseHardwareYaml(source.text, source.file);
      if (!config.calibrated) throw new CliExit(2, `fit-serving: ${source.file} has no calibrated: section to correct (run calibrate fit --write first)`);
      const hw = { ...config.seed, perf: config.calibrated };
      const models = new Set(runs.map((r) => r.schedule.header.model));
      if (models.size !== 1) throw new CliExit(2, `fit-serving: the runs are of different models (${[...models].join(', ')}); fit one model's runs at a time`);
      const fit = fitServingCorrection(loadModel([...models][0], { cwd: io.cwd }), hw, runs);
      const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
      io.stdout(`serving correction from ${runs.length} run(s), ${fit.items} items: compute ×${fit.correction.computeScale.toFixed(3)}, memory ×${fit.correction.memoryScale.toFixed(3)}, contention compute ${fit.correction.contentionCompute.toFixed(3)}, memory ${fit.correction.contentionMemory.toFixed(3)}\n`);
      for (const k of ['aggregated', 'split-prefill', 'split-decode'] as const) {
        const b = fit.before[k];
        const a = fit.after[k];
        if (b.count > 0) io.stdout(`  ${k.padEnd(14)} n ${String(b.count).padStart(5)}  MAPE ${pct(b.mape)} -> ${pct(a.mape)}  measured/predicted ×${b.ratio.toFixed(3)} -> ×${a.ratio.toFixed(3)}\n`);
      }
      if (o.write) {
        const m = runs[0].measured.meta;
        const provenance = `fit from ${runs.map((r) => `${r.schedule.file} + ${r.measured.file}`).join('; ')} (${m.gpu}, driver ${m.driver}, CUDA ${m.cudaRuntime}, ${m.date}); ${fit.items} items, MAPE before/after aggregated ${pct(fit.before.aggregated.mape)}/${pct(fit.after.aggregated.mape)}`;
        writeFileSync(source.file, withServingSection(source.text, { ...fit.correction, provenance }));
        io.stderr(`wrote servingCorrection: to ${source.file}\n`);
      }
    });
}

function existing(io: CliIo, path: string, argument: string): string {
  const full = resolve(io.cwd, path);
  if (!existsSync(full)) throw inputError('calib.no-file', path, 0, argument, 'no such file');
  return full;
}
