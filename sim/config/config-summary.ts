import { parameterCount, weightBytes, type ModelSpec } from '../model/model-spec.js';
import type { HardwareConfig } from './load-hardware.js';

/** What `duetsim list models` shows of one model (also its --json row). */
export interface ModelSummary {
  readonly name: string;
  readonly parameterCount: number;
  readonly weightBytes: number;
  readonly numLayers: number;
  readonly hiddenSize: number;
  readonly numQHeads: number;
  readonly numKvHeads: number;
  readonly dtypeBytes: number;
  readonly source: string;
}

export function summarizeModel(m: ModelSpec): ModelSummary {
  return {
    name: m.name,
    parameterCount: parameterCount(m),
    weightBytes: weightBytes(m),
    numLayers: m.numLayers,
    hiddenSize: m.hiddenSize,
    numQHeads: m.numQHeads,
    numKvHeads: m.numKvHeads,
    dtypeBytes: m.dtypeBytes,
    source: m.source,
  };
}

/** What `duetsim list hardware` shows of one GPU (also its --json row). */
export interface HardwareSummary {
  readonly name: string;
  readonly smCount: number;
  readonly peakBf16FlopsPerS: number;
  readonly hbmBandwidthBytesPerS: number;
  readonly hbmCapacityBytes: number;
  /** 'calibrated' when the YAML has a calibrated: section (used by default), else 'seed'. */
  readonly perf: 'calibrated' | 'seed';
  readonly provenance: string;
}

export function summarizeHardware(c: HardwareConfig): HardwareSummary {
  const hw = c.seed;
  return {
    name: hw.name,
    smCount: hw.smCount,
    peakBf16FlopsPerS: hw.peakBf16FlopsPerS,
    hbmBandwidthBytesPerS: hw.hbmBandwidthBytesPerS,
    hbmCapacityBytes: hw.hbmCapacityBytes,
    perf: c.calibrated === null ? 'seed' : 'calibrated',
    provenance: (c.calibrated ?? hw.perf).provenance,
  };
}
