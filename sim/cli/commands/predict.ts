import type { CommandModule } from '../command-module.js';
import { parseNumber } from '../flags.js';
import { checkPredictFlags } from '../predict-checks.js';
import { inputError } from '../../core/input-error.js';
import { loadModel } from '../../config/load-model.js';
import { loadHardware } from '../../config/load-hardware.js';
import { CLOCK_REGIMES, PARTITION_SIDES, type ClockRegime, type HardwareSpec, type PartitionSide } from '../../hardware/hardware-spec.js';
import { clusterSms, describeValidSizes, isValidPartitionSize } from '../../hardware/partition.js';
import type { IterationBatch, PrefillChunk } from '../../latency/iteration-batch.js';
import { clockScale, partnerOf, predictIteration, servingClockFor, type IterationPrediction, type ServingClock } from '../../latency/roofline.js';

const WHERE = '<command line>';

/** `--prefill 2048,512@1024`: chunks of new tokens, each optionally @ cached tokens. */
export function parsePrefillList(v: string): PrefillChunk[] {
  return v.split(',').map((part) => {
    const m = /^\s*(\d+)(?:@(\d+))?\s*$/.exec(part);
    if (!m || Number(m[1]) < 1) throw inputError('bad-flag', WHERE, 0, '--prefill', `expected N or N@C with N ≥ 1 (commas for several), got '${part}'`);
    return { newTokens: Number(m[1]), cachedTokens: m[2] ? Number(m[2]) : 0 };
  });
}

/** `--decode 64x1024,8x4096`: B requests each attending over L tokens. */
export function parseDecodeList(v: string): { count: number; contextTokens: number; longestTokens: number } {
  let count = 0;
  let contextTokens = 0;
  let longestTokens = 0;
  for (const part of v.split(',')) {
    const m = /^\s*(\d+)x(\d+)\s*$/.exec(part);
    if (!m || Number(m[1]) < 1 || Number(m[2]) < 1) throw inputError('bad-flag', WHERE, 0, '--decode', `expected BxL with B, L ≥ 1 (commas for several), got '${part}'`);
    count += Number(m[1]);
    contextTokens += Number(m[1]) * Number(m[2]);
    longestTokens = Math.max(longestTokens, Number(m[2]));
  }
  return { count, contextTokens, longestTokens };
}

interface PredictFlags {
  model: string;
  hw: string;
  datasheet?: boolean;
  servingCorrection?: boolean;
  prefill?: PrefillChunk[];
  decode?: { count: number; contextTokens: number; longestTokens: number };
  sms?: number;
  split?: boolean;
  prefillSms?: number;
  decodeSms?: number;
  eager?: boolean;
  tp: number;
  json?: boolean;
  clockRegime: string;
  decodeSteps?: number;
  partitionSide?: string;
}

/** ", the <side> groups + the GPC remainder" for a partition holding the remainder (where the side is priced), else "". */
function sideText(hw: HardwareSpec, sms: number, side: PartitionSide): string {
  return sms < hw.smCount && clusterSms(hw, sms) !== sms ? `, the ${side} groups + the GPC remainder` : '';
}

function partitionSideFlag(v: string | undefined): PartitionSide {
  if (v === undefined) return 'first';
  if (!(PARTITION_SIDES as readonly string[]).includes(v)) throw inputError('bad-flag', WHERE, 0, '--partition-side', `'${v}' is not a side: ${PARTITION_SIDES.join(', ')}`);
  return v as PartitionSide;
}

function clockRegimeFlag(v: string): ClockRegime {
  if (!(CLOCK_REGIMES as readonly string[]).includes(v)) throw inputError('bad-flag', WHERE, 0, '--clock-regime', `'${v}' is not a clock regime: ${CLOCK_REGIMES.join(', ')}`);
  return v as ClockRegime;
}

function checkSms(hw: HardwareSpec, flag: string, sms: number, partitioned: boolean): void {
  if (!Number.isInteger(sms) || sms < 1 || sms > hw.smCount) throw inputError('bad-flag', WHERE, 0, flag, `${hw.name} has ${hw.smCount} SMs; got ${sms}`);
  if (partitioned && sms !== hw.smCount && !isValidPartitionSize(hw, sms)) {
    throw inputError('bad-flag', WHERE, 0, flag, `${sms} SMs is not a partition ${hw.name} can make with ${hw.partition.mechanism}: ${describeValidSizes(hw)}`);
  }
}

