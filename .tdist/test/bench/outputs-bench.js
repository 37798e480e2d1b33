/**
 * `npm run bench:outputs`: peak memory of a replay that writes every output at once. Not part of `npm test`.
 *
 * The bundled Azure conversation trace tiled 10× back to back (193,660 requests, ~9.7 h of arrivals; duetsim
 * JSONL in a temp dir), `duetserve` (TBT target 40 ms) on qwen3-8b / h100-sxm, with
 * --out, --requests-csv, --iterations-csv, --emit-schedule and --report all on, in a fresh process under
 * /usr/bin/time. Per-step and per-request outputs are streamed as produced, so peak RSS must stay under
 * the 300 MB bound; the script exits 1 when it does not. Prints the numbers and writes
 * bench-outputs.json to the working directory.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tiledTrace } from './tiled-trace.js';
const PEAK_RSS_BOUND_MB = 300;
const COPIES = 10;
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const bin = join(root, 'dist/bin/duetsim.js');
if (spawnSync('/usr/bin/time', ['-f', '%M', 'true']).status !== 0) {
    console.error('bench: /usr/bin/time is needed for peak memory (Debian package "time")');
    process.exit(1);
}
const dir = mkdtempSync(join(tmpdir(), 'duetsim-bench-outputs-'));
try {
    const trace = tiledTrace(dir, COPIES);
    const outputs = { '--out': 'run.json', '--requests-csv': 'requests.csv', '--iterations-csv': 'iterations.csv', '--emit-schedule': 'schedule.jsonl', '--report': 'report.html' };
    const argv = [bin, 'replay', '--trace', trace, '--model', 'qwen3-8b', '--hw', 'h100-sxm', '--policy', 'duetserve', '--slo-ttft', '2000', '--slo-tbt', '40', '--quiet', '--json',
        ...Object.entries(outputs).flatMap(([flag, file]) => [flag, join(dir, file)])];
    const t0 = performance.now();
    const r = spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, ...argv], { encoding: 'utf8', maxBuffer: 1 << 26 });
    const wallS = (performance.now() - t0) / 1000;
    if (r.status !== 0)
        throw new Error(`replay failed (${r.status}): ${r.stderr}`);
    const summary = JSON.parse(r.stdout);
    const maxRssMb = Number(r.stderr.trim().split('\n').pop()) / 1024;
    const sizesMb = Object.fromEntries(Object.entries(outputs).map(([flag, file]) => [flag, statSync(join(dir, file)).size / 1e6]));
    console.log(`azure-conv tiled ${COPIES}×, duetserve, qwen3-8b/h100-sxm, every output on: ${summary.completed} requests, ${summary.duration_s.toFixed(0)} s simulated`);
    console.log(`  wall ${wallS.toFixed(2)} s, peak RSS ${maxRssMb.toFixed(0)} MB (bound ${PEAK_RSS_BOUND_MB} MB)`);
    console.log(`  outputs: ${Object.entries(sizesMb).map(([f, mb]) => `${f} ${mb.toFixed(1)} MB`).join(', ')}`);
    const out = { date: new Date().toISOString(), node: process.version, cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, copies: COPIES, completed: summary.completed, simulated_s: summary.duration_s, wall_s: wallS, max_rss_mb: maxRssMb, output_mb: sizesMb };
    writeFileSync('bench-outputs.json', JSON.stringify(out, null, 2) + '\n');
    if (maxRssMb >= PEAK_RSS_BOUND_MB) {
        console.error(`peak RSS ${maxRssMb.toFixed(0)} MB is over the ${PEAK_RSS_BOUND_MB} MB bound`);
        process.exitCode = 1;
    }
}
finally {
    rmSync(dir, { recursive: true, force: true });
}
