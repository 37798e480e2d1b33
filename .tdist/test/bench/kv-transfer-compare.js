import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runScenario } from '../../sim/run/run-scenario.js';
import { benchScenario, useCalibration } from './bench-scenario.js';
/**
 * The KV-transfer table of BENCHMARKS.md "Cluster": configs/clusters/qwen3-8b-1p1d.yaml with each
 * (kvTransfer, interconnect) pair, the whole Azure conversation trace at 16 req/s, same SLOs as the goodput
 * sweep. Prints a Markdown table. Run: `npm run build && node dist/test/bench/kv-transfer-compare.js [--datasheet]`.
 */
const RATE_QPS = 16;
function main(args) {
    const calibrated = useCalibration(args);
    const base = readFileSync(fileURLToPath(new URL('../../../configs/clusters/qwen3-8b-1p1d.yaml', import.meta.url)), 'utf8');
    const dir = mkdtempSync(join(tmpdir(), 'duetsim-kv-'));
    process.stdout.write('| link | kvTransfer | goodput req/s | TBT p99 ms | transfer delay mean / max ms | KV moved GB |\n|---|---|---:|---:|---:|---:|\n');
    for (const link of ['nvlink4', 'infiniband-ndr', 'pcie5-x16']) {
        for (const mode of ['whole', 'layerwise']) {
            const file = join(dir, `${link}-${mode}.yaml`);
            writeFileSync(file, base.replace(/^kvTransfer: .*$/m, `kvTransfer: ${mode}`).replace(/^interconnect: .*$/m, `interconnect: ${link}`));
            const r = runScenario(benchScenario(file, RATE_QPS, calibrated));
            const t = r.config.resolved.cluster.kv_transfers;
            process.stdout.write(`| ${link} | ${mode} | ${r.summary.goodput_rps.toFixed(2)} | ${r.summary.tbt_ms.p99.toFixed(1)} | ${t.delay_ms_mean.toFixed(3)} / ${t.delay_ms_max.toFixed(1)} | ${t.gb.toFixed(0)} |\n`);
        }
    }
}
main(process.argv.slice(2));
