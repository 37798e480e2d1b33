import { Document, isMap, isScalar, parseDocument, type Node, type Pair, type Scalar, type YAMLMap, type YAMLSeq } from 'yaml';
import { OP_CLASSES, PARTITION_SIDES, REMAINDER_OP_CLASSES, type PerfSpec } from '../sim/hardware/hardware-spec.js';
import { inputError } from '../sim/core/input-error.js';
import type { FitResiduals } from './fit.js';
import type { MeasurementSet } from './measurement.js';
import { formatPct, type ErrorSummary } from './error-stats.js';

/**
 * Puts a fitted PerfSpec into a hardware YAML as its `calibrated:` section (the shape of `perf:`, which
 * sim/config/load-hardware.ts reads and prefers). The yaml Document API finds where an existing section
 * starts and ends, and builds the new one; only that span of text is replaced (or the section is appended),
 * so every other byte of the file — keys, comments, alignment, number spelling — stays as the user wrote it.
 * The section opens with comments carrying the full provenance: device, driver, CUDA, date, each data file
 * with its SHA-256 and the fit's residuals. Nothing time- or machine-dependent is added, so the same data
 * and the same YAML give byte-identical output.
 */
export function withCalibratedSection(yamlText: string, file: string, perf: PerfSpec, data: MeasurementSet, residuals: FitResiduals): string {
  const doc = parseDocument(yamlText);
  if (doc.errors.length > 0 || !isMap(doc.contents)) {
    throw inputError('calib.hardware-yaml', file, 0, '', 'the hardware YAML does not parse as a mapping; fix it before writing a calibration');
  }
  const section = renderSection(perf, data, residuals);
  const existing = (doc.contents as YAMLMap).items.find((p: Pair) => isScalar(p.key) && p.key.value === 'calibrated');
  if (!existing) return yamlText + (yamlText.endsWith('\n') || yamlText === '' ? '' : '\n') + section;
  const key = existing.key as Scalar;
  const value = existing.value as Node | null;
  const start = (key.range as [number, number, number])[0];
  const end = value?.range ? value.range[2] : (key.range as [number, number, number])[2];
  const rest = yamlText.slice(end);
  return yamlText.slice(0, start) + section + (rest.startsWith('\n') ? rest.slice(1) : rest);
}

/** `calibrated:` and its block, ending in a newline: provenance comments first, curve points one per line. */
function renderSection(perf: PerfSpec, data: MeasurementSet, residuals: FitResiduals): string {
  const doc = new Document({ calibrated: perfToPlain(perf) });
  const section = doc.get('calibrated') as YAMLMap;
  section.items[0].key = Object.assign(doc.createNode('provenance'), { commentBefore: provenanceComment(data, residuals) });
  for (const curve of ['computeFlopsPerS', 'bandwidthBytesPerS', 'bandwidthScale']) {
    const points = section.get(curve) as YAMLSeq<YAMLMap> | undefined;
    if (!points) continue;
    for (const point of points.items) {
      point.flow = true;
      if (curve !== 'bandwidthScale') (point.get('value', true) as Scalar).format = 'EXP';
    }
  }
  // The cluster table: one line per shape, its token counts on one line.
  const clusters = section.get('gemmKernels') as YAMLMap | undefined;
  if (clusters) {
    (clusters.get('rows') as YAMLSeq).flow = true;
    for (const shape of (clusters.get('shapes') as YAMLSeq<YAMLMap>).items) shape.flow = true;
    const drawn = clusters.get('remainderSmsDrawn') as YAMLMap | undefined;
    for (const side of drawn?.items ?? []) (side.value as YAMLSeq).flow = true;
  }
  // The remainder SMs other operators draw: one line per class and side.
  const opsDrawn = (section.get('remainderOps') as YAMLMap | undefined)?.get('remainderSmsDrawn') as YAMLMap | undefined;
  for (const byClass of opsDrawn?.items ?? []) for (const side of (byClass.value as YAMLMap).items) (side.value as YAMLSeq).flow = true;
  return doc.toString({ lineWidth: 0 });
}

