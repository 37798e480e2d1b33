import type { Command } from 'commander';
import type { CommandModule } from '../../sim/cli/command-module.js';
import { addScenarioFlags, scenarioFromFlags, type ScenarioFlagValues } from '../../sim/cli/scenario-flags.js';
import { stepOutputs, writeRunOutputs, type LoadReportPage } from '../../sim/cli/commands/replay.js';
import { runScenarioDetailed } from '../../sim/run/run-scenario.js';
import type { TimedInstance } from '../../sim/run/run-options.js';
import { formatSummary } from '../../sim/metrics/format-summary.js';
import { OutputSet } from '../../sim/cli/output-file.js';
import { progressReporter } from '../../sim/cli/progress.js';
import { CliExit, type CliIo } from '../../sim/cli/io.js';
import { parseChoice, parseNumber } from '../../sim/cli/flags.js';
import { loadAddon } from '../native.js';
import { gpuCommand } from './gpu-command.js';
import { EXEC_BLOCK_TOKENS } from '../closed-loop/exec-plan.js';
import { liveHeader } from '../live/live-header.js';
import { LIVE_BACKENDS } from '../live/backends.js';
import type { LiveSession } from '../live/live-session.js';
import { openFakeSession } from '../live/fake-session.js';
import { liveStepTimer, type HostTime, type IdlePacing, type LiveStepRecord, type LiveTimer } from '../live/live-timer.js';
import { formatLiveBlock, liveBlock, quantiles } from '../live/live-summary.js';

/**
 * `duetsim serve-gpu`: replay's event loop with the GPU as its clock (issue 15). The policy decides each
 * step from the live state; the step runs on the calibration kernels over a persistent paged KV pool on real
 * partitions (calibrate/live/); its measured time advances the clock. Same outputs as `replay`, plus
 * `--step-records` (each step measured beside the model's price of it) and a `live` block in the results JSON.
 */
const HEARTBEAT_S = 10;

interface ServeGpuFlags extends ScenarioFlagValues {
  backend: string;
  fakeScale?: number;
  hostTime: HostTime;
  idle?: IdlePacing;
  maxSteps?: number;
  maxSeconds?: number;
  out?: string;
  requestsCsv?: string;
  iterationsCsv?: string;
  stepRecords?: string;
  report?: string;
  json?: boolean;
  quiet?: boolean;
}

/** Where the GPU on this machine and the hardware YAML disagree, before any GPU memory is touched. */
export function checkDevice(deviceMetaJson: string, t: TimedInstance, hwFlag: string): void {
  const d = JSON.parse(deviceMetaJson) as { gpu?: string; sm_count?: number; memory_bytes?: number };
  if (d.sm_count !== t.hw.smCount) {
    throw new CliExit(2, `--hw ${hwFlag}: ${t.hw.name} has ${t.hw.smCount} SMs, but this machine's GPU (${d.gpu ?? 'unknown'}) has ${d.sm_count ?? 'an unknown number of'}; name the hardware YAML of this GPU (duetsim list hardware)`);
  }
  if (typeof d.memory_bytes === 'number' && Math.abs(d.memory_bytes - t.hw.hbmCapacityBytes) > 0.1 * t.hw.hbmCapacityBytes) {
    throw new CliExit(2, `--hw ${hwFlag}: ${t.hw.name} has ${(t.hw.hbmCapacityBytes / 2 ** 30).toFixed(0)} GiB of HBM, but this machine's GPU (${d.gpu ?? 'unknown'}) has ${(d.memory_bytes / 2 ** 30).toFixed(0)} GiB; name the hardware YAML of this GPU`);
  }
}

