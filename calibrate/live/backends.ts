import type { ModelSpec } from '../../sim/model/model-spec.js';
import type { HardwareSpec } from '../../sim/hardware/hardware-spec.js';
import { loadAddon } from '../native.js';
import type { LiveHeader } from './live-header.js';
import { openFakeSession } from './fake-session.js';
import type { LiveSession } from './live-session.js';

export interface LiveBackendContext {
  readonly model: ModelSpec;
  readonly hw: HardwareSpec;
  readonly onProgress: (line: string) => void;
}

/** One way to open a session (live-session.ts); `LIVE_BACKENDS` is the registry `serve-gpu --backend` picks from. */
export interface LiveBackend {
  readonly doc: string;
  /** Whether steps really run on a GPU (sleeping through idle gaps only makes sense then). */
  readonly realGpu: boolean;
  open(header: LiveHeader, ctx: LiveBackendContext): LiveSession;
}

export const LIVE_BACKENDS: Readonly<Record<string, LiveBackend>> = {
  gpu: {
    doc: "this machine's GPU through the CUDA addon (npm run build:native)",
    realGpu: true,
    open: (header, ctx) => loadAddon().openLive(JSON.stringify(header), ctx.onProgress),
  },
  fake: {
    doc: "no GPU: every step takes the latency model's own time (the loop's check: a fake live run equals the simulation)",
    realGpu: false,
    open: (header, ctx) => openFakeSession(header, ctx.model, ctx.hw),
  },
};
