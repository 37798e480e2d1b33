import { isCollection, type Node } from 'yaml';
import { OP_CLASSES, PARTITION_SIDES, REMAINDER_OP_CLASSES, type PartitionSide, type RemainderOpsTable, type ClockPowerSpec, type ClockRegimeSpec, type CurvePoint, type GemmKernelShape, type GemmKernelTable, type OpClass, type OpEfficiency, type PerfSpec } from '../hardware/hardware-spec.js';
import { reportAt, type YamlData } from '../input/yaml-document.js';
import { NON_NEGATIVE, POSITIVE, type NumberRule } from '../input/number-rule.js';
import { childField, readMap, readNumber, readSeq, readString } from '../input/yaml-fields.js';

const PERF_KEYS = {
  required: ['provenance', 'computeFlopsPerS', 'bandwidthBytesPerS', 'efficiency', 'kernelFloorUs', 'contention'],
  optional: ['clockRegime', 'kernelRule', 'ridgeExponent', 'bandwidthModel', 'bandwidthScale', 'gemmRowTile', 'gemmSmallRowTile', 'gemmWaveBlend', 'gemmColTile', 'attnWaveBlend', 'attnRowTile', 'gemmKernels', 'gemmTilesFromRows', 'remainderOps'],
} as const;
/** A clock regime moves compute time by tens of percent at most (the H200's clock spans 1.4–1.98 GHz). */
const CLOCK_SCALE: NumberRule = { min: 0.5, max: 2, why: 'a clock regime scales compute time by at most 2x either way' };

/**
 * An efficiency is an operator class's achieved rate over the reference GEMM's (hardware-spec.ts). Above 1
 * is possible — a large LM-head GEMV streams HBM faster than the decode GEMM that W(S) was measured with
 * (configs/hardware/probes) — but more than 1.5 is a typo or a unit slip.
 */
const EFFICIENCY: NumberRule = { min: 0, minExclusive: true, max: 1.5, why: 'efficiencies are fractions of Π(S) or W(S)' };

/** What the curves are checked against: the GPU's SM count and its datasheet peaks. */
export interface PerfLimits {
  readonly smCount: number | undefined;
  readonly peakFlopsPerS: number | undefined;
  readonly peakBytesPerS: number | undefined;
}

/**
 * Reads a `perf:` or `calibrated:` section (same shape). Curves must be sorted by SM count, with SM counts
 * inside the GPU and values positive, never above the datasheet peak and never falling as SMs are added:
 * the latency model interpolates them (sim/latency/curve.ts) and a falling Π or W would make a bigger
 * partition slower. Measured points that dip (noise) belong smoothed before they go in (see
 * calibrate/gemm-probe-seed.ts).
 */
