import { parseChoice } from '../flags.js';
import { listBundled } from '../../config/config-files.js';
import { loadModel } from '../../config/load-model.js';
import { loadHardwareConfig } from '../../config/load-hardware.js';
import { summarizeHardware, summarizeModel } from '../../config/config-summary.js';
import { POLICIES } from '../../policy/registry.js';
import { BUNDLED_TRACES } from '../../trace/bundled.js';
const WHAT = ['models', 'hardware', 'policies', 'traces'];
/**
 * `duetsim list models|hardware|policies|traces [--json]`: what can be named on the command line and in
 * study files, one line each (or one JSON object each with --json).
 */
export const list = {
    name: 'list',
    register(program, io) {
        program
            .command('list')
            .description('list the bundled models, GPUs, scheduling policies or traces')
            .argument('<what>', WHAT.join('|'), parseChoice('<what>', WHAT))
            .option('--json', 'print a JSON array instead of a table')
            .action((what, o) => {
            const { rows, table } = catalogue(what);
            io.stdout(o.json ? JSON.stringify(rows, null, 2) + '\n' : formatTable(table));
        });
    },
};
function catalogue(what) {
    switch (what) {
        case 'models': {
            const rows = listBundled('models').map((n) => summarizeModel(loadModel(n)));
            return {
                rows,
                table: rows.map((m) => [
                    m.name,
                    `${(m.parameterCount / 1e9).toFixed(2)} B params`,
                    `${(m.weightBytes / 1e9).toFixed(1)} GB weights`,
                    `${m.numLayers} layers`,
                    `hidden ${m.hiddenSize}`,
                    `${m.numQHeads}/${m.numKvHeads} q/kv heads`,
                ]),
            };
        }
        case 'hardware': {
            const rows = listBundled('hardware').map((n) => summarizeHardware(loadHardwareConfig(n)));
            return {
                rows,
                table: rows.map((h) => [
                    h.name,
                    `${h.smCount} SMs`,
                    `${(h.peakBf16FlopsPerS / 1e12).toFixed(0)} TF bf16`,
                    `${(h.hbmBandwidthBytesPerS / 1e12).toFixed(2)} TB/s`,
                    `${(h.hbmCapacityBytes / 1e9).toFixed(0)} GB HBM`,
                    h.perf,
                ]),
            };
        }
        case 'policies': {
            const rows = Object.entries(POLICIES).map(([name, p]) => ({ name, description: p.description, params: p.params }));
            return { rows, table: rows.map((p) => [p.name, p.description]) };
        }
        case 'traces': {
            const rows = Object.entries(BUNDLED_TRACES).map(([name, t]) => ({ name, ...t }));
            return { rows, table: rows.map((t) => [t.name, t.description]) };
        }
    }
}
/** Columns padded to their widest cell, two spaces apart; the last column is not padded. */
function formatTable(rows) {
    const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => r[i].length))) ?? [];
    return rows.map((r) => r.map((cell, i) => (i < r.length - 1 ? cell.padEnd(widths[i]) : cell)).join('  ')).join('\n') + '\n';
}
