import type { HardwareSpec } from '../sim/hardware/hardware-spec.js';
import type { ModelSpec } from '../sim/model/model-spec.js';
import { clusterSms, groupLayout } from '../sim/hardware/partition.js';
import { remainderSizes } from './plan-gemm-rows.js';
import { PLAN_VERSION, uniqueExperiments, type Plan, type PlanBatch, type PlanExperiment, type PlanModel } from './plan-format.js';
import { batchLabel, FORWARD_BATCHES as STANDARD_BATCHES, opExperiment, opShapes, partitionSizes, toPlanModel } from './plan.js';

/**
 * The reference plan (issue 11): what `cuda/reference/torch_runner.py` measures with production kernels
 * (cuBLAS, PyTorch SDPA, fused Triton elementwise) so the latency model is fitted to, and judged against,
 * what a serving engine runs. Beside the standard plan's kinds it covers
 *  - forwards at every SM count from 16 to the whole GPU the validation targets name;
 *  - concurrent pairs with the prefill partition from 16 to 124 SMs and the GPC remainder on either side,
 *    both lanes timed while the partner runs continuously (the runner's "continuous" method);
 *  - clock-regime pairs: one prefill repeated back to back, and interleaved with decode steps (serving);
 *  - `unseenModels`: models measured but never fitted (all their records are held out).
 * Pure and deterministic, like generatePlan.
 */
export interface ReferencePlanOptions {
  /** Fitted models first; `unseen` ones are measured for validation only. */
  readonly models: readonly { readonly key: string; readonly spec: ModelSpec; readonly unseen?: boolean }[];
  readonly hardware: HardwareSpec;
  readonly repeats: number;
  readonly warmup: number;
  /**
   * Forwards of the first model on the prefill partition beside one decode group too (all SMs but 8 on a Hopper:
   * 124), a split DuetServe takes under light load. Default true; the plans measured before 2026-12-06 (ninth
   * session) lack them. There the SM count and cuBLAS's wave count part ways (a 512-token prefill takes the same
   * time on 96, 116 and 124 SMs: BENCHMARKS.md), and a fit that never sees it prices 124 SMs 6% fast.
   */
  readonly besideOneGroup?: boolean;
}

/**
 * Forward batches: the standard plan's (prefill-only, decode-only and mixed), with a 4096-token chunk after
 * the 2048-token one: SGLang's and vLLM's default budgets (8192) split prompts into chunks this long and longer.
 */
const FORWARD_BATCHES: readonly PlanBatch[] = [...STANDARD_BATCHES.slice(0, 2), { prefills: [{ new: 4096, cached: 0 }] }, ...STANDARD_BATCHES.slice(2)];
/** A DuetServe split under load: one budget-sized prefill chunk beside the running decodes. */
const PAIR_PREFILL: PlanBatch = { prefills: [{ new: 2048, cached: 0 }] };
const PAIR_DECODES: readonly PlanBatch[] = [{ decodes: { count: 32, context: 2048 } }, { decodes: { count: 128, context: 1024 } }];
const CLOCK_INTERLEAVE: PlanBatch = { decodes: { count: 64, context: 2048 } };
/** Seconds each clock regime runs: long enough for the power controller to settle (it reacts in ~100 ms). */
const CLOCK_SECONDS = 3;
const CEILING_GEMM_DIM = 8192;
const CEILING_BANDWIDTH_BYTES = 2 ** 31;

/**
 * Prefill-side sizes of the pairs: every green-context split from 16 to all-but-one-group, alternating
 * which side holds the GPC remainder (a group of 12 on a 132-SM Hopper), so the fit sees both.
 */