export function readPerf(data: YamlData, node: Node | null, field: string, limits: PerfLimits): PerfSpec | undefined {
  const m = readMap(data, node, field, PERF_KEYS);
  if (m === undefined) return undefined;
  const provenance = m.string('provenance');
  const compute = m.read('computeFlopsPerS', (n, f) => readCurve(data, n, f, limits.smCount, limits.peakFlopsPerS, 'peakBf16FlopsPerS'));
  const bandwidth = m.read('bandwidthBytesPerS', (n, f) => readCurve(data, n, f, limits.smCount, limits.peakBytesPerS, 'hbmBandwidthBytesPerS'));
  const efficiency = m.read('efficiency', (n, f) => readEfficiency(data, n, f));
  const kernelFloorUs = m.number('kernelFloorUs', POSITIVE);
  const kernelRule = m.has('kernelRule') ? m.choice('kernelRule', ['floor', 'tail'] as const) : 'floor';
  // A ridge exponent of 1 adds compute and memory time; 100 is indistinguishable from the plain max.
  const ridgeExponent = m.has('ridgeExponent') ? m.number('ridgeExponent', { min: 1, max: 100, why: 'the ridge exponent q combines times as (c^q + m^q)^(1/q), 1 ≤ q ≤ 100' }) : null;
  const rowTile = m.has('gemmRowTile') ? m.number('gemmRowTile', { integer: true, min: 1, max: 1024, why: 'a GEMM row tile is 1–1024 tokens' }) : null;
  const smallTile = m.has('gemmSmallRowTile') ? m.number('gemmSmallRowTile', { integer: true, min: 1, max: 1024, why: 'a GEMM row tile is 1–1024 tokens' }) : null;
  const waveBlend = m.has('gemmWaveBlend') ? m.number('gemmWaveBlend', { min: 0, max: 1, why: 'the wave blend k is 0 (no wave term) to 1 (whole waves)' }) : null;
  const colTile = m.has('gemmColTile') ? m.number('gemmColTile', { integer: true, min: 1, max: 1024, why: 'a GEMM column tile is 1–1024 columns' }) : null;
  const attnWaveBlend = m.has('attnWaveBlend') ? m.number('attnWaveBlend', { min: 0, max: 1, why: 'the wave blend k is 0 (no wave term) to 1 (whole waves)' }) : null;
  const attnRowTile = m.has('attnRowTile') ? m.number('attnRowTile', { integer: true, min: 1, max: 1024, why: 'an attention block is 1–1024 query rows' }) : null;
  const bwNode = m.has('bandwidthModel') ? m.read('bandwidthModel', (n, f) => readMap(data, n, f, { required: ['perSmBytesPerS', 'maxBytesPerS', 'knee'] })) : null;
  const bandwidthModel =
    bwNode === null
      ? null
      : bwNode === undefined
        ? undefined
        : {
            perSmBytesPerS: bwNode.number('perSmBytesPerS', { ...POSITIVE, max: limits.peakBytesPerS, why: limits.peakBytesPerS === undefined ? undefined : `hbmBandwidthBytesPerS is ${limits.peakBytesPerS}` }),
            maxBytesPerS: bwNode.number('maxBytesPerS', { ...POSITIVE, max: limits.peakBytesPerS, why: limits.peakBytesPerS === undefined ? undefined : `hbmBandwidthBytesPerS is ${limits.peakBytesPerS}` }),
            knee: bwNode.number('knee', { min: 0.5, max: 50, why: 'the knee sharpness is fitted in [1, 20]' }),
          };
  const bandwidthScale = m.has('bandwidthScale') ? m.read('bandwidthScale', (n, f) => readCurve(data, n, f, limits.smCount, undefined, '', BANDWIDTH_SCALE)) : null;
  const contention = m.read('contention', (n, f) => readContention(data, n, f));
  const gemmKernels = m.has('gemmKernels') ? m.read('gemmKernels', (n, f) => readGemmKernels(data, n, f)) : null;
  const tilesFrom = m.has('gemmTilesFromRows') ? m.number('gemmTilesFromRows', ROW_COUNT) : null;
  if (tilesFrom !== null && tilesFrom !== undefined && !(gemmKernels && gemmKernels.shapes.some((sh) => sh.tiles))) {
    reportAt(data, m.node('gemmTilesFromRows'), childField(field, 'gemmTilesFromRows'), 'tiles-without-table', 'gemmTilesFromRows prices GEMMs on the tiles gemmKernels records; this section records none');
  }
  const remainderOps = m.has('remainderOps') ? m.read('remainderOps', (n, f) => readRemainderOps(data, n, f)) : null;
  const clock = m.has('clockRegime')
    ? m.read('clockRegime', (n, f) => readMap(data, n, f, { required: ['backToBackComputeScale', 'servingComputeScale'], optional: ['servingFromSms', 'power'] }))
    : null;
  const power = clock?.has('power') ? clock.read('power', (n, f) => readClockPower(data, n, f, limits.smCount)) : null;
  const clockRegime =
    clock === null
      ? null
      : clock === undefined
        ? undefined
        : {
            backToBackComputeScale: clock.number('backToBackComputeScale', CLOCK_SCALE),
            servingComputeScale: clock.number('servingComputeScale', CLOCK_SCALE),
            ...(clock.has('servingFromSms')
              ? {
                  servingFromSms: clock.number('servingFromSms', {
                    integer: true,
                    min: 0,
                    ...(limits.smCount !== undefined ? { max: limits.smCount - 1, why: `the onset is a partition smaller than the ${limits.smCount} SMs of the whole GPU` } : {}),
                  }),
                }
              : {}),
            ...(power ? { power } : {}),
          };
  // A per-class tail replaces the added tail; under the 'floor' rule nothing would read it, so it is refused, not ignored.
  if (efficiency && kernelRule === 'floor') {
    const withTail = OP_CLASSES.find((c) => efficiency[c].tailUs !== undefined);
    if (withTail) reportAt(data, nodeIn(m.node('efficiency'), [withTail, 'tailUs']), childField(childField(childField(field, 'efficiency'), withTail), 'tailUs'), 'tail-without-tail-rule', 'tailUs is the added per-call time of `kernelRule: tail`; this section has no such rule');
  }
  if ([provenance, compute, bandwidth, efficiency, kernelFloorUs, contention, clockRegime, kernelRule, ridgeExponent, bandwidthModel, bandwidthScale, rowTile, smallTile, waveBlend, colTile, attnWaveBlend, attnRowTile, gemmKernels, tilesFrom, remainderOps].some((v) => v === undefined)) return undefined;
  if (bandwidthModel && Object.values(bandwidthModel).some((v) => v === undefined)) return undefined;
  if (power === undefined) return undefined;
  if (clockRegime && (clockRegime.backToBackComputeScale === undefined || clockRegime.servingComputeScale === undefined || ('servingFromSms' in clockRegime && clockRegime.servingFromSms === undefined))) return undefined;
  return {
    provenance: provenance!,
    computeFlopsPerS: compute!,
    bandwidthBytesPerS: bandwidth!,
    efficiency: efficiency!,
    kernelFloorUs: kernelFloorUs!,
    ...(kernelRule === 'tail' ? { kernelRule: 'tail' as const } : {}),
    ...(ridgeExponent !== null ? { ridgeExponent: ridgeExponent! } : {}),
    ...(rowTile !== null ? { gemmRowTile: rowTile! } : {}),
    ...(smallTile !== null ? { gemmSmallRowTile: smallTile! } : {}),
    ...(waveBlend !== null ? { gemmWaveBlend: waveBlend! } : {}),
    ...(colTile !== null ? { gemmColTile: colTile! } : {}),
    ...(attnWaveBlend !== null ? { attnWaveBlend: attnWaveBlend! } : {}),
    ...(attnRowTile !== null ? { attnRowTile: attnRowTile! } : {}),
    ...(bandwidthModel ? { bandwidthModel: bandwidthModel as { perSmBytesPerS: number; maxBytesPerS: number; knee: number } } : {}),
    ...(bandwidthScale ? { bandwidthScale } : {}),
    ...(gemmKernels ? { gemmKernels } : {}),
    ...(tilesFrom !== null ? { gemmTilesFromRows: tilesFrom! } : {}),
    ...(remainderOps ? { remainderOps } : {}),
    contention: contention!,
    ...(clockRegime ? { clockRegime: clockRegime as ClockRegimeSpec } : {}),
  };
}

