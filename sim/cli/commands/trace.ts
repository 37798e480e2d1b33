import type { Command } from 'commander';
import type { CommandModule } from '../command-module.js';
import type { CliIo } from '../io.js';
import { OutputSet } from '../output-file.js';
import type { Request } from '../../workload/request.js';
import { parseChoice, parseNumber } from '../flags.js';
import { inputError } from '../../core/input-error.js';
import { buildWorkload, loadWorkload, readWorkloadTrace, type WorkloadSpec } from '../../workload/load-workload.js';
import { computeLengthStats, computeWorkloadStats, type LengthStats, type TokenSummary, type WorkloadStats } from '../../workload/workload-stats.js';
import { ARRIVAL_KINDS, type ArrivalKind } from '../../workload/arrival-process.js';
import { formatDuetsimJsonl } from '../../trace/duetsim-jsonl.js';
import { DEFAULT_TRACE, defaultSpreadBucketsMs } from '../../trace/bundled.js';
import { TRACE_FORMATS } from '../../trace/formats.js';

interface SelectionFlags {
  format?: string;
  rate?: number;
  start?: number;
  duration?: number;
  limit?: number;
  sample?: number;
  spreadMs?: number;
  spreadMode?: 'even' | 'uniform';
  seed: number;
}

interface GenFlags {
  arrivals: ArrivalKind;
  rate: number;
  cv?: number;
  duration?: number;
  lengths: string;
  limit?: number;
  seed: number;
  out?: string;
}

const positive = (flag: string): ((v: string) => number) => parseNumber(flag, { min: 0, exclusiveMin: true });

/** Flags that pick requests out of a trace; shared by stats and convert, mapped 1:1 onto WorkloadSpec. */
function addSelectionFlags(cmd: Command): Command {
  return cmd
    .option('--format <format>', `trace format, detected when absent (${Object.keys(TRACE_FORMATS).join(', ')})`)
    .option('--rate <qps>', 'rescale arrivals to this mean rate, requests/s', positive('--rate'))
    .option('--start <s>', 'start of the window, seconds from the first arrival', parseNumber('--start', { min: 0 }))
    .option('--duration <s>', 'length of the window, seconds', positive('--duration'))
    .option('--limit <n>', 'keep only the first n requests', parseNumber('--limit', { min: 1, integer: true }))
    .option('--sample <fraction>', 'keep a seeded uniform share of the requests, in (0, 1]', parseNumber('--sample', { min: 0, max: 1, exclusiveMin: true }))
    .option('--spread-ms <ms>', 'spread requests sharing a timestamp over a bucket this wide (mooncake-conv: 3000)', positive('--spread-ms'))
    .option('--spread-mode <mode>', 'even or uniform (seeded) placement inside the bucket', parseChoice('--spread-mode', ['even', 'uniform'] as const))
    .option('--seed <n>', 'seed for every random choice', parseNumber('--seed', { integer: true }), 0);
}

function selectionSpec(trace: string, o: SelectionFlags): WorkloadSpec {
  return {
    trace,
    seed: o.seed,
    ...(o.format !== undefined ? { format: o.format } : {}),
    ...(o.rate !== undefined ? { rateQps: o.rate } : {}),
    ...(o.start !== undefined ? { startS: o.start } : {}),
    ...(o.duration !== undefined ? { durationS: o.duration } : {}),
    ...(o.limit !== undefined ? { limit: o.limit } : {}),
    ...(o.sample !== undefined ? { sample: o.sample } : {}),
    ...(o.spreadMs !== undefined ? { spreadBucketsMs: o.spreadMs } : {}),
    ...(o.spreadMode !== undefined ? { spreadMode: o.spreadMode } : {}),
  };
}

/**
 * Writes duetsim JSONL of the requests `load` returns to `out` (relative to the cwd) or to stdout. The
 * output path is checked before the trace is read, and the file appears only once complete.
 */
function emitJsonl(io: CliIo, load: () => readonly Request[], out: string | undefined, input: string): void {
  const file = out === undefined ? null : OutputSet.open([{ flag: '--out', path: out }], io.cwd, [input]).get('--out')!;
  try {
    const requests = load();
    const blockTokens = requests.find((r) => r.hashBlockTokens > 0)?.hashBlockTokens ?? 0;
    const text = formatDuetsimJsonl(requests, blockTokens);
    if (file === null) return io.stdout(text);
    file.write(text);
    file.commit();
    io.stderr(`wrote ${requests.length} requests to ${out}\n`);
  } catch (e) {
    file?.discard();
    throw e;
  }
}

