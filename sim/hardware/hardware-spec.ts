/**
 * A GPU as the latency model sees it. Parsed once from configs/hardware/*.yaml by
 * sim/config/load-hardware.ts; every field is present.
 *
 * Datasheet numbers describe the whole chip. What the latency model uses are the *achieved* curves in
 * `perf`: compute rate Π(S) and memory bandwidth W(S) on S SMs, per-operator efficiencies and a contention
 * term. These start as seeds (from shared hardware notes or the datasheet) and are replaced by
 * `duetsim calibrate fit`, which records its provenance in `perf.provenance`.
 */
export interface HardwareSpec {
  readonly name: string;
  readonly smCount: number;
  /** Dense bf16 tensor-core peak, datasheet. */
  readonly peakBf16FlopsPerS: number;
  /** HBM bandwidth, datasheet. */
  readonly hbmBandwidthBytesPerS: number;
  readonly hbmCapacityBytes: number;
  readonly l2Bytes: number;
  readonly partition: PartitionSpec;
  readonly interconnect: InterconnectSpec;
  readonly overheads: OverheadSpec;
  readonly perf: PerfSpec;
}

/** How the SMs of one GPU can be split between two concurrent partitions. */
export interface PartitionSpec {
  /** 'green-context': CUDA green contexts (Hopper: groups of 8 SMs, GPC remainder); 'tpc-mask': libsmctrl-style masks (2 SMs). */
  readonly mechanism: 'green-context' | 'tpc-mask';
  /** Partition sizes step by this many SMs. */
  readonly granularitySms: number;
  /** Smallest partition the mechanism can make. */
  readonly minSms: number;
}

export interface InterconnectSpec {
  readonly kind: string;
  /** Per-direction bandwidth of one GPU's link to its peers. */
  readonly bandwidthBytesPerS: number;
  /** Per-message latency (α in the ring all-reduce model). */
  readonly latencyUs: number;
}

/** Host-side costs, kept apart from GPU time (sources in the YAML). */
export interface OverheadSpec {
  /** CPU scheduling work per iteration (batch formation, block tables, sampling bookkeeping). */
  readonly schedulingUs: number;
  /** Cost to launch one captured forward as a CUDA graph. */
  readonly graphLaunchUs: number;
  /** Host cost per kernel when a forward is dispatched eagerly (no graph). */
  readonly eagerLaunchUsPerKernel: number;
  /** Sampling + detokenisation per iteration (outside the forward graph). */
  readonly samplingUs: number;
}

/**
 * A second-stage correction fitted from closed-loop runs (`duetsim calibrate fit-serving`): the simulator's
 * own schedules executed on the GPU (calibrate/closed-loop/). Calibration times each shape in isolation,
 * repeated back to back; serving interleaves shapes and partitions. Applied on top of the calibrated perf:
 * Π(S) ÷ computeScale, W(S) ÷ memoryScale, and the contention coefficients replaced.
 */
export interface ServingCorrection {
  /** Measured ÷ predicted compute-bound time in serving (< 1: serving runs faster than calibration). */
  readonly computeScale: number;
  readonly memoryScale: number;
  readonly contentionCompute: number;
  readonly contentionMemory: number;
  readonly provenance: string;
}

/** A measured point of a curve over SM count. */
export interface CurvePoint {
  readonly smCount: number;
  readonly value: number;
}

/** Operator classes of the latency model; each gets its own efficiency. */
export const OP_CLASSES = ['gemm', 'attn_prefill', 'attn_decode', 'elementwise', 'lm_head'] as const;
export type OpClass = (typeof OP_CLASSES)[number];

export interface OpEfficiency {
  /** Fraction of Π(S) the operator class reaches when compute bound. */
  readonly compute: number;
  /** Fraction of W(S) the operator class reaches when memory bound (with bandwidthModel: of its B_max). */
  readonly memory: number;
  /**
   * With bandwidthModel (physics form): the class's bytes in flight per SM relative to the envelope's, a
   * factor on the per-SM slope. A decode-attention kernel keeps fewer bytes in flight per SM than cuBLAS
   * streaming weights, yet reaches as much of HBM once enough SMs take part; one efficiency cannot say both.
   */
  readonly memorySlope?: number;
  /**
   * attn_prefill only (physics form): the fraction of Π(S) reached by chunks over a cached prefix, when it
   * differs from plain causal prefill's `compute`. Serving stacks run those on another kernel (the
   * reference: cuDNN fused attention for plain causal prefill, FlashAttention-2 once a prefix is cached,
   * cuda/reference/torch_runner.py), and the two reach very different shares of the tensor cores
   * (h200-2026-12-04-reference operator records: ~60–75% vs ~35% of Π at 24 SMs). Absent: `compute`.
   */
  readonly cachedPrefixCompute?: number;
  /**
   * Physics form ('tail' kernel rule), when the fit kept per-class tails: the fixed time one call of this
   * class adds beyond its roofline term, in place of PerfSpec.kernelFloorUs. One call is not one launch
   * everywhere: a Triton elementwise kernel inside a graph pays ~1.7 µs, an SDPA decode call runs a
   * split-KV kernel and its reduction (~8 µs at batch 1 on the H200's reference data). Absent: kernelFloorUs.
   */
  readonly tailUs?: number;
}