/** clockRegime.power (ClockPowerSpec): every field present and physical; undefined after a reported problem. */
function readClockPower(data: YamlData, node: Node | null, field: string, smCount: number | undefined): ClockPowerSpec | undefined {
  const p = readMap(data, node, field, { required: ['maxClockMhz', 'allComputeBoundMhz', 'fixedPowerShare', 'memoryBoundPowerRatio', 'referenceComputeShare', 'servingDecodeSteps'], optional: ['trainingClockMhz', 'clockSensitivity'] });
  if (p === undefined) return undefined;
  const CLOCK_MHZ: NumberRule = { min: 100, max: 5000, why: 'an SM clock in MHz (a Hopper runs 345–1,980)' };
  // Clocks fall as SMs are added (the power cap): read as a factor-like curve, which may fall, then held under the maximum.
  const training = p.has('trainingClockMhz') ? p.read('trainingClockMhz', (n, f) => readCurve(data, n, f, smCount, undefined, '', CLOCK_MHZ)) : null;
  const sensitivity = p.has('clockSensitivity') ? p.number('clockSensitivity', { min: 0.05, max: 1.5, why: 'α: compute-bound time moves as (clock ratio)^α, a fraction of the ratio or a little more' }) : null;
  if (sensitivity !== null && sensitivity !== undefined && training === null) {
    reportAt(data, p.node('clockSensitivity'), childField(field, 'clockSensitivity'), 'sensitivity-without-training-clocks', 'clockSensitivity scales the clock of a clock-aware fit; this section has no trainingClockMhz');
    return undefined;
  }
  const v = {
    maxClockMhz: p.number('maxClockMhz', CLOCK_MHZ),
    allComputeBoundMhz: p.number('allComputeBoundMhz', CLOCK_MHZ),
    fixedPowerShare: p.number('fixedPowerShare', { min: 0, max: 10, why: 'the clock-bound power outside the SMs, as a share of all SMs compute-bound' }),
    memoryBoundPowerRatio: p.number('memoryBoundPowerRatio', { min: 0, max: 1.5, why: "a memory-bound SM's power over a compute-bound one's" }),
    referenceComputeShare: p.number('referenceComputeShare', { min: 0, max: 1, why: 'a share of time' }),
    servingDecodeSteps: p.number('servingDecodeSteps', { integer: true, min: 0, max: 1024, why: 'decode steps between two prefills' }),
  };
  if (Object.values(v).some((x) => x === undefined) || training === undefined || sensitivity === undefined) return undefined;
  if (v.allComputeBoundMhz! > v.maxClockMhz!) {
    reportAt(data, p.node('allComputeBoundMhz'), childField(field, 'allComputeBoundMhz'), 'clock-above-max', `the capped clock (${v.allComputeBoundMhz} MHz) cannot exceed maxClockMhz (${v.maxClockMhz})`);
    return undefined;
  }
  const above = training ? training.findIndex((pt) => pt.value > v.maxClockMhz!) : -1;
  if (training && above >= 0) {
    const f = childField(childField(field, 'trainingClockMhz'), above);
    reportAt(data, nodeIn(p.node('trainingClockMhz'), [above, 'value']), childField(f, 'value'), 'clock-above-max', `a training forward's clock (${training[above].value} MHz) cannot exceed maxClockMhz (${v.maxClockMhz})`);
    return undefined;
  }
  return { ...(v as ClockPowerSpec), ...(training ? { trainingClockMhz: training } : {}), ...(sensitivity !== null ? { clockSensitivity: sensitivity } : {}) };
}

