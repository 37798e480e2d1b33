import { OP_CLASSES, type PerfSpec, type SharedContention } from '../sim/hardware/hardware-spec.js';
import { formatPct, type ErrorSummary } from './error-stats.js';
import type { FitResiduals } from './fit.js';
import { powerReadingLabel, sharedFormLabel, type ContentionFormScore } from './fit-contention.js';
import type { PlanEstimate } from './plan.js';
import type { ErrorSummaryJson, GroupedErrors, PointErrors, ValidationReport } from './validate.js';
import type { KernelQualityReport } from './kernel-quality.js';

/** Plain-text tables the calibrate subcommands print; the JSON outputs carry the same numbers unrounded. */

function errorCells(s: ErrorSummaryJson): string {
  return `${String(s.count).padStart(5)}  ${formatPct(s.mape).padStart(7)}  ${formatPct(s.p90_ape).padStart(7)}  ${formatPct(s.worst_ape).padStart(7)}`;
}

function summaryJson(s: ErrorSummary): ErrorSummaryJson {
  return { count: s.count, mape: s.mape, p90_ape: s.p90Ape, worst_ape: s.worstApe };
}

/** How the contention line names SharedContention.powerShare. */
const POWER_READINGS: Readonly<Record<NonNullable<SharedContention['powerShare']>, string>> = {
  'compute-bound': 'compute-bound SM share',
  'busy-sms': 'busy SMs',
  'tensor-rate': 'tensor rate, FLOP/s over Π(all SMs)',
};

/**
 * The contention form search in a few lines: the best form of each power reading, by score, the kept one first and
 * marked, each with how much worse than the kept it scored — so a user sees whether the choice was close.
 */
function formatFormSearch(forms: readonly ContentionFormScore[]): string[] {
  if (forms.length === 0) return [];
  const bestByPower = new Map<string, ContentionFormScore>();
  for (const f of forms) {
    const key = powerReadingLabel(f.form);
    const held = bestByPower.get(key);
    if (held === undefined || f.score < held.score) bestByPower.set(key, f);
  }
  const ranked = [...bestByPower.values()].sort((a, b) => a.score - b.score);
  const kept = ranked[0];
  return [
    `contention form search (${forms.length} forms; ${kept.scoredBy === 'cross-validated' ? 'two-fold cross-validated' : 'training'} mean squared log error of both lanes; best form of each power reading):`,
    ...ranked.map((f, i) => `  ${i === 0 ? 'kept ' : '     '} ${sharedFormLabel(f.form).padEnd(52)} ${f.score.toPrecision(3)}${i === 0 ? '' : ` (${((f.score / kept.score - 1) * 100).toFixed(0)}% worse)`}`),
  ];
}

const HEADER = `${'n'.padStart(5)}  ${'MAPE'.padStart(7)}  ${'p90'.padStart(7)}  ${'worst'.padStart(7)}`;

export function formatPlanEstimate(e: PlanEstimate, repeats: number, warmup: number): string {
  const kinds = Object.entries(e.byKind)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
  const minutes = e.gpuSeconds / 60;
  return (
    `${e.experiments} experiments (${kinds}), ${repeats} timed repeats + ${warmup} warm-up each\n` +
    `estimated GPU time ${minutes.toFixed(1)} min by the latency model with the hardware's current perf; ` +
    'setup (allocating and filling weights, graph capture, partition creation) comes on top\n'
  );
}

