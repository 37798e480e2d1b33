/**
 * `npm run bench`: how fast and how lean a full-trace replay is. Not part of `npm test`.
 *
 * 1. The whole Azure conversation trace (19,366 requests, ~58 min of arrivals) at its native rate,
 *    qwen3-8b on h100-sxm, `chunked`, through the CLI in a fresh process (start-up included), 5 runs,
 *    median wall time → speed as simulated seconds per wall second.
 * 2. Memory as the trace grows: the same trace tiled 1×, 3× and 10× back to back (duetsim JSONL written to a
 *    temp dir), peak RSS of each replay process.
 * Prints a table and writes bench-results.json (machine-readable) to the working directory.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tiledTrace } from './tiled-trace.js';
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const bin = join(root, 'dist/bin/duetsim.js');
const common = ['--model', 'qwen3-8b', '--hw', 'h100-sxm', '--policy', 'chunked', '--quiet', '--json'];
/** One replay in a fresh process under /usr/bin/time for peak RSS (start-up included in the wall time). */
function replayOnce(traceArgs) {
    const t0 = performance.now();
    const r = spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, bin, 'replay', ...traceArgs, ...common], { encoding: 'utf8', maxBuffer: 1 << 26 });
    const wallS = (performance.now() - t0) / 1000;
    if (r.status !== 0)
        throw new Error(`replay failed (${r.status}): ${r.stderr}`);
    const summary = JSON.parse(r.stdout);
    const rssKb = Number(r.stderr.trim().split('\n').pop());
    return { wallS, maxRssMb: rssKb / 1024, simulatedS: summary.duration_s, completed: summary.completed };
}
function median(xs) {
    const s = [...xs].sort((a, b) => a - b);
    return s[Math.floor(s.length / 2)];
}
const hasTime = spawnSync('/usr/bin/time', ['-f', '%M', 'true']).status === 0;
if (!hasTime) {
    console.error('bench: /usr/bin/time is needed for peak memory (Debian package "time")');
    process.exit(1);
}
const runs = [];
for (let i = 0; i < 5; i++)
    runs.push(replayOnce(['--trace', 'azure-conv']));
const wall = median(runs.map((r) => r.wallS));
const simulated = runs[0].simulatedS;
console.log(`azure-conv native rate, chunked, qwen3-8b/h100-sxm: ${runs[0].completed} requests, ${simulated.toFixed(0)} s simulated`);
console.log(`  wall (process start included), 5 runs: ${runs.map((r) => r.wallS.toFixed(3)).join(', ')} s; median ${wall.toFixed(3)} s → ${(simulated / wall).toFixed(0)}× real time`);
const dir = mkdtempSync(join(tmpdir(), 'duetsim-bench-'));
const growth = [];
try {
    for (const copies of [1, 3, 10]) {
        const path = tiledTrace(dir, copies);
        const r = replayOnce(['--trace', path]);
        growth.push({ copies, requests: r.completed, wallS: r.wallS, maxRssMb: r.maxRssMb, speedX: r.simulatedS / r.wallS });
        console.log(`  tiled ${String(copies).padStart(2)}×: ${r.completed} requests, ${r.simulatedS.toFixed(0)} s simulated, wall ${r.wallS.toFixed(2)} s (${(r.simulatedS / r.wallS).toFixed(0)}×), peak RSS ${r.maxRssMb.toFixed(0)} MB`);
    }
}
finally {
    rmSync(dir, { recursive: true, force: true });
}
const out = {
    date: new Date().toISOString(),
    node: process.version,
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    native: { runs: runs.map((r) => r.wallS), median_wall_s: wall, simulated_s: simulated, speed_x: simulated / wall, max_rss_mb: median(runs.map((r) => r.maxRssMb)) },
    growth,
};
writeFileSync('bench-results.json', JSON.stringify(out, null, 2) + '\n');
console.log('wrote bench-results.json');