/**
 * `bandwidthScale` (PerfSpec): a factor on the memory rates per SM count. Forwards stream within a few
 * percent of the fitted W(S); a factor beyond 0.5–2 is a wrong curve, not a partition's topology. Unlike Π
 * and W it may fall between SM counts (the fit keeps W(S) times it from falling), so it is not checked for that.
 */
const BANDWIDTH_SCALE: NumberRule = { min: 0.5, max: 2, why: 'a per-SM-count bandwidth factor is within 0.5–2' };

function readCurve(
  data: YamlData,
  node: Node | null,
  field: string,
  smCount: number | undefined,
  peak: number | undefined,
  peakKey: string,
  factorRule?: NumberRule,
): CurvePoint[] | undefined {
  const items = readSeq(data, node, field);
  if (items === undefined) return undefined;
  const smRule: NumberRule = { integer: true, min: 1, max: smCount, why: smCount === undefined ? undefined : `the GPU has ${smCount} SMs` };
  const valueRule: NumberRule = factorRule ?? { ...POSITIVE, max: peak, why: peak === undefined ? undefined : `${peakKey} is ${peak}` };
  const points: { point: CurvePoint; smNode: Node | null; valueNode: Node | null }[] = [];
  let complete = true;
  items.forEach((item, i) => {
    const f = childField(field, i);
    const p = readMap(data, item, f, { required: ['smCount', 'value'] });
    const sm = p?.number('smCount', smRule);
    const value = p?.number('value', valueRule);
    if (p === undefined || sm === undefined || value === undefined) complete = false;
    else points.push({ point: { smCount: sm, value }, smNode: p.node('smCount'), valueNode: p.node('value') });
  });
  if (!complete) return undefined;
  let ordered = true;
  for (let i = 1; i < points.length; i++) {
    const prev = points[i - 1].point;
    const cur = points[i].point;
    const f = childField(field, i);
    if (cur.smCount <= prev.smCount) {
      ordered = false;
      reportAt(data, points[i].smNode, childField(f, 'smCount'), 'unsorted-curve', `SM counts must rise strictly: ${cur.smCount} follows ${prev.smCount}`);
    } else if (cur.value < prev.value && factorRule === undefined) {
      ordered = false;
      reportAt(
        data,
        points[i].valueNode,
        childField(f, 'value'),
        'non-monotone-curve',
        `value falls from ${prev.value} at ${prev.smCount} SMs to ${cur.value} at ${cur.smCount} SMs; a curve over SM count must not fall`,
      );
    }
  }
  return ordered ? points.map((p) => p.point) : undefined;
}

