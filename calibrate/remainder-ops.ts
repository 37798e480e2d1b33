import { PARTITION_SIDES, REMAINDER_OP_CLASSES, type CurvePoint, type HardwareSpec, type PartitionSide, type RemainderOpClass, type RemainderOpsTable } from '../sim/hardware/hardware-spec.js';
import { clusterSms } from '../sim/hardware/partition.js';
import { inputError } from '../sim/core/input-error.js';
import type { MeasurementSet, OpRecord } from './measurement.js';
import { checkOtherSide, placeAmong } from './gemm-kernels.js';
import { median } from './error-stats.js';

/*
 * The remainder SMs decode attention and the elementwise ops draw on a partition holding the GPC remainder, per side
 * (RemainderOpsTable), from the remainder-ops plan run on one side of the groups (`calibrate plan --profile
 * remainder-ops`; the reference runner's --partition-side). As `calibrate gemm-kernels` does for narrow GEMMs: each
 * operator timed on a partition holding the remainder is placed among its own times on the whole-group partitions
 * (log time against log SMs), and the SMs that place it at, less the partition's whole groups, is what it drew.
 */

/** One operator class on one partition holding the remainder: how many shapes were placed and where. */
export interface RemainderOpPlacement {
  readonly opClass: RemainderOpClass;
  readonly sms: number;
  /** SMs of the partition's whole groups (S − remainder). */
  readonly groups: number;
  /**
   * Shapes placed among their whole-group times; those that could not be (faster than the largest, slower than the
   * smallest); and those left out as flat (their time falls less than FLAT_RATIO across the whole groups timed: launch-
   * bound calls, whose place among near-equal times noise decides).
   */
  readonly count: number;
  readonly unplaced: number;
  readonly flat: number;
  /** Median over the placed shapes of the whole-group SM count whose time matches; null when none was placed (not in the table). */
  readonly medianEffectiveSms: number | null;
}

/**
 * A shape takes part only if its time on the smallest whole-group partition timed is at least this many times its time on
 * the largest (8 and 40 SMs in the remainder-ops plan, 5x apart): a memory-bound call whose time follows the SMs. A
 * batch-1 decode or a 16-token elementwise call takes about the same few microseconds on any of them.
 */
export const FLAT_RATIO = 2;

export interface RemainderOpsDerivation {
  readonly table: RemainderOpsTable;
  /** The side of the groups the run's partitions took (its meta `partition.side`). */
  readonly side: PartitionSide;
  /** Operator records of the classes the table covers. */
  readonly records: number;
  readonly placements: readonly RemainderOpPlacement[];
}

/** The remainder SMs a placement leaves drawn: its effective SMs less its whole groups', never below 0 or above the remainder. */
function drawnOf(p: RemainderOpPlacement & { readonly medianEffectiveSms: number }): number {
  return Math.round(Math.min(p.sms - p.groups, Math.max(0, p.medianEffectiveSms - p.groups)) * 100) / 100;
}