export function formatFit(
  perf: PerfSpec,
  res: FitResiduals,
  forwardWeight: number,
  computeRescale: 'mean' | 'median' | null = null,
  contentionForms: readonly ContentionFormScore[] = [],
): string {
  const curve = (pts: PerfSpec['computeFlopsPerS'], unit: number, name: string): string => pts.map((p) => `${p.smCount}:${(p.value / unit).toFixed(0)}`).join(' ') + ` ${name}`;
  const lines = [
    `Π(S) ${curve(perf.computeFlopsPerS, 1e12, 'TFLOP/s')}${computeRescale ? ` (rescaled per SM count by the training forwards' ${computeRescale === 'mean' ? 'geometric mean' : 'median'} measured/predicted)` : ''}`,
    `W(S) ${curve(perf.bandwidthBytesPerS, 1e9, 'GB/s')}`,
    `${'class'.padEnd(13)} compute  memory   ${HEADER}  (operator records)`,
    ...OP_CLASSES.map((c) => {
      const s = res.opsByClass[c];
      const e = perf.efficiency[c];
      return `${c.padEnd(13)} ${e.compute.toFixed(3).padStart(7)} ${e.memory.toFixed(3).padStart(7)}   ${s ? errorCells(summaryJson(s)) : '  (no records: from gemm, then the forward refinement)'}`;
    }),
    ...OP_CLASSES.filter((c) => perf.efficiency[c].cachedPrefixCompute !== undefined).map((c) => `${c} over a cached prefix: compute ${perf.efficiency[c].cachedPrefixCompute?.toFixed(3)}`),
    ...(perf.bandwidthModel
      ? [
          `W(S) form: saturating, ${(perf.bandwidthModel.perSmBytesPerS / 1e9).toFixed(1)} GB/s per SM up to ${(perf.bandwidthModel.maxBytesPerS / 1e12).toFixed(2)} TB/s, knee ${perf.bandwidthModel.knee}; per-SM slope by class: ${OP_CLASSES.map((c) => `${c} ${perf.efficiency[c].memorySlope ?? 1}`).join(', ')}`,
        ]
      : []),
    ...(perf.bandwidthScale ? [`W(S) × ${perf.bandwidthScale.map((p) => `${p.smCount}:${p.value}`).join(' ')} (per SM count, from the training decode-only forwards)`] : []),
    `kernel ${perf.kernelRule === 'tail' ? 'tail (added to every kernel)' : 'floor'} ${classTails(perf) ?? `${perf.kernelFloorUs} µs`}${perf.ridgeExponent !== undefined ? `; compute and memory combine as (c^q + m^q)^(1/q), q = ${perf.ridgeExponent}` : ''}${perf.gemmRowTile !== undefined ? `; GEMMs compute whole ${perf.gemmRowTile}-row tiles${perf.gemmSmallRowTile !== undefined ? ` (${perf.gemmSmallRowTile}-row at most ${perf.gemmRowTile} tokens)` : ''}${perf.gemmWaveBlend !== undefined ? `, in waves of ${perf.gemmColTile ?? 128}-column output tiles on the partition (blend ${perf.gemmWaveBlend})` : ''}` : ''}${perf.gemmTilesFromRows !== undefined ? `; the GEMMs cuBLAS's recorded kernels cover, from ${perf.gemmTilesFromRows} tokens, on those kernels' own tiles` : ''}${perf.attnWaveBlend !== undefined ? `; prefill attention in waves of ${perf.attnRowTile ?? 128}-row query blocks on the partition (blend ${perf.attnWaveBlend})` : ''}${perf.gemmKernels ? `; cuBLAS's kernel choice recorded for ${perf.gemmKernels.shapes.length} GEMM shapes (clusters over ${perf.gemmKernels.remainderMaxCtas} CTAs run on a partition's whole groups only)` : ''}${perf.remainderOps ? `; the GPC remainder's SMs ${Object.keys(perf.remainderOps.remainderSmsDrawn).join(' and ')} draw, recorded per side` : ''}; contention γ_memory ${perf.contention.memory}, γ_compute ${perf.contention.compute}`,
    ...(perf.contention.shared
      ? [
          `shared-resource contention (power read as the partner's ${POWER_READINGS[perf.contention.shared.powerShare ?? 'compute-bound']}): compute × (1 + ${perf.contention.shared.computeByPower}·power${perf.contention.shared.exposure === 'compute-bound-share' ? '·own compute-bound share' : ''} + ${perf.contention.shared.computeByBandwidth}·bandwidth${perf.contention.shared.computeByTensor !== undefined ? ` + ${perf.contention.shared.computeByTensor}·tensor rate` : ''}), memory × (1 + ${perf.contention.shared.memoryByPower}·power + ${perf.contention.shared.memoryByBandwidth}·bandwidth${perf.contention.shared.bandwidthExposure === 'own-capacity' ? '·own W(S)/W(all)' : ''}${perf.contention.shared.memoryByTensor !== undefined ? ` + ${perf.contention.shared.memoryByTensor}·tensor rate` : ''})`,
        ]
      : []),
    ...formatFormSearch(contentionForms),
    ...(perf.clockRegime ? [`clock regimes: compute-bound time × ${perf.clockRegime.backToBackComputeScale} back to back, × ${perf.clockRegime.servingComputeScale} serving${perf.clockRegime.servingFromSms !== undefined ? ` on the whole GPU (back to back's up to ${perf.clockRegime.servingFromSms} SMs, linear between)` : ''} (calibration = 1)`] : []),
    `${'residuals (train)'.padEnd(28)} ${HEADER}`,
    `${'operators'.padEnd(28)} ${errorCells(summaryJson(res.ops))}`,
    `${`forward (weight ${forwardWeight})`.padEnd(28)} ${errorCells(summaryJson(res.forwardTrain))}`,
    `${'concurrent decode'.padEnd(28)} ${errorCells(summaryJson(res.concurrentDecodeTrain))}`,
    `${'concurrent prefill'.padEnd(28)} ${errorCells(summaryJson(res.concurrentPrefillTrain))}`,
  ];
  return lines.join('\n') + '\n';
}

/** One row a group; `extra` adds a last column (its header and each row's cell). */
function table<S extends ErrorSummaryJson>(title: string, groups: Readonly<Record<string, S>>, extra?: { readonly header: string; readonly cell: (s: S) => string }): string[] {
  const width = Math.max(28, title.length, ...Object.keys(groups).map((k) => k.length + 2));
  const more = (text: string): string => (extra ? `  ${text.padStart(7)}` : '');
  return [`${title.padEnd(width)} ${HEADER}${more(extra?.header ?? '')}`, ...Object.entries(groups).map(([k, s]) => `  ${k.padEnd(width - 2)} ${errorCells(s)}${more(extra ? extra.cell(s) : '')}`)];
}

/** A group's mean signed error, '+' when priced slow; '–' in a report written before every group carried it. */
function signedCell(s: Partial<PointErrors>): string {
  const e = s.mean_signed_error;
  return e === undefined || e === null || Number.isNaN(e) ? '–' : (e >= 0 ? '+' : '') + formatPct(e);
}

const SIGNED = { header: 'signed', cell: signedCell } as const;

function section(name: string, g: GroupedErrors): string[] {
  if (g.overall.count === 0) return [`${name}: no held-out points`];
  // The mean signed error (+: priced slow) is the column a bias shows in: a group leaning one way (by SM count, by
  // clock band) is a missing term, where MAPE alone reads the same for scatter.
  return [
    ...table(`${name} by family`, g.by_family, SIGNED),
    ...table(`${name} by model`, g.by_model, SIGNED),
    ...table(`${name} by SM count`, g.by_sm_count, SIGNED),
    ...table(`${name} by batch kind`, g.by_batch_kind, SIGNED),
    ...(g.by_partner_batch ? table(`${name} by partner batch`, g.by_partner_batch, SIGNED) : []),
    ...(g.by_clock ? table(`${name} by SM clock`, g.by_clock, SIGNED) : []),
    ...table(`${name} overall`, { all: g.overall }, SIGNED),
  ];
}

/** The power model's clocks against NVML's (the clock points' windows). */
function clockPredictionLine(c: { readonly back_to_back?: ErrorSummaryJson; readonly serving?: ErrorSummaryJson }): string {
  const cell = (label: string, e: ErrorSummaryJson | undefined): string[] => (e ? [`${label} MAPE ${formatPct(e.mape)}, p90 ${formatPct(e.p90_ape)}, worst ${formatPct(e.worst_ape)} (n=${e.count})`] : []);
  return `modelled SM clock against NVML's: ${[...cell('back to back', c.back_to_back), ...cell('serving', c.serving)].join('; ')}`;
}

function verdict(pass: boolean | null): string {
  return pass === null ? 'NOT VALIDATED (no held-out points)' : pass ? 'PASS' : 'FAIL';
}

export function formatValidation(r: ValidationReport): string {
  const s = r.summary;
  const lines = [
    `held-out validation on ${s.gpu} (${s.hardware}); perf: ${s.perf_provenance}`,
    `training points: forward ${s.train_points.forward}, concurrent ${s.train_points.concurrent}; errors are |predicted − measured| / measured`,
    ...(s.blind_gemm_shapes
      ? [`judged blind to ${s.blind_gemm_shapes.models.join(', ')}'s GEMM shapes: ${s.blind_gemm_shapes.dropped.length > 0 ? s.blind_gemm_shapes.dropped.join(', ') : 'none'} taken out of the kernel table`]
      : []),
    ...section('forward', s.forward),
    ...section('concurrent decode', s.concurrent_decode),
    ...section('concurrent prefill', s.concurrent_prefill),
    ...regimeTable(r),
    ...(s.clock_prediction ? [clockPredictionLine(s.clock_prediction)] : []),
  ];
  if (s.forward_excluded.length > 0) lines.push(`excluded forwards (ran outside their SMs, %smid check): ${s.forward_excluded.join(', ')}`);
  if ((s.forward_harness_only ?? []).length > 0) lines.push(`left out, harness-only shape (ragged decode contexts: one SDPA call per length, not one paged kernel): ${s.forward_harness_only.length} forwards`);
  if (s.concurrent_excluded.length > 0) lines.push(`excluded (a side left its partition, %smid check): ${s.concurrent_excluded.join(', ')}`);
  lines.push(`forward MAPE ${formatPct(s.forward.overall.mape)} (target ≤ ${formatPct(s.targets.forward_mape)}): ${verdict(s.pass.forward)}`);
  lines.push(`concurrent decode MAPE ${formatPct(s.concurrent_decode.overall.mape)} (target ≤ ${formatPct(s.targets.concurrent_decode_mape)}): ${verdict(s.pass.concurrent_decode)}`);
  // Older reports (before issue 11) carry only the two verdicts above.
  if (s.pass.forward_every_sm_count !== undefined) {
    lines.push(`forward at every SM count: MAPE ≤ ${formatPct(s.targets.forward_mape)} and p90 ≤ ${formatPct(s.targets.forward_p90)}: ${verdict(s.pass.forward_every_sm_count)}`);
    lines.push(`concurrent prefill MAPE ${formatPct(s.concurrent_prefill.overall.mape)} (target ≤ ${formatPct(s.targets.concurrent_prefill_mape)}): ${verdict(s.pass.concurrent_prefill)}`);
    lines.push(`clock regimes MAPE (target ≤ ${formatPct(s.targets.clock_mape)}): ${verdict(s.pass.clock)}`);
  }
  return lines.join('\n') + '\n';
}

/** Held-out errors by regime: MAPE, p90, worst, and the worst SM count of each. */
function regimeTable(r: ValidationReport): string[] {
  const regimes = r.summary.regimes ?? {};
  const rows = Object.entries(regimes);
  if (rows.length === 0) return [];
  const out = [`${'by regime'.padEnd(30)} ${HEADER}   signed  worst SM count (MAPE, signed)`];
  for (const [name, g] of rows) {
    if (!g) continue;
    const worstSm = Object.entries(g.by_sm_count).sort((a, b) => b[1].mape - a[1].mape)[0];
    const worst = worstSm ? `${worstSm[0]} (${formatPct(worstSm[1].mape)}${worstSm[1].mean_signed_error === undefined ? '' : `, ${signedCell(worstSm[1])}`})` : '';
    out.push(`  ${name.padEnd(28)} ${errorCells(g.overall)}  ${signedCell(g.overall).padStart(7)}  ${worst}`);
  }
  if (r.summary.unseen_models.length > 0) out.push(`  unseen (never fitted): ${r.summary.unseen_models.join(', ')}`);
  return out;
}

const MIN_RANKED_US = 10;

export function formatQuality(q: KernelQualityReport, worst: number): string {
  const lines = [`kernel quality on ${q.gpu}: achieved rate over the ceiling measured at the same SM count`];
  lines.push(`${'class'.padEnd(13)} ${'n'.padStart(4)}  median fraction of binding ceiling  failed checks`);
  for (const [c, s] of Object.entries(q.by_class)) lines.push(`${c.padEnd(13)} ${String(s.count).padStart(4)}  ${formatPct(s.median_bound_fraction).padStart(33)}  ${s.failed_checks}`);
  // Kernels of a few µs are launch latency, not bandwidth or FLOPs: ranking them says nothing.
  const ranked = q.kernels.filter((k) => k.median_us >= MIN_RANKED_US).sort((a, b) => Math.max(a.compute_fraction, a.memory_fraction) - Math.max(b.compute_fraction, b.memory_fraction) || (a.id < b.id ? -1 : 1));
  lines.push(`lowest ${Math.min(worst, ranked.length)} kernels of ≥ ${MIN_RANKED_US} µs:`);
  for (const k of ranked.slice(0, worst)) {
    lines.push(
      `  ${k.id.padEnd(44)} ${k.median_us.toFixed(1).padStart(9)} µs ${k.tflops_per_s.toFixed(1).padStart(7)} TFLOP/s (${formatPct(k.compute_fraction)}) ${k.gbytes_per_s.toFixed(0).padStart(6)} GB/s (${formatPct(k.memory_fraction)}) ${k.bound}-bound`,
    );
  }
  if (q.torch.length > 0) {
    lines.push('attention vs PyTorch (whole GPU; speed-up = torch / ours):');
    for (const t of q.torch) {
      const ours = t.ours_us === null ? '–' : `${t.ours_us.toFixed(1)} µs`;
      const theirs = t.torch_us === null ? '–' : `${t.torch_us.toFixed(1)} µs`;
      const speedup = t.speedup === null ? '' : `${t.speedup.toFixed(2)}×`;
      lines.push(`  ${t.shape.padEnd(18)} ${t.baseline.padEnd(16)} ours ${ours.padStart(11)}  torch ${theirs.padStart(11)}  ${speedup.padStart(6)} ${t.note}`);
    }
  }
  return lines.join('\n') + '\n';
}

/** Per-class tails (OpEfficiency.tailUs) as one phrase, or null when the section has one shared tail. */
function classTails(perf: PerfSpec): string | null {
  if (!OP_CLASSES.some((c) => perf.efficiency[c].tailUs !== undefined)) return null;
  const own = OP_CLASSES.filter((c) => perf.efficiency[c].tailUs !== undefined);
  const rest = OP_CLASSES.length > own.length ? `, other classes ${perf.kernelFloorUs} µs` : '';
  return `${own.map((c) => `${c} ${perf.efficiency[c].tailUs} µs`).join(', ')}${rest}`;
}
