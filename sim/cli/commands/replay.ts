import { basename } from 'node:path';
import type { CommandModule } from '../command-module.js';
import { addScenarioFlags, scenarioFromFlags, type ScenarioFlagValues } from '../scenario-flags.js';
import { runScenarioDetailed } from '../../run/run-scenario.js';
import { formatSummary } from '../../metrics/format-summary.js';
import { STEP_CSV_HEADER, stepCsvRow } from '../../engine/step-csv.js';
import { scheduleHeaderLine, scheduleStepLine } from '../../engine/schedule-jsonl.js';
import type { RunOptions, RunOutput } from '../../run/run-options.js';
import type { StepRecord } from '../../engine/instance.js';
import { OutputSet } from '../output-file.js';
import { progressReporter } from '../progress.js';
import type { Command } from 'commander';
import { CliExit } from '../io.js';
import type { ScenarioSpec } from '../../engine/scenario.js';
import { FROM_CLUSTER } from '../../cluster/cluster-spec.js';
import type { RunResult } from '../../metrics/results.js';

interface ReplayFlags extends ScenarioFlagValues {
  cluster?: string;
  out?: string;
  requestsCsv?: string;
  iterationsCsv?: string;
  emitSchedule?: string;
  report?: string;
  json?: boolean;
  quiet?: boolean;
}

/** Flags a cluster file replaces: giving one beside --cluster would be silently ignored, so it is an error. */
const CLUSTER_SETS = ['model', 'hw', 'policy', 'param'] as const;

function clusterScenario(o: ReplayFlags, cmd: Command): ScenarioSpec {
  const clash = CLUSTER_SETS.filter((k) => cmd.getOptionValueSource(k) === 'cli');
  if (clash.length > 0) throw new CliExit(2, `--cluster sets model, hardware and policy for every instance; drop ${clash.map((k) => `--${k}`).join(', ')} (or edit the cluster file)`);
  return { ...scenarioFromFlags(o, cmd), model: FROM_CLUSTER, hardware: FROM_CLUSTER, policy: FROM_CLUSTER, cluster: o.cluster! };
}

/**
 * Listeners that write --iterations-csv and --emit-schedule row by row as the steps happen, so memory
 * stays flat however long the trace (holding the steps for a write at the end took gigabytes).
 */
export function stepOutputs(spec: ScenarioSpec, outputs: OutputSet): Pick<RunOptions, 'onStart' | 'onStep'> {
  const csv = outputs.get('--iterations-csv');
  const schedule = outputs.get('--emit-schedule');
  if (!csv && !schedule) return {};
  let arrivalsUs: readonly number[] = [];
  let index = 0;
  return {
    onStart: ({ hardware, requests }) => {
      csv?.write(STEP_CSV_HEADER + '\n');
      if (schedule) {
        if (!hardware) throw new Error('a single-instance run carries its hardware');
        arrivalsUs = requests.map((r) => r.arrivalUs);
        const header = { model: spec.model, hardware: spec.hardware, policy: spec.policy, trace: spec.trace, rate_qps: spec.rateQps, block_tokens: spec.engine.blockTokens, sm_count: hardware.smCount, tp_degree: 1 };
        schedule.write(scheduleHeaderLine(header, hardware.overheads) + '\n');
      }
    },
    onStep: (s: StepRecord) => {
      csv?.write(stepCsvRow(s) + '\n');
      schedule?.write(scheduleStepLine(s, index++, arrivalsUs) + '\n');
    },
  };
}

/**
 * A finished run's --out (the results JSON: `result`, which a live run extends), --requests-csv and
 * --report; replay and serve-gpu write the same files.
 */