function readEfficiency(data: YamlData, node: Node | null, field: string): Record<OpClass, OpEfficiency> | undefined {
  const classes = readMap(data, node, field, { required: OP_CLASSES });
  if (classes === undefined) return undefined;
  const out: Partial<Record<OpClass, OpEfficiency>> = {};
  for (const op of OP_CLASSES) {
    const e = classes.read(op, (n, f) => readMap(data, n, f, { required: ['compute', 'memory'], optional: ['memorySlope', 'cachedPrefixCompute', 'tailUs'] }));
    const compute = e?.number('compute', EFFICIENCY);
    const memory = e?.number('memory', EFFICIENCY);
    const slope = e?.has('memorySlope') ? e.number('memorySlope', { min: 0.05, max: 5, why: 'a per-SM bandwidth slope factor (fitted in [0.1, 3])' }) : null;
    const cached = e?.has('cachedPrefixCompute') ? e.number('cachedPrefixCompute', EFFICIENCY) : null;
    const tail = e?.has('tailUs') ? e.number('tailUs', { min: 0.05, max: 200, why: 'a per-call fixed time in µs (fitted in [0.1, 100])' }) : null;
    if (compute !== undefined && memory !== undefined && slope !== undefined && cached !== undefined && tail !== undefined) {
      out[op] = {
        compute,
        memory,
        ...(slope === null ? {} : { memorySlope: slope }),
        ...(cached === null ? {} : { cachedPrefixCompute: cached }),
        ...(tail === null ? {} : { tailUs: tail }),
      };
    }
  }
  return OP_CLASSES.every((op) => out[op] !== undefined) ? (out as Record<OpClass, OpEfficiency>) : undefined;
}

const SHARED_KEYS = ['computeByPower', 'computeByBandwidth', 'memoryByPower', 'memoryByBandwidth'] as const;
/** The tensor-rate term's two coefficients (SharedContention.computeByTensor / memoryByTensor): both or neither. */
const TENSOR_KEYS = ['computeByTensor', 'memoryByTensor'] as const;
const POWER_SHARES = ['compute-bound', 'busy-sms', 'tensor-rate'] as const;
const EXPOSURES = ['full', 'compute-bound-share'] as const;
const BANDWIDTH_EXPOSURES = ['full', 'own-capacity'] as const;