export const makeServeGpuCommand = (loadReportPage: LoadReportPage): CommandModule => ({
  name: 'serve-gpu',
  register(program: Command, io: CliIo) {
    addScenarioFlags(program.command('serve-gpu').description("serve a trace live on this machine's GPU: the policy drives real kernels on real SM partitions step by step, and measured step times are the clock"))
      .option('--backend <name>', `where steps run: ${Object.entries(LIVE_BACKENDS).map(([k, b]) => `${k} (${b.doc})`).join('; ')}`, parseChoice('--backend', Object.keys(LIVE_BACKENDS)), 'gpu')
      .option('--fake-scale <x>', 'fake backend: GPU times are the model\'s times this factor (to try comparisons without a GPU)', parseNumber('--fake-scale', { min: 0, exclusiveMin: true, max: 1000 }))
      .option('--host-time <how>', "host time per step: 'modelled' (the hardware's scheduling cost, as replay charges) or 'measured' (this loop's decision plus the executor's preparation)", parseChoice('--host-time', ['modelled', 'measured'] as const), 'modelled')
      .option('--idle <how>', "gaps with nothing to run: 'sleep' (wait them out in wall time, as a server idles; default on a GPU) or 'skip'", parseChoice('--idle', ['sleep', 'skip'] as const))
      .option('--max-steps <n>', 'stop after n steps, keeping what was measured', parseNumber('--max-steps', { min: 1, integer: true }))
      .option('--max-seconds <s>', 'stop after s seconds of wall time, keeping what was measured', parseNumber('--max-seconds', { min: 0, exclusiveMin: true }))
      .option('--out <file.json>', 'write the results JSON (replay\'s, plus a `live` block)')
      .option('--requests-csv <file.csv>', 'write one row per request')
      .option('--iterations-csv <file.csv>', 'write one row per scheduling step (mode, split, batch)')
      .option('--step-records <file.jsonl>', 'write each step as measured beside the latency model\'s price of it (written as it runs; kept if the run fails)')
      .option('--report <file.html>', 'write a self-contained HTML report')
      .option('--json', 'print the summary as JSON instead of text')
      .option('--quiet', 'no progress on stderr')
      .action((o: ServeGpuFlags, cmd: Command) => gpuCommand(() => serveGpu(o, cmd, io, loadReportPage)));
  },
});