export async function writeRunOutputs(run: RunOutput, result: RunResult, outputs: OutputSet, loadReportPage: LoadReportPage): Promise<void> {
  outputs.get('--out')?.write(JSON.stringify(result, null, 2) + '\n');
  const requestsCsv = outputs.get('--requests-csv');
  if (requestsCsv) run.collector.forEachRequestRow((i) => run.requests[i], (row) => requestsCsv.write(row + '\n'));
  const report = outputs.get('--report');
  if (report) {
    const reportHtmlForResult = await loadReportPage();
    report.write(reportHtmlForResult(result, `${basename(report.finalPath, '.html')}.json`));
  }
}

/**
 * The HTML report of one run, for `--report`. reports/ draws it and sits above sim/, so the command is handed a
 * loader (bin/commands.ts passes reports/write-report.ts's `reportHtmlForResult`); it is loaded only when
 * --report is given, since the page's bundles would add to every replay's start-up.
 */
export type LoadReportPage = () => Promise<(result: RunResult, name: string) => string>;

export const makeReplayCommand = (loadReportPage: LoadReportPage): CommandModule => ({
  name: 'replay',
  register(program, io) {
    addScenarioFlags(program.command('replay').description('replay a request trace through a modelled server and report TTFT/TBT/throughput/SLO figures'))
      .option('--cluster <file.yaml>', 'serve with a cluster of instances (configs/clusters/); it sets model, hardware and policy')
      .option('--out <file.json>', 'write the results JSON')
      .option('--requests-csv <file.csv>', 'write one row per request')
      .option('--iterations-csv <file.csv>', 'write one row per scheduling step (mode, split, batch)')
      .option('--emit-schedule <file.jsonl>', 'write the executed schedule (duetsim-schedule v2, see sim/engine/README.md) for closed-loop execution on a GPU')
      .option('--report <file.html>', 'write a self-contained HTML report')
      .option('--json', 'print the summary as JSON instead of text')
      .option('--quiet', 'no progress on stderr')
      .action(async (o: ReplayFlags, cmd: Command) => {
        if (o.cluster && o.emitSchedule) throw new CliExit(2, '--emit-schedule records one GPU\'s schedule for `duetsim calibrate execute`; a --cluster run has several instances (replay one instance without --cluster)');
        const spec = o.cluster ? clusterScenario(o, cmd) : scenarioFromFlags(o, cmd);
        // Every output path is checked (and its temporary file created) before the run: a typo in a
        // folder name fails now, not after the simulation.
        const outputs = OutputSet.open(
          [
            { flag: '--out', path: o.out },
            { flag: '--requests-csv', path: o.requestsCsv },
            { flag: '--iterations-csv', path: o.iterationsCsv },
            { flag: '--emit-schedule', path: o.emitSchedule },
            { flag: '--report', path: o.report },
          ],
          io.cwd,
          [spec.trace, ...(o.cluster ? [o.cluster] : [])],
        );
        const { result, wallS } = await outputs.run(async () => {
          const progress = progressReporter(io, 'replay', !o.quiet);
          const t0 = performance.now();
          const run = runScenarioDetailed(spec, { onProgress: progress.update, cwd: io.cwd, ...stepOutputs(spec, outputs) });
          progress.done();
          const wallS = (performance.now() - t0) / 1000;
          await writeRunOutputs(run, run.result, outputs, loadReportPage);
          return { result: run.result, wallS };
        });
        if (o.json) io.stdout(JSON.stringify(result.summary, null, 2) + '\n');
        else io.stdout(formatSummary(result.summary, `${spec.cluster ? `cluster ${spec.cluster}` : `${spec.policy} on ${spec.model} / ${spec.hardware}`}, trace ${spec.trace}${spec.rateQps ? ` at ${spec.rateQps} req/s` : ''}`));
        // Wall-clock time is not part of the (deterministic) results; it goes to stderr only.
        if (!o.quiet) io.stderr(`simulated ${result.summary.duration_s.toFixed(1)} s in ${wallS.toFixed(2)} s wall (${(result.summary.duration_s / Math.max(wallS, 1e-9)).toFixed(0)}x real time)\n`);
      });
  },
});