function readContention(data: YamlData, node: Node | null, field: string): PerfSpec['contention'] | undefined {
  const c = readMap(data, node, field, { required: ['memory', 'compute'], optional: ['shared'] });
  const memory = c?.number('memory', NON_NEGATIVE);
  const compute = c?.number('compute', NON_NEGATIVE);
  if (c === undefined || memory === undefined || compute === undefined) return undefined;
  if (!c.has('shared')) return { memory, compute };
  const sh = c.read('shared', (n, f) => readMap(data, n, f, { required: SHARED_KEYS, optional: ['powerShare', 'exposure', 'bandwidthExposure', ...TENSOR_KEYS] }));
  if (sh === undefined) return undefined;
  const v = SHARED_KEYS.map((k) => sh.number(k, NON_NEGATIVE));
  const power = sh.has('powerShare') ? sh.choice('powerShare', POWER_SHARES) : 'compute-bound';
  const exposure = sh.has('exposure') ? sh.choice('exposure', EXPOSURES) : 'full';
  const bandwidthExposure = sh.has('bandwidthExposure') ? sh.choice('bandwidthExposure', BANDWIDTH_EXPOSURES) : 'full';
  const tensor = TENSOR_KEYS.map((k) => (sh.has(k) ? sh.number(k, NON_NEGATIVE) : null));
  const [lone] = TENSOR_KEYS.filter((_, i) => tensor[i] === null && tensor[1 - i] !== null);
  if (lone !== undefined) {
    const given = TENSOR_KEYS.find((k) => k !== lone) as string;
    reportAt(data, sh.node(given), childField(childField(field, 'shared'), given), 'tensor-term-half', `the tensor-rate term takes both computeByTensor and memoryByTensor; ${lone} is missing`);
    return undefined;
  }
  if (v.some((x) => x === undefined) || tensor.some((x) => x === undefined) || power === undefined || exposure === undefined || bandwidthExposure === undefined) return undefined;
  return {
    memory,
    compute,
    shared: {
      ...(power !== 'compute-bound' ? { powerShare: power } : {}),
      ...(exposure === 'compute-bound-share' ? { exposure } : {}),
      ...(bandwidthExposure === 'own-capacity' ? { bandwidthExposure } : {}),
      computeByPower: v[0]!,
      computeByBandwidth: v[1]!,
      memoryByPower: v[2]!,
      memoryByBandwidth: v[3]!,
      ...(tensor[0] !== null && tensor[1] !== null ? { computeByTensor: tensor[0], memoryByTensor: tensor[1] } : {}),
    },
  };
}

const ROW_COUNT: NumberRule = { integer: true, min: 1, max: 1 << 24, why: 'a token count of one GEMM' };
const DIMENSION: NumberRule = { integer: true, min: 1, max: 1 << 20, why: 'a weight dimension' };
const TIME_SCALE: NumberRule = { min: 0.25, max: 4, why: "cuBLAS's time over the roofline's for one GEMM, relative to its shapes' median" };

/**
 * `gemmKernels` (GemmKernelTable): recorded rows ascending without repeats, each shape listed once, and a
 * shape's clustered rows drawn from the recorded ones (a share is only defined where cuBLAS was observed).
 */