export function referencePairSizes(hw: HardwareSpec): [prefillSms: number, decodeSms: number][] {
  const { fullGroups, remainderSms } = groupLayout(hw);
  const g = hw.partition.granularitySms;
  const pairs: [number, number][] = [];
  const push = (groups: number, withRem: boolean): void => {
    const p = groups * g + (withRem ? remainderSms : 0);
    const d = hw.smCount - p;
    // A decode side of the remainder alone is left out: cuBLAS's cluster kernels cannot launch there (cuda/NOTES.md).
    if (d >= hw.partition.minSms && !(d === remainderSms && remainderSms !== g) && !pairs.some(([q]) => q === p)) pairs.push([p, d]);
  };
  // i groups on the prefill side; the remainder (when the chip has one) on the side the parity picks,
  // and both ways at the two ends of the range.
  for (let i = 2; i < fullGroups; i++) push(i, remainderSms > 0 && i % 2 === 1);
  if (remainderSms > 0) {
    push(2, true);
    push(fullGroups - 1, true);
  }
  pairs.sort((a, b) => a[0] - b[0]);
  // Thin the middle, where the curves are smooth; keep both ends, where DuetServe's splits sit under load.
  const lo = 4 * g + remainderSms;
  const hi = hw.smCount - 4 * g - remainderSms;
  return pairs.filter(([p], k) => p <= lo || p >= hi || k % 2 === 0);
}


export function referenceForwardSms(hw: HardwareSpec, large: boolean, besideOneGroup = true): number[] {
  const g = hw.partition.granularitySms;
  const all = partitionSizes(hw);
  const want = large ? [2 * g, 3 * g, 4 * g, 6 * g, 8 * g, 12 * g] : [2 * g, 4 * g, 8 * g, 12 * g];
  const sizes = new Set(want.filter((s) => all.includes(s)));
  // The prefill partitions beside two decode groups and beside one (remainder included), and the GPU.
  if (large && groupLayout(hw).remainderSms > 0) {
    sizes.add(hw.smCount - 2 * g);
    if (besideOneGroup) sizes.add(hw.smCount - g);
  }
  sizes.add(hw.smCount);
  return [...sizes].sort((a, b) => a - b);
}

export function generateReferencePlan(opts: ReferencePlanOptions): Plan & { readonly unseenModels: readonly string[] } {
  const hw = opts.hardware;
  const N = hw.smCount;
  const g = hw.partition.granularitySms;
  const { experiments, add } = uniqueExperiments();
  const pairs = referencePairSizes(hw);
  const ceilingSms = [...new Set([...partitionSizes(hw), ...pairs.flat()])].sort((a, b) => a - b);
  for (const sms of ceilingSms) add({ id: `ceil-gemm-s${sms}`, kind: 'ceiling_gemm', sms, m: CEILING_GEMM_DIM, n: CEILING_GEMM_DIM, k: CEILING_GEMM_DIM });
  for (const sms of ceilingSms) add({ id: `ceil-bw-s${sms}`, kind: 'ceiling_bandwidth', sms, bytes: CEILING_BANDWIDTH_BYTES });
  // Operators on a small, a middle and the whole GPU (the sizes the standard H200 data has, for the quality table).
  const opSms = [3 * g, 9 * g, N];
  const fitted = opts.models.filter((m) => !m.unseen);
  for (const { spec } of fitted) for (const sms of opSms) for (const shape of opShapes(spec)) add(opExperiment(shape, sms));
  opts.models.forEach(({ key }, i) => {
    for (const sms of referenceForwardSms(hw, i === 0, opts.besideOneGroup ?? true)) for (const batch of FORWARD_BATCHES) add({ id: `fw-${key}-s${sms}-${batchLabel(batch)}`, kind: 'forward', model: key, sms, batch });
  });
  fitted.forEach(({ key }, i) => {
    // The first model gets every split and both decode batches; the others the ends of the range.
    const mine = i === 0 ? pairs : pairs.filter(([p]) => p <= 4 * g || p >= N - 3 * g);
    for (const [ps, ds] of mine) {
      for (const db of i === 0 ? PAIR_DECODES : PAIR_DECODES.slice(1)) {
        add({ id: `cc-${key}-p${ps}-${batchLabel(PAIR_PREFILL)}-d${ds}-${batchLabel(db)}`, kind: 'concurrent', model: key, prefill: { sms: ps, batch: PAIR_PREFILL }, decode: { sms: ds, batch: db, k: 1 } });
      }
    }
  });
  // Clock regimes: on the whole GPU with 1, 4 and 16 decode steps between prefills (a growing memory-bound
  // share of the time draws less power), and on a large partition.
  for (const { key } of fitted) {
    for (const [sms, k] of [[N, 4], [12 * g, 4], [N, 1], [N, 16]]) {
      add({ id: `clk-${key}-s${sms}-${batchLabel(PAIR_PREFILL)}-vs-${batchLabel(CLOCK_INTERLEAVE)}x${k}`, kind: 'clock_regime', model: key, sms, batch: PAIR_PREFILL, interleave: { batch: CLOCK_INTERLEAVE, k }, seconds: CLOCK_SECONDS });
    }
  }
  const models: Record<string, PlanModel> = {};
  for (const { key, spec } of opts.models) models[key] = toPlanModel(spec);
  return {
    version: PLAN_VERSION,
    models,
    unseenModels: opts.models.filter((m) => m.unseen).map((m) => m.key),
    repeats: opts.repeats,
    warmup: opts.warmup,
    experiments,
  };
}