function perfToPlain(perf: PerfSpec): Record<string, unknown> {
  return {
    provenance: perf.provenance,
    computeFlopsPerS: perf.computeFlopsPerS.map((p) => ({ smCount: p.smCount, value: p.value })),
    bandwidthBytesPerS: perf.bandwidthBytesPerS.map((p) => ({ smCount: p.smCount, value: p.value })),
    ...(perf.bandwidthModel ? { bandwidthModel: { ...perf.bandwidthModel } } : {}),
    ...(perf.bandwidthScale ? { bandwidthScale: perf.bandwidthScale.map((p) => ({ smCount: p.smCount, value: p.value })) } : {}),
    ...(perf.gemmKernels
      ? {
          gemmKernels: {
            source: perf.gemmKernels.source,
            remainderMaxCtas: perf.gemmKernels.remainderMaxCtas,
            rows: [...perf.gemmKernels.rows],
            shapes: perf.gemmKernels.shapes.map((sh) => ({
              dIn: sh.dIn,
              dOut: sh.dOut,
              clusteredRows: [...sh.clusteredRows],
              ...(sh.tiles ? { tiles: sh.tiles.map(([c, r]) => `${c}x${r}`) } : {}),
              ...(sh.timeScale ? { timeScale: [...sh.timeScale] } : {}),
            })),
            ...(perf.gemmKernels.remainderSmsDrawn
              ? {
                  remainderSmsDrawn: Object.fromEntries(
                    PARTITION_SIDES.flatMap((side) => {
                      const points = perf.gemmKernels?.remainderSmsDrawn?.[side];
                      return points ? [[side, points.map((p) => ({ smCount: p.smCount, value: p.value }))]] : [];
                    }),
                  ),
                }
              : {}),
          },
        }
      : {}),
    ...(perf.gemmTilesFromRows !== undefined ? { gemmTilesFromRows: perf.gemmTilesFromRows } : {}),
    ...(perf.remainderOps
      ? {
          remainderOps: {
            source: perf.remainderOps.source,
            remainderSmsDrawn: Object.fromEntries(
              REMAINDER_OP_CLASSES.flatMap((c) => {
                const sides = perf.remainderOps?.remainderSmsDrawn[c];
                if (!sides) return [];
                return [[c, Object.fromEntries(PARTITION_SIDES.flatMap((side) => (sides[side] ? [[side, sides[side].map((p) => ({ smCount: p.smCount, value: p.value }))]] : [])))]];
              }),
            ),
          },
        }
      : {}),
    efficiency: Object.fromEntries(
      OP_CLASSES.map((c) => {
        const e = perf.efficiency[c];
        return [
          c,
          {
            compute: e.compute,
            memory: e.memory,
            ...(e.memorySlope === undefined ? {} : { memorySlope: e.memorySlope }),
            ...(e.cachedPrefixCompute === undefined ? {} : { cachedPrefixCompute: e.cachedPrefixCompute }),
            ...(e.tailUs === undefined ? {} : { tailUs: e.tailUs }),
          },
        ];
      }),
    ),
    kernelFloorUs: perf.kernelFloorUs,
    ...(perf.kernelRule ? { kernelRule: perf.kernelRule } : {}),
    ...(perf.ridgeExponent !== undefined ? { ridgeExponent: perf.ridgeExponent } : {}),
    ...(perf.gemmRowTile !== undefined ? { gemmRowTile: perf.gemmRowTile } : {}),
    ...(perf.gemmSmallRowTile !== undefined ? { gemmSmallRowTile: perf.gemmSmallRowTile } : {}),
    ...(perf.gemmWaveBlend !== undefined ? { gemmWaveBlend: perf.gemmWaveBlend } : {}),
    ...(perf.gemmColTile !== undefined ? { gemmColTile: perf.gemmColTile } : {}),
    ...(perf.attnWaveBlend !== undefined ? { attnWaveBlend: perf.attnWaveBlend } : {}),
    ...(perf.attnRowTile !== undefined ? { attnRowTile: perf.attnRowTile } : {}),
    contention: {
      memory: perf.contention.memory,
      compute: perf.contention.compute,
      ...(perf.contention.shared ? { shared: { ...perf.contention.shared } } : {}),
    },
    ...(perf.clockRegime ? { clockRegime: { ...perf.clockRegime } } : {}),
  };
}

function line(label: string, s: ErrorSummary): string {
  return ` ${label}: MAPE ${formatPct(s.mape)}, p90 ${formatPct(s.p90Ape)}, worst ${formatPct(s.worstApe)} (n=${s.count})`;
}

function provenanceComment(data: MeasurementSet, res: FitResiduals): string {
  const m = data.meta;
  const out = [
    ' Written by `duetsim calibrate fit --write`; rerun it rather than editing by hand.',
    ` Device: ${m.gpu}, ${m.smCount} SMs, driver ${m.driver}, CUDA runtime ${m.cudaRuntime}, measured ${m.date}${m.host ? ` on ${m.host}` : ''} (${m.backend}).`,
    ` Partition groups: ${m.partition.groups.join(' ')}${m.partition.remainderSms > 0 ? ` + remainder ${m.partition.remainderSms}` : ''} (min ${m.partition.minSms}, alignment ${m.partition.alignment}).`,
    ' Data:',
    ...data.files.map((f) => `   ${f.path} sha256 ${f.sha256}`),
    ' Fit residuals on training points, |predicted − measured| / measured:',
    line('  operators', res.ops),
    ...OP_CLASSES.filter((c) => res.opsByClass[c]).map((c) => line(`    ${c}`, res.opsByClass[c] as ErrorSummary)),
    line('  forward (train)', res.forwardTrain),
    line('  concurrent decode (train)', res.concurrentDecodeTrain),
    line('  concurrent prefill (train)', res.concurrentPrefillTrain),
    ' Held-out accuracy: `duetsim calibrate validate` (calibrate/README.md).',
  ];
  return out.join('\n');
}