/** Text form of the stats; a length-only table (no WorkloadStats timing fields) says so instead. */
function formatStats(trace: string, s: LengthStats | WorkloadStats): string {
  const num = (v: number | null, digits: number): string => (v === null || Number.isNaN(v) ? '-' : v.toFixed(digits));
  const row = (label: string, t: TokenSummary): string =>
    [label.padEnd(14), ...[t.p50, t.p90, t.p99, t.mean, t.max].map((v) => num(v, 1).padStart(10))].join('') + '\n';
  const timing =
    'spanS' in s
      ? `span          ${num(s.spanS, 1)} s\n` +
        `mean rate     ${num(s.meanRateQps, 3)} req/s\n` +
        `burstiness    ${num(s.interArrivalCv, 3)} (CV of inter-arrival gaps; Poisson = 1)\n`
      : 'arrivals      none: a length table (generate arrivals with duetsim trace gen --lengths)\n';
  return (
    `trace         ${trace}\n` +
    `requests      ${s.requestCount}\n` +
    timing +
    `prefix hashes ${s.withHashIdsCount} of ${s.requestCount} requests\n` +
    `tokens        ${['p50', 'p90', 'p99', 'mean', 'max'].map((h) => h.padStart(10)).join('')}\n` +
    row('  input', s.promptTokens) +
    row('  output', s.outputTokens)
  );
}

/** Whether any flag asks for work on arrival times, which a length-only table does not have. */
function selectsByTime(o: SelectionFlags): boolean {
  return [o.rate, o.start, o.duration, o.limit, o.sample, o.spreadMs].some((v) => v !== undefined);
}

export const trace: CommandModule = {
  name: 'trace',
  register(program, io) {
    const cmd = program.command('trace').description('inspect, generate and convert request traces');

    addSelectionFlags(cmd.command('stats').argument('[trace]', 'bundled trace name or trace file', DEFAULT_TRACE))
      .description('counts, span, rate, burstiness and token-length percentiles of a trace (length tables: lengths only)')
      .option('--json', 'print the statistics as JSON')
      .action((traceName: string, o: SelectionFlags & { json?: boolean }) => {
        // The bundled trace's default arrival spread, as replay and whatif apply it, so the statistics
        // describe the requests a simulation with the same flags runs.
        const spreadMs = o.spreadMs ?? defaultSpreadBucketsMs(traceName);
        const spec = selectionSpec(traceName, spreadMs === undefined ? o : { ...o, spreadMs });
        const loaded = readWorkloadTrace(spec, io.cwd);
        const stats = loaded.kind === 'lengths' && !selectsByTime(o) ? computeLengthStats(loaded.records) : computeWorkloadStats(buildWorkload(loaded, spec));
        io.stdout(o.json ? JSON.stringify({ trace: traceName, ...stats }, null, 2) + '\n' : formatStats(traceName, stats));
      });

    addSelectionFlags(cmd.command('convert').argument('<trace>', 'bundled trace name or trace file'))
      .description('write any supported trace (after the selection flags) as duetsim JSONL')
      .option('--out <file.jsonl>', 'output file (default: stdout)')
      .action((traceName: string, o: SelectionFlags & { out?: string }) => {
        emitJsonl(io, () => loadWorkload(selectionSpec(traceName, o), io.cwd), o.out, traceName);
      });

    cmd
      .command('gen')
      .description('generate a workload: synthetic arrivals with lengths drawn from a table, written as duetsim JSONL')
      .option('--arrivals <kind>', `arrival process (${ARRIVAL_KINDS.join(', ')})`, parseChoice('--arrivals', ARRIVAL_KINDS), 'poisson')
      .requiredOption('--rate <qps>', 'mean arrival rate, requests/s', positive('--rate'))
      .option('--cv <cv>', 'coefficient of variation of the gaps (gamma only; > 1 is bursty)', positive('--cv'))
      .option('--duration <s>', 'generate for this many seconds (default: as many requests as the length table has rows)', positive('--duration'))
      .option('--lengths <trace>', 'where lengths are drawn from: a bundled trace name or a trace file', 'sharegpt')
      .option('--limit <n>', 'keep only the first n requests', parseNumber('--limit', { min: 1, integer: true }))
      .option('--seed <n>', 'seed for every random choice', parseNumber('--seed', { integer: true }), 0)
      .option('--out <file.jsonl>', 'output file (default: stdout)')
      .action((o: GenFlags) => {
        // Said in flag terms here; the workload check below would name the spec field (arrivals.cv).
        if (o.arrivals === 'gamma' && o.cv === undefined) throw inputError('bad-flag', '<command line>', 0, '--cv', '--arrivals gamma needs --cv (the gaps\' coefficient of variation; > 1 is bursty)');
        if (o.arrivals !== 'gamma' && o.cv !== undefined) throw inputError('bad-flag', '<command line>', 0, '--cv', `--cv shapes gamma arrivals; --arrivals ${o.arrivals} has a fixed one`);
        const spec: WorkloadSpec = {
          trace: o.lengths,
          seed: o.seed,
          arrivals: {
            kind: o.arrivals,
            rateQps: o.rate,
            ...(o.cv !== undefined ? { cv: o.cv } : {}),
            ...(o.duration !== undefined ? { durationS: o.duration } : {}),
          },
          ...(o.limit !== undefined ? { limit: o.limit } : {}),
        };
        emitJsonl(io, () => loadWorkload(spec, io.cwd), o.out, o.lengths);
      });
  },
};
