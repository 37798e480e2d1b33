import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadWorkload } from '../../sim/workload/load-workload.js';
/**
 * The bundled Azure conversation trace tiled `copies` times back to back (each copy starts a second after
 * the previous one's last arrival), written as duetsim JSONL into `dir`; returns the file's path.
 */
export function tiledTrace(dir, copies) {
    const base = loadWorkload({ trace: 'azure-conv', seed: 0 });
    const spanUs = base[base.length - 1].arrivalUs + 1e6;
    const lines = ['{"format":"duetsim-trace","version":1}'];
    for (let c = 0; c < copies; c++) {
        for (const r of base)
            lines.push(JSON.stringify({ arrival_ms: (c * spanUs + r.arrivalUs) / 1000, prompt_tokens: r.promptTokens, output_tokens: r.outputTokens }));
    }
    const path = join(dir, `azure-conv-x${copies}.jsonl`);
    writeFileSync(path, lines.join('\n') + '\n');
    return path;
}