function toJson(p: IterationPrediction) {
  const r3 = (x: number) => Math.round(x) / 1000;
  return {
    gpu_ms: r3(p.gpuUs),
    overhead_ms: r3(p.overheadUs),
    ms: r3(p.totalUs),
    kernels: p.kernels,
    breakdown: Object.fromEntries(
      p.breakdown.map((b) => [b.op, { ms: r3(b.us), gflop: Math.round(b.flops / 1e6) / 1000, gb: Math.round(b.bytes / 1e6) / 1000, kernels: b.kernels, compute_bound_share: Math.round(b.computeBoundShare * 1000) / 1000 }]),
    ),
  };
}

/** The title's clock words: the regime, and under a power model the clock it priced. */
function clockText(regime: ClockRegime, note: ReturnType<typeof regimeNote>): string {
  const c = 'lanes' in note ? note.lanes?.forward : null;
  if (!c || !('power_model' in note) || !note.power_model) return `${regime} clock`;
  return regime === 'serving' ? `serving clock ${c.serving_mhz} MHz (${c.back_to_back_mhz} back to back; ${note.power_model.decode_steps} decode steps)` : `${regime} clock ${c.back_to_back_mhz} MHz`;
}

function formatText(title: string, p: IterationPrediction): string {
  const rows = p.breakdown.map((b) => `    ${b.op.padEnd(13)} ${(b.us / 1000).toFixed(3).padStart(9)} ms  ${(b.flops / 1e9).toFixed(1).padStart(9)} GFLOP ${(b.bytes / 1e9).toFixed(3).padStart(8)} GB  ${String(b.kernels).padStart(5)} kernels  ${(100 * b.computeBoundShare).toFixed(0).padStart(3)}% compute-bound`);
  return `${title}\n  GPU ${(p.gpuUs / 1000).toFixed(3)} ms + overhead ${(p.overheadUs / 1000).toFixed(3)} ms = ${(p.totalUs / 1000).toFixed(3)} ms\n${rows.join('\n')}\n`;
}

/**
 * Which clock regime was priced, and the compute-time scale it applied on `busySms` SMs (1 when the spec has no clock
 * data). Under a power model the scale follows each priced forward's mix: `lanes` gives each one's (the forward alone,
 * or a split's two lanes), with the clock back to back and the clock its window settles at.
 */
function regimeNote(hw: HardwareSpec, regime: ClockRegime, busySms: number, lanes: Readonly<Record<string, ServingClock | null>> = {}, steps?: number) {
  const power = hw.perf.clockRegime?.power;
  if (!power || regime === 'calibration') return { regime, compute_scale: clockScale(hw, regime, busySms), busy_sms: busySms, modelled: hw.perf.clockRegime !== undefined };
  const r4 = (x: number) => Math.round(x * 1e4) / 1e4;
  const lane = (c: ServingClock | null) =>
    c && {
      compute_scale: r4(regime === 'serving' ? c.servingScale : c.backToBackScale),
      back_to_back_mhz: Math.round(c.backToBackMhz),
      ...(regime === 'serving' ? { serving_mhz: Math.round(c.servingMhz) } : {}),
    };
  return {
    regime,
    busy_sms: busySms,
    modelled: true,
    // A lane beside a partner (null here) is priced at the clock its calibration pairs ran at, both lanes continuous.
    power_model: { decode_steps: steps ?? power.servingDecodeSteps, max_clock_mhz: power.maxClockMhz, lanes_beside_a_partner: 'the pairs\' own clock (calibration)' },
    lanes: Object.fromEntries(Object.entries(lanes).map(([k, c]) => [k, lane(c)])),
  };
}