/** W(S) = B_max·x/(1+x^p)^(1/p), x = b·S/B_max (calibrate/fit-bandwidth.ts); per class, b and B_max scale. */
export interface BandwidthModel {
  readonly perSmBytesPerS: number;
  readonly maxBytesPerS: number;
  readonly knee: number;
}

export interface ContentionSpec {
  /**
   * Slowdown of memory-bound time while a partner partition runs: t × (1 + memory × partnerSmShare).
   * partnerSmShare = partner SMs / all SMs. Shared HBM and L2 (hardware-notes: decode on 36 SMs took
   * ~1.5× its solo time beside a prefill on 96).
   */
  readonly memory: number;
  /** Same for compute-bound time (prefill on 96 SMs ran ~1.13× slower beside a decode on 36). */
  readonly compute: number;
  /**
   * The shared-resource form (issue 11), used instead of the two coefficients above when present: a
   * partition slows by what its partner *does*, not by how many SMs it has. Two resources are shared:
   * HBM bandwidth (the partner's traffic over W(all SMs)) and the power budget that sets the common SM
   * clock (the partner's tensor-core activity: its SM share × the share of its time that is compute
   * bound). Compute-bound and memory-bound time each stretch by 1 + a·power + b·bandwidth.
   */
  readonly shared?: SharedContention;
}

export interface SharedContention {
  /**
   * What the partner's power draw is read from: 'compute-bound' (absent: its SM share × the share of its time
   * spent compute-bound, tensor-core activity) or 'busy-sms' (its SM share while it runs: a memory-bound decode
   * on 116 SMs draws power too). The fit keeps whichever fits the training pairs better (calibrate/fit-contention.ts):
   * on the H100 a prefill beside decodes slows by about the decodes' SM share (1.03-1.08x beside 8 SMs, 1.82-1.96x beside 116;
   * test/bench/pair-sides.ts),
   * whatever their compute-bound share. Or 'tensor-rate' (the partner's FLOPs ÷ its time ÷ Π(all SMs), PartnerLoad.tensorShare):
   * what sets its power draw and so the clock both lanes share. A prefill over a cached prefix spends as much of its time
   * compute-bound as a fresh one (0.93 against 0.92 on 124 H100 SMs) but drives the tensor cores less (0.54 against 0.68 of
   * Π(all)); the clock stands 127–165 MHz higher beside it and a decode lane beside it runs 5–7% faster (BENCHMARKS.md,
   * "What the partner does to the shared clock"). The H200's fit keeps it (its never-fitted lanes at DuetServe's loaded
   * splits 3.9% / 2.9% → 2.75% / 2.58%); the H100's keeps the busy SMs ("The partner's tensor rate").
   */
  readonly powerShare?: 'compute-bound' | 'busy-sms' | 'tensor-rate';
  /**
   * How much of a lane's compute-bound time the partner's power term stretches: all of it ('full', absent), or
   * in proportion to the lane's own compute-bound share of time when alone ('compute-bound-share'). A decode
   * whose GEMMs sit near the ridge (half its time compute-bound by the roofline) slows beside a prefill like the
   * memory-bound decodes do: on the H100, 256×1024 decodes on 8–36 SMs run 1.25–1.45× their alone time beside
   * the prefill, as 64×2048 decodes do, where the full stretch predicts 1.5–1.65× (h100-2026-12-05-reference-validation).
   * The fit keeps whichever fits the training pairs better (calibrate/fit-contention.ts).
   */
  readonly exposure?: 'full' | 'compute-bound-share';
  /**
   * How much of the partner's bandwidth share a lane's memory-bound time feels: all of it ('full', absent), or
   * in proportion to the bandwidth the lane's own SMs can draw, W(S) ÷ W(all SMs) ('own-capacity'). A decode on 8
   * SMs draws a quarter of the HBM bandwidth at most, so a partner's traffic leaves it room; one on 116 SMs can
   * saturate HBM alone and loses what the partner takes. On the H100 the full form priced decodes on 8–20 SMs
   * beside a 112–124-SM prefill 9–16% slow and decodes on 96–116 SMs beside a 16–36-SM prefill 5–8% fast
   * (h100-2026-12-05-reference, held-out pairs). The fit keeps whichever fits the training pairs better.
   */
  readonly bandwidthExposure?: 'full' | 'own-capacity';
  readonly computeByPower: number;
  readonly computeByBandwidth: number;
  readonly memoryByPower: number;
  readonly memoryByBandwidth: number;
  /**
   * A second power reading beside the first (absent: none): the partner's tensor rate (PartnerLoad.tensorShare) also
   * stretches compute-bound time by computeByTensor × it and memory-bound time by memoryByTensor × it. Two readings
   * because a partner costs in two ways: its busy SMs (a memory-bound decode on 116 SMs slows a prefill ~1.9×, whatever
   * its FLOP/s) and its tensor-core draw, which sets the clock both lanes share (a decode lane beside a prefill over a
   * cached prefix runs 5–7% faster than beside a fresh one on the same SMs, at a clock 127–165 MHz higher; H100,
   * calibrate/data/h100-2026-12-07-pair-partners). The fit tries it with the busy-SMs reading when its pairs vary the partner.
   */
  readonly computeByTensor?: number;
  readonly memoryByTensor?: number;
}

