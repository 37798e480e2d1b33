import { loadAddon } from '../native.js';
import { openFakeSession } from './fake-session.js';
export const LIVE_BACKENDS = {
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