export const predict: CommandModule = {
  name: 'predict',
  register(program, io) {
    program
      .command('predict')
      .description('predict one iteration (no simulation): GPU time of one forward replayed as a CUDA graph, plus host overheads')
      .option('--model <name|path>', 'model', 'qwen3-8b')
      .option('--hw <name|path>', 'hardware', 'h100-sxm')
      .option('--datasheet', 'use the seed curves, not the calibrated ones')
      .option('--no-serving-correction', 'calibrated curves without the servingCorrection: fitted from closed-loop runs (the calibration harness\'s regime)')
      .option('--prefill <list>', 'prefill chunks: N new tokens, N@C with C cached; commas for several', parsePrefillList)
      .option('--decode <list>', 'decode requests: BxL = B requests attending over L tokens; commas for several', parseDecodeList)
      .option('--sms <n>', 'SMs the forward runs on (default: whole GPU)', parseNumber('--sms', { integer: true, min: 1 }))
      .option('--partition-side <side>', "which end of the GPU's SM groups a partition of --sms holding the GPC remainder takes: 'first' (default, where the runners put one partition) or 'last' (a pair's decode lane); --split puts the prefill first and the decode last")
      .option('--split', 'two concurrent partitions: prefill on --prefill-sms, decode on --decode-sms')
      .option('--prefill-sms <n>', 'prefill partition SMs (with --split)', parseNumber('--prefill-sms', { integer: true, min: 1 }))
      .option('--decode-sms <n>', 'decode partition SMs (with --split)', parseNumber('--decode-sms', { integer: true, min: 1 }))
      .option('--eager', 'launch kernels eagerly instead of replaying a CUDA graph')
      .option('--tp <n>', 'tensor-parallel degree', parseNumber('--tp', { integer: true, min: 1 }), 1)
      .option('--clock-regime <regime>', "clock the compute-bound time is priced at: 'serving' (prefills interleaved with decode steps, what simulations use), 'back-to-back' (one compute-bound shape repeated, power-capped) or 'calibration' (the calibrated curves' own clock: the training forwards' mix, or the maximum clock after a clock-aware fit)", 'serving')
      .option('--decode-steps <k>', "serving regime under a power model (clockRegime.power): decode steps interleaved with the forward, each its own decodes alone (default: the calibration's)", parseNumber('--decode-steps', { integer: true, min: 0 }))
      .option('--json', 'print JSON')
      .action((o: PredictFlags) => {
        const clockRegime = clockRegimeFlag(o.clockRegime);
        const model = loadModel(o.model);
        const hw = loadHardware(o.hw, { useCalibration: !o.datasheet, useServingCorrection: o.servingCorrection !== false });
        const prefills = o.prefill ?? [];
        const decode = o.decode ?? { count: 0, contextTokens: 0 };
        if (prefills.length === 0 && decode.count === 0) throw inputError('bad-flag', WHERE, 0, '--prefill/--decode', 'give at least one of --prefill and --decode');
        if (model.numQHeads % o.tp !== 0) throw inputError('bad-flag', WHERE, 0, '--tp', `${model.name} has ${model.numQHeads} query heads, not divisible by ${o.tp}`);
        checkPredictFlags(o, model, hw);
        if (o.decodeSteps !== undefined && (clockRegime !== 'serving' || !hw.perf.clockRegime?.power)) {
          const why = clockRegime !== 'serving' ? `the ${clockRegime} regime interleaves nothing` : `${hw.name}'s calibration has no power model (clockRegime.power) to price a step mix`;
          throw inputError('bad-flag', WHERE, 0, '--decode-steps', `--decode-steps sets the serving window of a power model; ${why}`);
        }
        const launch = o.eager ? 'eager' : 'graph';
        if (o.split && o.partitionSide !== undefined) throw inputError('bad-flag', WHERE, 0, '--partition-side', '--split puts the prefill on the first groups and the decode on the last, as the runners do; --partition-side is for one partition (--sms)');
        const partitionSide = partitionSideFlag(o.partitionSide);
        const all: IterationBatch = { prefills, decodeCount: decode.count, decodeContextTokens: decode.contextTokens };
        if (!o.split) {
          const sms = o.sms ?? hw.smCount;
          checkSms(hw, '--sms', sms, true);
          if (o.partitionSide !== undefined && sms === hw.smCount) throw inputError('bad-flag', WHERE, 0, '--partition-side', `a forward on all ${hw.smCount} SMs has no side; --partition-side is for a partition of fewer (--sms)`);
          // Steps interleave only a forward with prefills and decodes both (roofline interleavedSteps).
          if (o.decodeSteps !== undefined && (prefills.length === 0 || decode.count === 0)) {
            throw inputError('bad-flag', WHERE, 0, '--decode-steps', `--decode-steps interleaves decode steps with a forward holding prefills and decodes both; this one has only ${prefills.length > 0 ? 'prefills' : 'decodes'}, so there is nothing to interleave`);
          }
          const opts = { smCount: sms, partnerSmCount: 0, launch, tpDegree: o.tp, clockRegime, servingDecodeSteps: o.decodeSteps, partitionSide } as const;
          const p = predictIteration(model, hw, all, opts);
          // A forward of one kind interleaves nothing: the note says 0 steps, not the calibration's.
          const applied = prefills.length > 0 && decode.count > 0 ? o.decodeSteps : 0;
          const note = regimeNote(hw, clockRegime, sms, { forward: servingClockFor(model, hw, all, opts) }, applied);
          const side = sideText(hw, sms, partitionSide);
          io.stdout(
            o.json
              ? JSON.stringify({ ...toJson(p), partition_side: partitionSide, clock_regime: note }) + '\n'
              : formatText(`${model.name} on ${hw.name}, ${sms} SMs${side}, ${clockText(clockRegime, note)} (${hw.perf.provenance.split('\n')[0]})`, p),
          );
          return;
        }
        if (prefills.length === 0 || decode.count === 0) throw inputError('bad-flag', WHERE, 0, '--split', '--split needs both --prefill and --decode');
        if (o.prefillSms === undefined || o.decodeSms === undefined) throw inputError('bad-flag', WHERE, 0, '--split', '--split needs --prefill-sms and --decode-sms');
        checkSms(hw, '--prefill-sms', o.prefillSms, true);
        checkSms(hw, '--decode-sms', o.decodeSms, true);
        if (o.prefillSms + o.decodeSms > hw.smCount) throw inputError('bad-flag', WHERE, 0, '--prefill-sms/--decode-sms', `${o.prefillSms} + ${o.decodeSms} SMs exceeds the ${hw.smCount} of ${hw.name}`);
        const preBatch: IterationBatch = { prefills, decodeCount: 0, decodeContextTokens: 0 };
        const decBatch: IterationBatch = { prefills: [], decodeCount: decode.count, decodeContextTokens: decode.contextTokens };
        // Each lane is priced beside what the other does (its power and bandwidth shares, when the spec models them).
        // The runners' pair layout (PartitionSide): the prefill on the first groups, the decode on the last.
        const preOpts = { smCount: o.prefillSms, ...partnerOf(model, hw, decBatch, o.decodeSms, o.tp, clockRegime, 'last'), launch, tpDegree: o.tp, clockRegime, servingDecodeSteps: o.decodeSteps, partitionSide: 'first' } as const;
        const decOpts = { smCount: o.decodeSms, ...partnerOf(model, hw, preBatch, o.prefillSms, o.tp, clockRegime, 'first'), launch, tpDegree: o.tp, clockRegime, servingDecodeSteps: o.decodeSteps, partitionSide: 'last' } as const;
        const aggOpts = { smCount: hw.smCount, partnerSmCount: 0, launch, tpDegree: o.tp, clockRegime, servingDecodeSteps: o.decodeSteps } as const;
        const pre = predictIteration(model, hw, preBatch, preOpts);
        const dec = predictIteration(model, hw, decBatch, decOpts);
        const agg = predictIteration(model, hw, all, aggOpts);
        const lanes = { prefill: servingClockFor(model, hw, preBatch, preOpts), decode: servingClockFor(model, hw, decBatch, decOpts), aggregated: servingClockFor(model, hw, all, aggOpts) };
        if (o.json) {
          io.stdout(
            JSON.stringify({
              prefill: { sms: o.prefillSms, partition_side: 'first', ...toJson(pre) },
              decode: { sms: o.decodeSms, partition_side: 'last', ...toJson(dec) },
              aggregated: { sms: hw.smCount, ...toJson(agg) },
              // Both lanes run at the clock of their SMs together (the aggregated forward's is the whole GPU's).
              clock_regime: regimeNote(hw, clockRegime, o.prefillSms + o.decodeSms, lanes, o.decodeSteps),
            }) + '\n',
          );
        } else {
          io.stdout(
            formatText(`prefill partition: ${o.prefillSms} SMs${sideText(hw, o.prefillSms, 'first')}, beside a decode running on ${o.decodeSms}`, pre) +
              formatText(`decode partition: ${o.decodeSms} SMs${sideText(hw, o.decodeSms, 'last')}, beside a prefill running on ${o.prefillSms}`, dec) +
              formatText(`aggregated: the same tokens in one batch on all ${hw.smCount} SMs`, agg),
          );
        }
      });
  },
};