/**
 * Clock regime (issue 11): a compute-bound forward repeated back to back holds the GPU at its power cap
 * and a lower clock; interleaved with memory-bound decode steps (serving) the clock recovers. Calibration
 * forwards are short back-to-back bursts; these scales turn their compute-bound time into each regime's,
 * fitted from the calibration's clock_regime records (calibrate/fit-clock.ts).
 */
export interface ClockRegimeSpec {
  /** Compute-bound time, settled back to back ÷ as calibrated. */
  readonly backToBackComputeScale: number;
  /** Compute-bound time, interleaved with decode steps ÷ as calibrated (on the whole GPU when servingFromSms is set). */
  readonly servingComputeScale: number;
  /**
   * The partition size up to which interleaving gains nothing over back to back, because back to back does not
   * reach the power cap there: the serving scale runs linearly from backToBackComputeScale at this many SMs to
   * servingComputeScale on the whole GPU. On the H100 a prefill on 64 SMs runs at the maximum clock (1,980 MHz)
   * back to back and serves no faster; on 96 SMs it serves 0.94-0.96x its back-to-back time, on 132 0.83-0.97x
   * (test/bench/clock-duty.ts). Absent: servingComputeScale at every size.
   */
  readonly servingFromSms?: number;
  /**
   * The power cap as a clock model (fitted from the NVML clocks the clock_regime records carry). When present, both
   * regimes are priced from the forward's power demand instead of the two scales alone: backToBackComputeScale is
   * then the scale at the demand of the records' prefills back to back (ClockPowerSpec.referenceComputeShare), and a
   * forward drawing less or more — its own mix, decode steps between — runs at the ratio of the two clocks (roofline
   * servingClockOf); a partition beside a partner at the clock its calibration pairs ran at. servingComputeScale is kept
   * for readers of the older form.
   */
  readonly power?: ClockPowerSpec;
}

/**
 * The clock the power cap holds for a given demand. Power scales with the clock and with what the SMs do: tensor work
 * at the partition's rate, and memory-bound time drawing memoryBoundPowerRatio of that per unit of bandwidth, so busy
 * partitions demand W = N · Σ [u·Π(S)/Π(N) + r·(1 − u)·W(S)/W(N)] whole-GPU SM-equivalents (u: the compute-bound share
 * of a partition's time; roofline powerDemand). A share of the power (fixedPowerShare, relative to the whole GPU
 * compute-bound) scales with the clock but not with W (uncore, HBM, leakage), so the capped clock is
 * f(W) = min(maxClockMhz, allComputeBoundMhz · (1 + c) / (W/N + c)). On the H100 a 2,048-token prefill on 132 SMs sits
 * at 1,500–1,545 MHz back to back and 1,950 MHz between 16 decode steps; on 80–124 SMs back to back at 1,770–1,905;
 * on 64 SMs nothing reaches the cap.
 */