/**
 * Calibration pairs that vary what the prefill partner does (`calibrate plan --profile pair-partners`): at every split
 * of the reference plan, the validation plan's two prefills — 4,096 fresh tokens, and 2,048 over a 2,048-token prefix —
 * beside the same decode batch (the reference plan's two, alternating by split), for the first model; the others at the
 * ends of the range beside 128 × 1,024 decodes. Why: the reference plan's pairs all have one partner (2,048 fresh
 * tokens), so nothing fitted from them can tell partners apart, and at DuetServe's loaded splits the decode lane runs
 * 5–7% faster beside the cached-prefix prefill, at a clock 127–165 MHz higher (BENCHMARKS.md, "What the partner does to
 * the shared clock"). Calibration data, not validation: fitted together with a reference run (`calibrate fit --data
 * <reference run> --data <this run>`), the fit's usual 60/40 split holding part of it out.
 */
export function generatePairPartnersPlan(opts: ReferencePlanOptions): Plan {
  const hw = opts.hardware;
  const g = hw.partition.granularitySms;
  const N = hw.smCount;
  const pairs = referencePairSizes(hw);
  const { experiments, add } = uniqueExperiments();
  opts.models
    .filter((m) => !m.unseen)
    .forEach(({ key }, i) => {
      const mine = i === 0 ? pairs : pairs.filter(([p]) => p <= 4 * g || p >= N - 3 * g);
      mine.forEach(([ps, ds], k) => {
        const db = i === 0 ? PAIR_DECODES[k % PAIR_DECODES.length] : PAIR_DECODES[PAIR_DECODES.length - 1];
        for (const pb of PARTNER_PREFILLS) {
          add({ id: `pcc-${key}-p${ps}-${batchLabel(pb)}-d${ds}-${batchLabel(db)}`, kind: 'concurrent', model: key, prefill: { sms: ps, batch: pb }, decode: { sms: ds, batch: db, k: 1 } });
        }
      });
    });
  const models: Record<string, PlanModel> = {};
  for (const { key, spec } of opts.models) models[key] = toPlanModel(spec);
  return { version: PLAN_VERSION, models, repeats: opts.repeats, warmup: opts.warmup, experiments };
}

/** The validation plan's two prefill partners: compute-dense (every token fresh) and attention-heavy (over a cached prefix). */
const PARTNER_PREFILLS: readonly PlanBatch[] = [
  { prefills: [{ new: 4096, cached: 0 }] },
  { prefills: [{ new: 2048, cached: 2048 }] },
];

/**
 * A validation-only plan (`calibrate plan --profile reference-validation`): pairs at the splits DuetServe
 * picks under load — prefill on 96–124 SMs, decode on the 8–36 left — with the decode batches and prefill
 * chunks of a loaded server, for every model given (unseen ones included), and clock regimes at sizes and
 * interleave depths the fit never saw. Measured into its own data folder and judged with
 * `calibrate validate --use-config`: the shipped calibration never sees it.
 */
