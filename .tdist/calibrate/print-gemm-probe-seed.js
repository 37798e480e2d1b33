import { readFileSync } from 'node:fs';
import { parseGemmProbe, remapSmAxis, seedFromProbe } from './gemm-probe-seed.js';
/**
 * One-off: prints the seed perf curves and contention of a hardware YAML from a GEMM partition probe.
 *   node dist/calibrate/print-gemm-probe-seed.js <probe.txt> [bandwidthScale [targetSmCount granularitySms]]
 * bandwidthScale multiplies W(S) (h100-sxm: 3.35/4.8, the datasheet HBM ratio to the H200). With a target SM
 * count, W(S) is also moved onto that GPU's SM axis (a100-80g: 108 SMs, TPC granularity 2).
 */
const [file, scaleText, targetText, granularityText] = process.argv.slice(2);
if (!file) {
    process.stderr.write('usage: print-gemm-probe-seed <probe.txt> [bandwidthScale [targetSmCount granularitySms]]\n');
    process.exit(2);
}
const scale = scaleText === undefined ? 1 : Number(scaleText);
const probe = parseGemmProbe(readFileSync(file, 'utf8'), file);
const seed = seedFromProbe(probe);
const bandwidth = targetText === undefined ? seed.bandwidthBytesPerS : remapSmAxis(seed.bandwidthBytesPerS, probe.smCount, Number(targetText), Number(granularityText ?? 1));
const curve = (name, points, k) => [`  ${name}:`, ...points.map((p) => `    - { smCount: ${p.smCount}, value: ${(p.value * k).toPrecision(4)} }`)].join('\n');
const samples = (label, list) => list
    .map((s) => `#   ${label} on ${s.runSms} SMs, partner share ${s.partnerShare.toFixed(3)}: ${s.besideMs} ms beside vs ${s.aloneMs.toFixed(3)} ms alone → ×${(s.besideMs / s.aloneMs).toFixed(3)}`)
    .join('\n');
process.stdout.write([
    `# from ${file}${scale === 1 ? '' : `, W(S) scaled by ${scale}`}${targetText === undefined ? '' : ` onto ${targetText} SMs`}`,
    samples('decode', seed.decodeSamples),
    samples('prefill', seed.prefillSamples),
    curve('computeFlopsPerS', seed.computeFlopsPerS, 1),
    curve('bandwidthBytesPerS', bandwidth, scale),
    `  contention: { memory: ${seed.contention.memory.toFixed(3)}, compute: ${seed.contention.compute.toFixed(3)} }`,
    '',
].join('\n'));