export interface ClockPowerSpec {
  /** The GPU's maximum SM clock (NVML's clocks.max.sm). */
  readonly maxClockMhz: number;
  /** The clock the cap allows with every SM compute-bound (W = N). */
  readonly allComputeBoundMhz: number;
  /** c above: the power that scales with the clock but not with busy SMs, over the SMs' all-compute-bound power. */
  readonly fixedPowerShare: number;
  /** r above: an SM's power while its kernels are memory-bound ÷ while compute-bound. */
  readonly memoryBoundPowerRatio: number;
  /**
   * The compute-bound share (as the model prices it) of the clock records' prefills back to back: the demand at which
   * backToBackComputeScale holds. Their median.
   */
  readonly referenceComputeShare: number;
  /**
   * Decode steps `duetsim predict` interleaves a forward with in the serving regime (each the forward's own decodes
   * alone), unless told (--decode-steps); the median of the clock records'. The simulator runs its steps itself and
   * prices each iteration's own window (its mix and its partner's): it passes 0.
   */
  readonly servingDecodeSteps: number;
  /**
   * Present when the fit priced every training forward at the NVML clock its record carries (a clock-aware fit,
   * calibrate/fit.ts): Π(S) and the efficiencies are then at maxClockMhz, and every regime's compute-bound time is scaled
   * by maxClockMhz ÷ the clock its power demand gets (the reference demand and backToBackComputeScale play no part).
   * The points are the training forwards' median clock at each SM count they ran on: the clock a harness forward whose
   * record carries none is taken to have run at (calibrate/predict-record.ts forwardClockScale). Absent: the curves are
   * at the training forwards' own mix of clocks, backToBackComputeScale × the reference demand's clock.
   */
  readonly trainingClockMhz?: readonly CurvePoint[];
  /**
   * α of a clock-aware spec: compute-bound time × (maxClockMhz ÷ clock)^α. Time does not follow NVML's SM clock one for
   * one: on the H100 the same prefill settled at two clocks (back to back, between decode steps) moves about half as
   * far as the clocks' ratio times its compute-bound share. The fit picks it from CLOCK_SENSITIVITIES by the training
   * clock records' error at their measured clocks (calibrate/fit.ts). Absent: 1.
   */
  readonly clockSensitivity?: number;
}

export const CLOCK_REGIMES = ['calibration', 'back-to-back', 'serving'] as const;
export type ClockRegime = (typeof CLOCK_REGIMES)[number];