export function generateValidationPlan(opts: ReferencePlanOptions): Plan & { readonly unseenModels: readonly string[] } {
  const hw = opts.hardware;
  const g = hw.partition.granularitySms;
  const { remainderSms } = groupLayout(hw);
  const N = hw.smCount;
  const splits: [number, number][] = [
    [N - 36, 36],
    [N - 28, 28],
    [N - 20, 20],
    [N - 16, 16],
    [N - 8, 8],
  ].filter(([p, d]) => d >= hw.partition.minSms && p > 0 && (d % g === 0 || d % g === remainderSms % g)) as [number, number][];
  const prefills = PARTNER_PREFILLS;
  const decodes: PlanBatch[] = [{ decodes: { count: 64, context: 2048 } }, { decodes: { count: 256, context: 1024 } }];
  const experiments: PlanExperiment[] = [];
  for (const { key } of opts.models) {
    for (const [ps, ds] of splits) {
      for (const pb of prefills) {
        for (const db of decodes) {
          experiments.push({ id: `vcc-${key}-p${ps}-${batchLabel(pb)}-d${ds}-${batchLabel(db)}`, kind: 'concurrent', model: key, prefill: { sms: ps, batch: pb }, decode: { sms: ds, batch: db, k: 1 } });
        }
      }
    }
    for (const [sms, k] of [[8 * g, 4], [N - 2 * g, 8], [N, 2], [N, 8]]) {
      experiments.push({ id: `vclk-${key}-s${sms}-${batchLabel(PAIR_PREFILL)}-vs-${batchLabel(CLOCK_INTERLEAVE)}x${k}`, kind: 'clock_regime', model: key, sms, batch: PAIR_PREFILL, interleave: { batch: CLOCK_INTERLEAVE, k }, seconds: CLOCK_SECONDS });
    }
  }
  const models: Record<string, PlanModel> = {};
  for (const { key, spec } of opts.models) models[key] = toPlanModel(spec);
  // Every model is "unseen": the whole folder is held out, whatever a fit on it would do.
  return { version: PLAN_VERSION, models, unseenModels: opts.models.map((m) => m.key), repeats: opts.repeats, warmup: opts.warmup, experiments };
}

/**
 * Forwards alone on the partitions that hold the GPC remainder beside whole groups (`calibrate plan --profile
 * remainder-validation`; H200: 20, 28, 36, 116 and 124 SMs), where cuBLAS's kernels with 4- and 8-CTA clusters
 * run on the whole groups only (GemmKernelTable), plus the attention and elementwise operators on them and on
 * the two-group partition beside them, to show those kernels use every SM. Every model is unseen: measured into
 * its own folder and judged with `calibrate validate --use-config`.
 */
export function generateRemainderValidationPlan(opts: ReferencePlanOptions): Plan & { readonly unseenModels: readonly string[] } {
  const hw = opts.hardware;
  const g = hw.partition.granularitySms;
  const N = hw.smCount;
  const holds = (s: number): boolean => {
    const groups = clusterSms(hw, s);
    return groups > 0 && groups < s;
  };
  const forwardSms = [...new Set([...remainderSizes(hw), N - 2 * g, N - g])].filter(holds).sort((a, b) => a - b);
  const opSms = [2 * g, ...remainderSizes(hw).filter(holds)];
  const { experiments, add } = uniqueExperiments();
  const fitted = opts.models.filter((m) => !m.unseen);
  for (const sms of opSms) {
    for (const { spec } of fitted) for (const shape of opShapes(spec)) if (shape.op !== 'gemm') add(opExperiment(shape, sms));
  }
  for (const sms of forwardSms) {
    for (const { key } of opts.models) for (const batch of FORWARD_BATCHES) add({ id: `fw-${key}-s${sms}-${batchLabel(batch)}`, kind: 'forward', model: key, sms, batch });
  }
  const models: Record<string, PlanModel> = {};
  for (const { key, spec } of opts.models) models[key] = toPlanModel(spec);
  return { version: PLAN_VERSION, models, unseenModels: opts.models.map((m) => m.key), repeats: opts.repeats, warmup: opts.warmup, experiments };
}