function readGemmKernels(data: YamlData, node: Node | null, field: string): GemmKernelTable | undefined {
  const m = readMap(data, node, field, { required: ['source', 'remainderMaxCtas', 'rows', 'shapes'], optional: ['remainderSmsDrawn'] });
  if (m === undefined) return undefined;
  const source = m.string('source');
  const maxCtas = m.number('remainderMaxCtas', { integer: true, min: 1, max: 16, why: 'a thread-block cluster has 1–16 CTAs' });
  const rows = m.read('rows', (n, f) => readRows(data, n, f, null));
  if (rows === undefined) return undefined;
  const recorded = new Set(rows);
  const shapes = m.read('shapes', (n, f) => {
    const items = readSeq(data, n, f);
    if (items === undefined) return undefined;
    const out: GemmKernelShape[] = [];
    const seen = new Map<string, number>();
    let complete = true;
    items.forEach((item, i) => {
      const sf = childField(f, i);
      const sh = readMap(data, item, sf, { required: ['dIn', 'dOut', 'clusteredRows'], optional: ['tiles', 'timeScale'] });
      const dIn = sh?.number('dIn', DIMENSION);
      const dOut = sh?.number('dOut', DIMENSION);
      const clustered = sh?.read('clusteredRows', (cn, cf) => readRows(data, cn, cf, recorded));
      const tiles = sh?.has('tiles') ? sh.read('tiles', (tn, tf) => readTiles(data, tn, tf, rows.length)) : null;
      const timeScale = sh?.has('timeScale') ? sh.read('timeScale', (tn, tf) => readTimeScale(data, tn, tf, rows.length)) : null;
      if (sh === undefined || dIn === undefined || dOut === undefined || clustered === undefined || tiles === undefined || timeScale === undefined) {
        complete = false;
        return;
      }
      const key = `${dIn}x${dOut}`;
      if (seen.has(key)) {
        reportAt(data, sh.node('dOut'), childField(sf, 'dOut'), 'duplicate-shape', `the shape ${dIn} x ${dOut} is listed twice (also at ${childField(f, seen.get(key) as number)})`);
        complete = false;
        return;
      }
      seen.set(key, i);
      out.push({ dIn, dOut, clusteredRows: clustered, ...(tiles ? { tiles } : {}), ...(timeScale ? { timeScale } : {}) });
    });
    // readSeq has refused an empty list already.
    return complete ? out : undefined;
  });
  const drawn = m.has('remainderSmsDrawn') ? m.read('remainderSmsDrawn', (n, f) => readRemainderSmsDrawn(data, n, f)) : null;
  if (source === undefined || maxCtas === undefined || shapes === undefined || drawn === undefined) return undefined;
  return { source, remainderMaxCtas: maxCtas, rows, shapes, ...(drawn ? { remainderSmsDrawn: drawn } : {}) };
}

/** SMs of a GPC remainder drawn: a Hopper's remainder is 12 SMs, no GPC has more than 18. */
const REMAINDER_SMS: NumberRule = { min: 0, max: 64, why: 'SMs of the GPC remainder an operator draws' };

/** `remainderSmsDrawn` (GemmKernelTable, RemainderOpsTable per class): per side, a curve over SM counts (rising SM counts; the value may fall). */
function readRemainderSmsDrawn(data: YamlData, node: Node | null, field: string): GemmKernelTable['remainderSmsDrawn'] | undefined {
  const m = readMap(data, node, field, { required: [], optional: PARTITION_SIDES });
  if (m === undefined) return undefined;
  const out: { [side in PartitionSide]?: CurvePoint[] } = {};
  let complete = true;
  for (const side of PARTITION_SIDES) {
    if (!m.has(side)) continue;
    const points = m.read(side, (n, f) => readCurve(data, n, f, undefined, undefined, '', REMAINDER_SMS));
    if (points === undefined) complete = false;
    else out[side] = points;
  }
  return complete ? out : undefined;
}

