import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { benchScenario, useCalibration } from './bench-scenario.js';
import { DEFAULT_RUNNER, workerPoolExecutor } from '../../sim/study/worker-pool.js';
/**
 * The "Cluster" goodput table of BENCHMARKS.md: on two H100 SXM GPUs, 2× chunked, 2× DuetServe and 1 prefill +
 * 1 decode (configs/clusters/qwen3-{8b,14b}-{2x-chunked,2x-duetserve,1p1d}.yaml), the whole Azure conversation
 * trace rescaled to each rate, judged against TTFT ≤ 2 s and TBT ≤ 50 ms (p99 of each request's gaps).
 * Prints a Markdown table per model. Run: `npm run build && node dist/test/bench/goodput-sweep.js [workers] [--datasheet]`.
 * Wall time goes to stderr; the table is deterministic.
 */
const MODELS = ['qwen3-8b', 'qwen3-14b'];
const CONFIGS = ['2x-chunked', '2x-duetserve', '1p1d'];
const RATES = {
    'qwen3-8b': [4, 8, 12, 16, 20, 24, 28, 32, 36],
    'qwen3-14b': [4, 8, 12, 16, 20, 24, 28],
};
const clusterDir = fileURLToPath(new URL('../../../configs/clusters/', import.meta.url));
async function main(args) {
    const workersArg = args.find((a) => /^\d+$/.test(a));
    const calibrated = useCalibration(args);
    const workers = workersArg === undefined ? availableParallelism() : Number(workersArg);
    const exec = workerPoolExecutor(DEFAULT_RUNNER, workers);
    const t0 = performance.now();
    const jobs = [];
    for (const model of MODELS)
        for (const rate of RATES[model])
            for (const config of CONFIGS)
                jobs.push({ model, config, rate, outcome: exec.run(benchScenario(`${clusterDir}${model}-${config}.yaml`, rate, calibrated)) });
    try {
        for (const model of MODELS) {
            process.stdout.write(`\n${model}, 2 × H100 SXM, azure-conv rescaled; goodput req/s (SLO attainment, TTFT p99 s, TBT p99 ms)\n\n`);
            process.stdout.write(`| rate req/s | ${CONFIGS.join(' | ')} |\n|---|${CONFIGS.map(() => '---').join('|')}|\n`);
            for (const rate of RATES[model]) {
                const cells = [];
                for (const config of CONFIGS) {
                    const s = (await jobs.find((j) => j.model === model && j.config === config && j.rate === rate).outcome).summary;
                    cells.push(`${s.goodput_rps.toFixed(2)} (${(s.slo_attainment * 100).toFixed(1)}%, ${(s.ttft_ms.p99 / 1000).toFixed(2)}, ${s.tbt_ms.p99.toFixed(1)})`);
                }
                process.stdout.write(`| ${rate} | ${cells.join(' | ')} |\n`);
            }
        }
    }
    finally {
        await exec.close();
    }
    process.stderr.write(`${jobs.length} runs in ${((performance.now() - t0) / 1000).toFixed(1)} s on ${workers} workers\n`);
}
await main(process.argv.slice(2));