/**
 * The memory-bound operators that are not GEMMs — decode attention and the fused elementwise ops of the models —
 * with the copy ceiling, on the partitions holding the GPC remainder beside whole groups (a Hopper: 20, 28, 36 SMs)
 * and on the whole-group partitions around them (8–40 SMs), for `calibrate plan --profile remainder-ops`. Run once
 * on each side of the groups (the reference runner's `--partition-side first|last`). Why: on a partition holding
 * the remainder such an operator draws only part of the remainder's SMs on the first groups and nearly all on the
 * last (an H100's 256 × 4,096-token decode attention on 20 SMs: 3,089 µs on the first side, 2,542 on the last, 3,224
 * on 16 SMs; `calibrate/data/h100-2026-12-05-remainder-last-validation`), as the narrow GEMMs do — by its own
 * amount, which only those validation folders measured. Placed among the whole-group times, these runs say how many
 * it draws per side, as the gemm-rows runs do for the GEMMs. Calibration data, not validation.
 */
export function generateRemainderOpsPlan(opts: ReferencePlanOptions): Plan {
  const hw = opts.hardware;
  const g = hw.partition.granularitySms;
  const holds = (s: number): boolean => {
    const groups = clusterSms(hw, s);
    return groups > 0 && groups < s;
  };
  const remainder = remainderSizes(hw).filter(holds);
  const top = Math.max(g, ...remainder);
  const wholeGroups = partitionSizes(hw).filter((s) => s % g === 0 && s <= top + g);
  const sms = [...new Set([...wholeGroups, ...remainder])].sort((a, b) => a - b);
  const { experiments, add } = uniqueExperiments();
  for (const s of sms) add({ id: `ceil-bw-s${s}`, kind: 'ceiling_bandwidth', sms: s, bytes: REMAINDER_OPS_COPY_BYTES });
  for (const s of sms) {
    for (const { spec } of opts.models) for (const shape of opShapes(spec)) if (shape.op === 'attn_decode' || shape.op === 'elementwise') add(opExperiment(shape, s));
  }
  const models: Record<string, PlanModel> = {};
  for (const { key, spec } of opts.models) models[key] = toPlanModel(spec);
  return { version: PLAN_VERSION, models, repeats: opts.repeats, warmup: opts.warmup, experiments };
}

/** Bytes the remainder-ops plan's copy ceiling moves (as the kernel-quality plan's: 2 GiB). */
const REMAINDER_OPS_COPY_BYTES = 2 ** 31;

/**
 * Every partition from twelve groups to the whole GPU (`calibrate plan --profile waves`; a Hopper: 96, 100, 104, …,
 * 124 and 132 SMs, the GPC remainder's sizes included): the 8192³ ceiling GEMM, the first model's four linear layers
 * at 512 and 2,048 tokens (run with the reference runner's --kernel-names, so each record names cuBLAS's tile on that
 * partition), and its forwards with a prefill. Why: a 512-token Qwen3-8B prefill takes the same time on 96, 116 and
 * 124 H100 SMs and 1.39× less on 132, which whole waves of cuBLAS's recorded tiles explain and a half-wave blend with a
 * smooth Π(S) does not (BENCHMARKS.md, "Production-kernel (reference) calibration", the ninth session's finding); the
 * shipped data have no GEMM and no training forward between 96 and 132 SMs to choose between them. Every model is
 * unseen: measured into its own folder, never fitted.
 */
export function generateWavesPlan(opts: ReferencePlanOptions): Plan & { readonly unseenModels: readonly string[] } {
  const hw = opts.hardware;
  const g = hw.partition.granularitySms;
  const N = hw.smCount;
  const sizes = new Set(partitionSizes(hw).filter((s) => s >= 12 * g));
  for (let s = N - g; s >= 12 * g; s -= g) sizes.add(s);
  const sms = [...sizes].sort((a, b) => a - b);
  const first = opts.models[0];
  const { experiments, add } = uniqueExperiments();
  for (const s of sms) add({ id: `ceil-gemm-s${s}`, kind: 'ceiling_gemm', sms: s, m: CEILING_GEMM_DIM, n: CEILING_GEMM_DIM, k: CEILING_GEMM_DIM });
  const linears = opShapes(first.spec).filter((sh) => sh.op === 'gemm' && sh.dOut !== first.spec.vocabSize && (sh.n === 512 || sh.n === 2048));
  for (const s of sms) for (const shape of linears) add(opExperiment(shape, s));
  const withPrefill = FORWARD_BATCHES.filter((b) => (b.prefills ?? []).length > 0);
  for (const s of sms) for (const batch of withPrefill) add({ id: `fw-${first.key}-s${s}-${batchLabel(batch)}`, kind: 'forward', model: first.key, sms: s, batch });
  return { version: PLAN_VERSION, models: { [first.key]: toPlanModel(first.spec) }, unseenModels: [first.key], repeats: opts.repeats, warmup: opts.warmup, experiments };
}