async function serveGpu(o: ServeGpuFlags, cmd: Command, io: CliIo, loadReportPage: LoadReportPage): Promise<void> {
  const spec = scenarioFromFlags(o, cmd);
  if (spec.engine.prefixCaching) throw new CliExit(2, '--prefix-caching: the live executor gives every request its own KV blocks (no shared prefixes yet); serve without it');
  if (spec.engine.blockTokens !== EXEC_BLOCK_TOKENS) throw new CliExit(2, `--block-size ${spec.engine.blockTokens}: the kernels page the KV cache in blocks of ${EXEC_BLOCK_TOKENS} tokens`);
  if (o.fakeScale !== undefined && o.backend !== 'fake') throw new CliExit(2, '--fake-scale applies to --backend fake only');
  const backend = LIVE_BACKENDS[o.backend];
  const idle: IdlePacing = o.idle ?? (backend.realGpu ? 'sleep' : 'skip');
  // The device is asked first (no GPU memory touched), so a missing build fails before any file is opened.
  const deviceMeta = backend.realGpu ? loadAddon().deviceInfo() : null;
  const outputs = OutputSet.open(
    [
      { flag: '--out', path: o.out },
      { flag: '--requests-csv', path: o.requestsCsv },
      { flag: '--iterations-csv', path: o.iterationsCsv },
      { flag: '--step-records', path: o.stepRecords },
      { flag: '--report', path: o.report },
    ],
    io.cwd,
    [spec.trace],
  );
  const say = (line: string) => {
    if (!o.quiet) io.stderr(line.endsWith('\n') ? line : line + '\n');
  };
  // Filled in when the run opens its session (after its inputs are loaded and checked).
  const live: { session: LiveSession | null; timer: LiveTimer | null; stoppedBecause: string | null } = { session: null, timer: null, stoppedBecause: null };
  const stepRecords = outputs.get('--step-records');
  const t0 = performance.now();
  // A line every HEARTBEAT_S of wall time, terminal or not: a live run on a remote GPU host is watched through a log.
  let lastBeatMs = performance.now();
  const heartbeat = (r: LiveStepRecord) => {
    const now = performance.now();
    if (o.quiet || now - lastBeatMs < HEARTBEAT_S * 1000) return;
    lastBeatMs = now;
    const median = quantiles(live.timer?.tally.relErrors.slice(-200) ?? []).p50 ?? 0;
    io.stderr(`serve-gpu: ${((now - t0) / 1000).toFixed(0)} s wall, step ${r.step + 1}, clock ${(r.start_ms / 1000).toFixed(1)} s, last step ${r.mode}${r.mode === 'split' ? ` ${r.prefill_sms}/${r.decode_sms} k=${r.k}` : ''}, model vs measured (last 200 steps) median ${(median * 100).toFixed(1)}%\n`);
  };
  try {
    const { run, block } = await outputs.run(async () => {
      const progress = progressReporter(io, 'serve-gpu', !o.quiet);
      let run;
      try {
        run = runScenarioDetailed(spec, {
          onProgress: progress.update,
          cwd: io.cwd,
          ...stepOutputs(spec, outputs),
          stepTimer: (t) => {
            if (deviceMeta !== null) checkDevice(deviceMeta, t, o.hw);
            const header = liveHeader(t.model, t.hw, t.engine, t.policy, t.kvBlocks);
            const session = o.fakeScale !== undefined ? openFakeSession(header, t.model, t.hw, { scale: o.fakeScale }) : backend.open(header, { model: t.model, hw: t.hw, onProgress: say });
            live.session = session;
            live.timer = liveStepTimer(session, t.model, t.hw, {
              hostTime: o.hostTime,
              idle,
              maxSteps: o.maxSteps ?? null,
              maxWallS: o.maxSeconds ?? null,
              onRecord: (r) => {
                stepRecords?.write(JSON.stringify(r) + '\n');
                heartbeat(r);
              },
            });
            return live.timer;
          },
          shouldStop: () => {
            live.stoppedBecause = live.timer?.stopReason() ?? null;
            return live.stoppedBecause !== null;
          },
        });
      } catch (e) {
        // What was measured before the failure is kept: the per-step records are committed, the rest discarded.
        if (stepRecords && live.timer) {
          stepRecords.write(JSON.stringify({ kind: 'error', after_steps: live.timer.tally.steps, message: e instanceof Error ? e.message : String(e) }) + '\n');
          stepRecords.commit();
          say(`serve-gpu failed after ${live.timer.tally.steps} steps; their measurements are in ${stepRecords.shownPath}`);
        }
        throw e;
      }
      progress.done();
      const { timer: tm, session } = live;
      if (tm === null || session === null) throw new Error('the live session was never opened');
      const s = run.result.summary;
      const block = liveBlock({
        backend: o.fakeScale !== undefined ? `fake (scale ${o.fakeScale})` : o.backend,
        deviceMeta: session.meta(),
        hostTime: o.hostTime,
        idle,
        tally: tm.tally,
        wallS: (performance.now() - t0) / 1000,
        stopReason: live.stoppedBecause,
        unfinishedRequests: s.requests - s.completed - s.rejected,
      });
      const result = { ...run.result, live: block };
      await writeRunOutputs(run, result, outputs, loadReportPage);
      return { run, block };
    });
    if (o.json) io.stdout(JSON.stringify({ ...run.result.summary, live: block }, null, 2) + '\n');
    else io.stdout(formatSummary(run.result.summary, `${spec.policy} on ${spec.model} / ${spec.hardware} live (${block.backend}), trace ${spec.trace}${spec.rateQps ? ` at ${spec.rateQps} req/s` : ''}`) + formatLiveBlock(block));
    if (block.interrupted) say(`serve-gpu stopped early (${block.interrupted.reason}); results cover what ran`);
  } finally {
    live.session?.close();
  }
}