export function deriveRemainderOps(hw: HardwareSpec, data: MeasurementSet): RemainderOpsDerivation {
  const where = data.files[0]?.path ?? '<data>';
  const classes = new Set<string>(REMAINDER_OP_CLASSES);
  const ops = data.records.filter((r): r is OpRecord => r.kind === 'op' && classes.has(r.shape.op) && r.medianUs > 0);
  // Per class and shape: SM count → median time.
  const byShape = new Map<string, { readonly opClass: RemainderOpClass; readonly bySms: Map<number, number> }>();
  for (const r of ops) {
    const key = JSON.stringify(r.shape);
    let entry = byShape.get(key);
    if (!entry) byShape.set(key, (entry = { opClass: r.shape.op as RemainderOpClass, bySms: new Map() }));
    entry.bySms.set(r.smCount, r.medianUs);
  }
  const effective = new Map<string, { opClass: RemainderOpClass; sms: number; placed: number[]; unplaced: number; flat: number }>();
  for (const { opClass, bySms } of byShape.values()) {
    // Whole-group partitions below the whole GPU, ascending.
    const whole = [...bySms.keys()].filter((s) => s < hw.smCount && clusterSms(hw, s) === s).sort((a, b) => a - b);
    const flat = whole.length < 2 || (bySms.get(whole[0]) as number) < FLAT_RATIO * (bySms.get(whole[whole.length - 1]) as number);
    for (const [sms, us] of bySms) {
      const groups = clusterSms(hw, sms);
      if (groups === sms || groups <= 0) continue;
      const key = `${opClass}@${sms}`;
      let e = effective.get(key);
      if (!e) effective.set(key, (e = { opClass, sms, placed: [], unplaced: 0, flat: 0 }));
      if (flat) {
        e.flat++;
        continue;
      }
      const eff = placeAmong(whole, (s) => bySms.get(s) as number, us);
      if (eff === null) e.unplaced++;
      else e.placed.push(eff);
    }
  }
  const placements: RemainderOpPlacement[] = [...effective.values()]
    .sort((a, b) => REMAINDER_OP_CLASSES.indexOf(a.opClass) - REMAINDER_OP_CLASSES.indexOf(b.opClass) || a.sms - b.sms)
    .map((e) => ({
      opClass: e.opClass,
      sms: e.sms,
      groups: clusterSms(hw, e.sms),
      count: e.placed.length,
      unplaced: e.unplaced,
      flat: e.flat,
      medianEffectiveSms: e.placed.length > 0 ? Math.round(median(e.placed) * 100) / 100 : null,
    }));
  const placed = placements.filter((p): p is RemainderOpPlacement & { readonly medianEffectiveSms: number } => p.medianEffectiveSms !== null);
  if (placed.length === 0) {
    throw inputError(
      'calib.no-remainder-ops',
      where,
      1,
      'records',
      `no decode-attention or elementwise operator was timed on a partition holding the GPC remainder and placed among its own times on whole-group partitions (${ops.length} such records; shapes whose time does not follow the SMs are left out as flat): measure the remainder-ops plan (calibrate plan --profile remainder-ops)`,
    );
  }
  const side = data.meta.partition.side ?? 'first';
  const drawn: { [c in RemainderOpClass]?: { [s in PartitionSide]?: CurvePoint[] } } = {};
  // A partition where no shape could be placed has no point: the class's neighbouring points hold there (formatRemainderOps says so).
  for (const p of placed) ((drawn[p.opClass] ??= {})[side] ??= []).push({ smCount: p.sms, value: drawnOf(p) });
  const m = data.meta;
  const source = `${data.files.map((f) => f.path).join(', ')}: ${m.gpu}, driver ${m.driver}, CUDA ${m.cudaRuntime}, ${m.date} (${m.backend}, ${side} groups)`;
  return { table: { source, remainderSmsDrawn: drawn }, side, records: ops.length, placements };
}

/**
 * The table of `base` with the other side's points from `other` (the same plan run on the other side of the groups).
 * Refused when both runs are of one side or of different GPUs.
 */
export function withOtherSideOps(base: RemainderOpsDerivation, baseData: MeasurementSet, other: RemainderOpsDerivation, otherData: MeasurementSet): RemainderOpsTable {
  checkOtherSide('--remainder-ops', baseData, base.side, otherData, other.side);
  const merged: { [c in RemainderOpClass]?: { [s in PartitionSide]?: readonly CurvePoint[] } } = {};
  for (const c of REMAINDER_OP_CLASSES) {
    const a = base.table.remainderSmsDrawn[c];
    const b = other.table.remainderSmsDrawn[c];
    if (a || b) merged[c] = { ...a, ...b };
  }
  return { source: `${base.table.source}; ${other.table.source}`, remainderSmsDrawn: merged };
}

/** Human-readable summary (the CLI prints it; the JSON carries the same fields). */
export function formatRemainderOps(d: RemainderOpsDerivation): string {
  const lines = [`Remainder ops: ${d.records} decode-attention and elementwise records, ${d.side} groups`, 'class         SMs  groups  placed  unplaced  flat  effective SMs  remainder SMs drawn'];
  for (const p of d.placements) {
    const where = p.medianEffectiveSms === null ? `${'–'.padStart(13)}  ${'none placed: no point'.padStart(19)}` : `${p.medianEffectiveSms.toFixed(1).padStart(13)}  ${drawnOf({ ...p, medianEffectiveSms: p.medianEffectiveSms }).toFixed(1).padStart(19)} of ${p.sms - p.groups}`;
    lines.push(`${p.opClass.padEnd(12)} ${String(p.sms).padStart(4)}  ${String(p.groups).padStart(6)}  ${String(p.count).padStart(6)}  ${String(p.unplaced).padStart(8)}  ${String(p.flat).padStart(4)}  ${where}`);
  }
  lines.push(`(flat: time falls less than ${FLAT_RATIO}x from the smallest to the largest whole-group partition timed, so not placed)`);
  lines.push(`${PARTITION_SIDES.filter((s) => s !== d.side).join(', ')} side: not in this run (calibrate fit --remainder-ops-other-side)`);
  return lines.join('\n') + '\n';
}