/** `remainderOps` (RemainderOpsTable): a source and, per operator class it names, the remainder SMs drawn per side. */
function readRemainderOps(data: YamlData, node: Node | null, field: string): RemainderOpsTable | undefined {
  const m = readMap(data, node, field, { required: ['source', 'remainderSmsDrawn'], optional: [] });
  if (m === undefined) return undefined;
  const source = m.string('source');
  const drawn = m.read('remainderSmsDrawn', (n, f) => {
    const byClass = readMap(data, n, f, { required: [], optional: REMAINDER_OP_CLASSES });
    if (byClass === undefined) return undefined;
    const out: { -readonly [c in keyof RemainderOpsTable['remainderSmsDrawn']]: RemainderOpsTable['remainderSmsDrawn'][c] } = {};
    let complete = true;
    for (const c of REMAINDER_OP_CLASSES) {
      if (!byClass.has(c)) continue;
      const sides = byClass.read(c, (cn, cf) => readRemainderSmsDrawn(data, cn, cf));
      if (sides === undefined) complete = false;
      else out[c] = sides;
    }
    return complete ? out : undefined;
  });
  if (source === undefined || drawn === undefined) return undefined;
  return { source, remainderSmsDrawn: drawn };
}

/** A shape's time scales: one positive factor per recorded token count, within what a kernel choice can do to a GEMM's time. */
function readTimeScale(data: YamlData, node: Node | null, field: string, count: number): number[] | undefined {
  const items = readSeq(data, node, field);
  if (items === undefined) return undefined;
  if (items.length !== count) {
    reportAt(data, node, field, 'length', `${items.length} time scales for ${count} recorded token counts (one per count in rows)`);
    return undefined;
  }
  const out: number[] = [];
  let complete = true;
  items.forEach((item, i) => {
    const v = readNumber(data, item, childField(field, i), TIME_SCALE);
    if (v === undefined) complete = false;
    else out.push(v);
  });
  return complete ? out : undefined;
}

/** A shape's tiles: one `<dOut tile>x<row tile>` per recorded token count. */
function readTiles(data: YamlData, node: Node | null, field: string, count: number): [number, number][] | undefined {
  const items = readSeq(data, node, field);
  if (items === undefined) return undefined;
  if (items.length !== count) {
    reportAt(data, node, field, 'tiles-count', `one tile per recorded token count: ${count} expected, ${items.length} given`);
    return undefined;
  }
  const out: [number, number][] = [];
  let ok = true;
  items.forEach((item, i) => {
    const f = childField(field, i);
    const v = readString(data, item, f);
    const t = v === undefined ? null : /^([1-9]\d{0,3})x([1-9]\d{0,3})$/.exec(v);
    if (!t) {
      if (v !== undefined) reportAt(data, item, f, 'bad-tile', `a tile is <dOut columns>x<token rows>, each 1–9999 (e.g. 128x64), got '${v}'`);
      ok = false;
      return;
    }
    out.push([Number(t[1]), Number(t[2])]);
  });
  return ok ? out : undefined;
}

/** A list of token counts rising strictly; with `allowed`, each must be one of them. */
function readRows(data: YamlData, node: Node | null, field: string, allowed: ReadonlySet<number> | null): number[] | undefined {
  // A shape's clustered rows may be none (cuBLAS never clustered it): that says more than leaving the shape out.
  const items = readSeq(data, node, field, allowed !== null);
  if (items === undefined) return undefined;
  const out: number[] = [];
  let ok = true;
  items.forEach((item, i) => {
    const f = childField(field, i);
    const v = readNumber(data, item, f, ROW_COUNT);
    if (v === undefined) {
      ok = false;
      return;
    }
    if (out.length > 0 && v <= out[out.length - 1]) {
      reportAt(data, item, f, 'unsorted-rows', `token counts must rise strictly: ${v} follows ${out[out.length - 1]}`);
      ok = false;
    } else if (allowed && !allowed.has(v)) {
      reportAt(data, item, f, 'unrecorded-row', `${v} is not one of the recorded token counts (rows)`);
      ok = false;
    }
    out.push(v);
  });
  return ok ? out : undefined;
}

/** The node at `path` under a collection node (for locating a problem on its key's value), else the node itself. */
function nodeIn(node: Node | null, path: readonly (string | number)[]): Node | null {
  if (!isCollection(node)) return node;
  const inner = node.getIn(path, true);
  return inner && typeof inner === 'object' && 'range' in inner ? (inner as Node) : node;
}