export interface PerfSpec {
  /** Π(S): achieved dense bf16 rate on S SMs, FLOP/s. Piecewise linear between points; sorted by smCount. */
  readonly computeFlopsPerS: readonly CurvePoint[];
  /** W(S): achieved HBM bandwidth on S SMs, bytes/s. Piecewise linear; sorted by smCount. */
  readonly bandwidthBytesPerS: readonly CurvePoint[];
  readonly efficiency: Readonly<Record<OpClass, OpEfficiency>>;
  /** GPU-side minimum time of one kernel (launch latency inside a graph, tail effects). */
  readonly kernelFloorUs: number;
  /**
   * How kernelFloorUs enters a kernel's time: 'floor' (absent): max(compute, memory, floor); 'tail'
   * (physics form): max(compute, memory) + floor, a launch-and-last-wave cost every kernel pays.
   */
  readonly kernelRule?: 'floor' | 'tail';
  /**
   * Physics form: a kernel's compute and memory times combine as (c^q + m^q)^(1/q) instead of max(c, m)
   * (absent: q = ∞, the max). Near the ridge a kernel neither fully overlaps loads with math nor runs
   * them back to back; mixed prefill+decode batches of ~500–1000 tokens sit there.
   */
  readonly ridgeExponent?: number;
  /**
   * Physics form: GEMMs compute whole tiles of this many rows (tokens), so n tokens cost ⌈n/T⌉·T rows of
   * compute (wave and tile quantisation of cuBLAS's kernels). Chosen by the fit among measured candidates.
   */
  readonly gemmRowTile?: number;
  /**
   * Physics form, with gemmRowTile: the row tile of the narrow-M kernel a GEMM of at most gemmRowTile rows
   * runs (decode batches), so n ≤ T tokens cost ⌈n/T_s⌉·T_s rows (roofline gemmPadFlops). Absent: T for all n.
   */
  readonly gemmSmallRowTile?: number;
  /**
   * Physics form, with gemmRowTile: wave quantisation on a partition. A GEMM's output is ⌈n/T⌉·⌈dOut/gemmColTile⌉
   * tiles run in ⌈tiles/S⌉ waves on S SMs; its compute is scaled by 1 + gemmWaveBlend·(waves·S/tiles − 1)
   * (roofline gemmPadFlops). Absent: no wave term.
   */
  readonly gemmWaveBlend?: number;
  /** With gemmWaveBlend: the output tile's column count (default 128). */
  readonly gemmColTile?: number;
  /**
   * Physics form: wave quantisation of prefill attention on a partition. One kernel covers the batch's
   * chunks, a grid of Σ⌈q/attnRowTile⌉·hq blocks of queries; they run in ⌈blocks/S⌉ waves on S SMs, so its
   * compute is scaled by 1 + attnWaveBlend·(waves·S/blocks − 1) (roofline attnWaveStretch). A short chunk
   * over a cached prefix (256 queries: 64–80 blocks) leaves much of a 96–132-SM partition idle. Absent: none.
   */
  readonly attnWaveBlend?: number;
  /** With attnWaveBlend: the query rows of one attention block (default 128). */
  readonly attnRowTile?: number;
  readonly contention: ContentionSpec;
  /** Absent: every regime prices as calibrated. */
  readonly clockRegime?: ClockRegimeSpec;
  /**
   * The parametric W(S) the physics form fitted (bandwidthBytesPerS holds it tabulated). When present, a
   * memory-bound kernel of class c streams at saturating(b·memorySlope_c, B_max·memory_c, knee) on S SMs.
   */
  readonly bandwidthModel?: BandwidthModel;
  /**
   * Physics form: every memory rate on S SMs × this factor (piecewise linear between points, flat outside
   * them; absent: 1). W(S) is a smooth curve fitted to single operators; the forwards measured on each
   * partition stream a little faster or slower than it (which GPCs and memory channels a green context's
   * SMs reach), so the fit rescales it per SM count from its memory-bound training forwards, as it does Π(S).
   */
  readonly bandwidthScale?: readonly CurvePoint[];
  /**
   * The backend library's kernel choice per GEMM shape and token count (GemmKernelTable; recorded from the
   * kernels cuBLAS launched, not fitted): which GEMMs run thread-block clusters too large for the GPC remainder
   * — on a partition holding the remainder group they run on its whole groups only (roofline linearUs) — and
   * each kernel's output tile (gemmTilesFromRows). Absent: every GEMM uses every SM of its partition.
   */
  readonly gemmKernels?: GemmKernelTable;
  /**
   * Physics form, with gemmKernels tiles: a GEMM of at least this many tokens whose shape the table records is
   * priced on cuBLAS's own output tile at that token count (the largest recorded count not above it) — its
   * padding in both dimensions and its waves on the partition — instead of gemmRowTile/gemmColTile. Chosen by
   * the fit by training error (1, 129 or absent: never).
   */
  readonly gemmTilesFromRows?: number;
  /**
   * The remainder SMs decode attention and the elementwise ops draw on a partition holding the GPC remainder,
   * per side (RemainderOpsTable; recorded from the remainder-ops plan, not fitted). Absent: they draw all of it.
   */
  readonly remainderOps?: RemainderOpsTable;
  /** Where the perf numbers come from: 'seed: …' text, or a calibration record. */
  readonly provenance: string;
}

/** The memory-bound operator classes other than GEMMs whose draw on the GPC remainder RemainderOpsTable records. */
export const REMAINDER_OP_CLASSES = ['attn_decode', 'elementwise'] as const satisfies readonly OpClass[];
export type RemainderOpClass = (typeof REMAINDER_OP_CLASSES)[number];

/**
 * What GemmKernelTable.remainderSmsDrawn is for narrow GEMMs, for decode attention and the elementwise ops: per class and
 * side (PartitionSide), the SMs of the GPC remainder the operator draws on a partition of `smCount` SMs holding it — its
 * time there matches its time on whole groups of (S − remainder) + value SMs — interpolated linearly, flat outside its
 * points; a class or side without points draws the whole remainder. Derived from the remainder-ops plan run on each
 * side (`calibrate remainder-ops` prints it) and written by `calibrate fit --remainder-ops … --write`. Only the operator's memory-bound time (its bandwidth W(S), read at the drawn
 * SMs) follows it; its compute stays the partition's. Why: an H100's cuDNN decode attention over 256 × 4,096 tokens takes
 * 3,089 µs on 20 first-side SMs, 2,542 on 20 last-side SMs and 3,224 on 16
 * (h100-2026-12-05-remainder-validation, …-remainder-last-validation): on the first side it uses little of the remainder.
 */