/** The prefill chunks the clock-sizes profile times on each partition, 512 to 4,096 fresh tokens. */
export const CLOCK_SIZE_PREFILLS: readonly number[] = [512, 1024, 2048, 4096];
/** Decode steps between two prefills in the clock-sizes profile's serving regime, unless `decodeSteps` says otherwise. */
export const CLOCK_SIZE_DECODE_STEPS: readonly number[] = [4];

/**
 * One prefill chunk of each size back to back and interleaved with decode steps, on the whole GPU and on 96 SMs
 * (`calibrate plan --profile clock-sizes`), with the SM clock and power the runner reads during each regime. Why:
 * the held-out forwards on 96–132 SMs of both Hopper calibrations are priced 2–8% fast for 2,048–4,096-token
 * prefills and 7–10% slow for a 512-token one (BENCHMARKS.md, "Where the 3% stretch aim is lost"), the sign a clock
 * set by each forward's own power draw would give; the model's clock is one scale per SM count, and the reference
 * plan's clock records hold one size (2,048 tokens), so nothing fitted so far can tell the two apart. Every model is
 * unseen: measured into its own folder and judged with `calibrate validate --use-config` until a model form uses it.
 * `decodeSteps` (default 4) crosses each size with several step counts: the serving clock follows the compute-bound
 * share of the recent mix (1530–1965 MHz for one 2,048-token prefill between 1 and 16 decode steps on an H100), so a
 * clock model by step mix needs sizes and step counts varied together.
 */
export interface ClockSizesOptions {
  /** Decode steps between two prefills in the serving regime (default CLOCK_SIZE_DECODE_STEPS). */
  readonly decodeSteps?: readonly number[];
  /** Partitions timed (default: the whole GPU and 12 granules, 96 SMs on a Hopper); the caller checks they can be made. */
  readonly smCounts?: readonly number[];
  /** Prefill lengths in tokens (default CLOCK_SIZE_PREFILLS). */
  readonly prefillSizes?: readonly number[];
}

export function generateClockSizesPlan(opts: ReferencePlanOptions & ClockSizesOptions): Plan & { readonly unseenModels: readonly string[] } {
  const hw = opts.hardware;
  const g = hw.partition.granularitySms;
  const N = hw.smCount;
  const { experiments, add } = uniqueExperiments();
  for (const { key } of opts.models) {
    for (const sms of (opts.smCounts ?? [N, 12 * g]).filter((s) => s <= N)) {
      for (const tokens of opts.prefillSizes ?? CLOCK_SIZE_PREFILLS) {
        const batch: PlanBatch = { prefills: [{ new: tokens, cached: 0 }] };
        for (const k of opts.decodeSteps ?? CLOCK_SIZE_DECODE_STEPS) {
          add({ id: `szclk-${key}-s${sms}-${batchLabel(batch)}-vs-${batchLabel(CLOCK_INTERLEAVE)}x${k}`, kind: 'clock_regime', model: key, sms, batch, interleave: { batch: CLOCK_INTERLEAVE, k }, seconds: CLOCK_SECONDS });
        }
      }
    }
  }
  const models: Record<string, PlanModel> = {};
  for (const { key, spec } of opts.models) models[key] = toPlanModel(spec);
  return { version: PLAN_VERSION, models, unseenModels: opts.models.map((m) => m.key), repeats: opts.repeats, warmup: opts.warmup, experiments };
}