export interface RemainderOpsTable {
  /** Where the table was recorded (data folders, GPU, date). */
  readonly source: string;
  readonly remainderSmsDrawn: { readonly [c in RemainderOpClass]?: { readonly [side in PartitionSide]?: readonly CurvePoint[] } };
}

/**
 * cuBLAS's kernel choice as recorded by the gemm-rows plan (`--kernel-names`): at which token counts each
 * linear shape got a kernel whose thread-block cluster has more than `remainderMaxCtas` CTAs, and (when the
 * names say) the output tile of the kernel at every recorded count.
 *
 * Why it matters (calibrate/data/h200-2026-12-05-gemm-rows): a green context holding the GPC remainder group
 * (12 SMs spread over GPCs on a 132-SM Hopper) cannot place clusters of 4 or 8 CTAs on those SMs. cuBLAS picks
 * its kernel as for the whole GPU, so such a kernel fails on the remainder alone and, on 20, 28 or 36 SMs,
 * runs only on the 8, 16 or 24 SMs of the whole groups: its time there equals its time on S − 12 SMs
 * (61 of 232 shapes × token counts; ratio 0.93–1.01), while 2-CTA-cluster kernels use all S.
 */
export interface GemmKernelTable {
  /** Where the table was recorded (data folder, library versions). */
  readonly source: string;
  /** Largest cluster (CTAs) the remainder group hosts: 2 measured on the H200. */
  readonly remainderMaxCtas: number;
  /** Token counts measured for every shape, ascending. */
  readonly rows: readonly number[];
  readonly shapes: readonly GemmKernelShape[];
  /**
   * Per side of the GPU's group list (PartitionSide), the SMs of the GPC remainder a narrow GEMM (≤ NARROW_GEMM_ROWS
   * tokens, memory-bound, with clusters the remainder hosts) draws on a partition of `smCount` SMs holding it:
   * its time there matches its time on whole groups of (S − remainder) + value SMs. Recorded from the gemm-rows
   * plan's timings on each side (`calibrate gemm-kernels`), interpolated linearly, flat outside; a side without
   * points draws the whole remainder (the partition's S SMs). Why: on the H100 the same narrow GEMMs on 20 / 28 / 36 SMs
   * time like whole groups of 13.8 / 23.2 / 28.9 SMs from the first groups and 19.7 / 27.5 / 32.7 from the last
   * (h100-2026-12-05-gemm-rows, h100-2026-12-05-gemm-rows-last), so a decode forward alone on 20 first-side SMs
   * takes 1.19x its time on the last side; priced one way for both, the first side's decodes came out 20% fast.
   */
  readonly remainderSmsDrawn?: { readonly [side in PartitionSide]?: readonly CurvePoint[] };
}

/**
 * Which end of the GPU's list of SM groups a green-context partition takes. The runners put a pair's prefill at the
 * front ('first') and its decode at the back ('last'), and a single partition at the front unless told otherwise
 * (torch_runner.py --partition-side). It matters only for a partition holding the GPC remainder
 * (GemmKernelTable.remainderSmsDrawn).
 */
export const PARTITION_SIDES = ['first', 'last'] as const;
export type PartitionSide = (typeof PARTITION_SIDES)[number];

export interface GemmKernelShape {
  readonly dIn: number;
  readonly dOut: number;
  /** The members of `rows` at which this shape's kernel had a cluster over remainderMaxCtas. */
  readonly clusteredRows: readonly number[];
  /**
   * The kernel's output tile at each of `rows` (same order): [columns of dOut, token rows], as cuBLAS names it
   * (`nvjet_sm90_tst_<dOut tile>x<token tile>_…`). Absent when the names did not say.
   */
  readonly tiles?: readonly (readonly [dOutTile: number, rowTile: number])[];
  /**
   * cuBLAS's time for this shape at each of `rows` (same order) over the roofline's time for it, typical over the
   * measured SM counts and divided by the median over every recorded shape and count (so the fitted GEMM
   * efficiency keeps the level and this keeps the pattern). Recorded by `calibrate fit --gemm-kernels` from
   * the gemm-rows plan's own timings. Why: the library serves some (shape, token count) pairs with a kernel far
   * off its neighbours, which no roofline term predicts (calibrate/data/h100-2026-12-05-gemm-rows: Qwen3-14B's
   * four GEMMs at 1,040 tokens take 1.29x their time at 1,024 on 32 SMs). Absent: 1.
   */
  readonly timeScale?: readonly number[];
}
