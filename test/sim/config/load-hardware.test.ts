import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadHardware, loadHardwareConfig, parseHardwareYaml } from '../../../sim/config/load-hardware.js';
import { listBundled, readConfig } from '../../../sim/config/config-files.js';
import { OP_CLASSES } from '../../../sim/hardware/hardware-spec.js';
import { expectInputError as expectConfigError } from '../../util/expect-input-error.js';
import { lineOf } from '../../util/config-fixtures.js';

const FILE = 'gpu.yaml';
// The seed part of the bundled file: everything before a calibrated: section written by calibrate fit.
const H200_TEXT = readConfig('hardware', 'h200').text;
const H200 = H200_TEXT.includes('\ncalibrated:') ? H200_TEXT.slice(0, H200_TEXT.indexOf('\ncalibrated:') + 1) : H200_TEXT;


/** The h200 file with its perf section also written as a calibrated section, changed by `edit`. */
function withCalibrated(edit: (section: string) => string): string {
  const perf = H200.slice(H200.indexOf('\nperf:\n'));
  const section = perf.replace('\nperf:\n', '\ncalibrated:\n').replace(/provenance: >-\n(\s+.*\n)+?(?=\s+#|\s+computeFlopsPerS)/, 'provenance: calibrated from test data\n');
  return H200 + edit(section);
}

test('every bundled GPU loads with sorted, non-decreasing curves ending at the whole GPU', () => {
  assert.ok(listBundled('hardware').length > 0);
  for (const name of listBundled('hardware')) {
    const hw = loadHardware(name, { useCalibration: false });
    assert.equal(hw.name, name);
    for (const curve of [hw.perf.computeFlopsPerS, hw.perf.bandwidthBytesPerS]) {
      assert.equal(curve[curve.length - 1].smCount, hw.smCount, `${name}: last point is the whole GPU`);
      curve.forEach((p, i) => i > 0 && assert.ok(p.smCount > curve[i - 1].smCount && p.value >= curve[i - 1].value));
    }
    assert.deepEqual(Object.keys(hw.perf.efficiency).sort(), [...OP_CLASSES].sort());
    assert.match(hw.perf.provenance, /^seed/);
    assert.ok(Object.isFrozen(hw.perf.computeFlopsPerS[0]) && Object.isFrozen(hw.overheads));
  }
});

test('the H200 seed carries the probe: 796 TFLOP/s and 3.498 TB/s whole-GPU, contention 0.615 / 0.480', () => {
  const h200 = loadHardware('h200', { useCalibration: false });
  assert.equal(h200.perf.computeFlopsPerS.at(-1)?.value, 796e12);
  assert.equal(h200.perf.bandwidthBytesPerS.at(-1)?.value, 3.498e12);
  assert.deepEqual(h200.perf.contention, { memory: 0.615, compute: 0.48 });
  assert.deepEqual(h200.partition, { mechanism: 'green-context', granularitySms: 8, minSms: 8 });
  // h100-sxm: same Π, W scaled by the datasheet ratio 3.35/4.8 (to the 4 digits the YAML keeps).
  const h100 = loadHardware('h100-sxm', { useCalibration: false });
  assert.deepEqual(h100.perf.computeFlopsPerS, h200.perf.computeFlopsPerS);
  h100.perf.bandwidthBytesPerS.forEach((p, i) => {
    const want = (h200.perf.bandwidthBytesPerS[i].value * 3.35) / 4.8;
    assert.ok(Math.abs(p.value / want - 1) < 1e-3, `W(${p.smCount})`);
  });
  const a100 = loadHardware('a100-80g', { useCalibration: false });
  assert.deepEqual(a100.perf.computeFlopsPerS, [{ smCount: 108, value: 0.75 * 312e12 }]);
  assert.equal(a100.partition.granularitySms, 2);
});

test('a calibrated section replaces perf, unless calibration is switched off', () => {
  const text = withCalibrated((s) => s.replace('kernelFloorUs: 0.95', 'kernelFloorUs: 2.5'));
  const config = parseHardwareYaml(text, FILE);
  assert.equal(config.seed.perf.kernelFloorUs, 0.95);
  assert.equal(config.calibrated?.kernelFloorUs, 2.5);
  assert.equal(config.calibrated?.provenance, 'calibrated from test data');
  const dir = mkdtempSync(join(tmpdir(), 'duetsim-hw-'));
  writeFileSync(join(dir, 'h200-calibrated.yaml'), text);
  const calibrated = loadHardware('h200-calibrated.yaml', { cwd: dir });
  assert.equal(calibrated.perf.kernelFloorUs, 2.5);
  assert.equal(calibrated.smCount, 132);
  assert.ok(Object.isFrozen(calibrated));
  assert.equal(loadHardware('h200-calibrated.yaml', { cwd: dir, useCalibration: false }).perf.kernelFloorUs, 0.95);
  assert.equal(loadHardwareConfig(join(dir, 'h200-calibrated.yaml')).calibrated?.kernelFloorUs, 2.5);
  // Without a calibrated section the seed is what there is.
  assert.equal(loadHardwareConfig('a100-80g').calibrated, null);
});

test('an unsorted curve names the point that breaks the order', () => {
  const text = H200.replace('- { smCount: 16, value: 1.100e+14 }', '- { smCount: 4, value: 1.100e+14 }');
  expectConfigError(() => parseHardwareYaml(text, FILE), [
    { code: 'unsorted-curve', file: FILE, line: lineOf(text, 'smCount: 4,'), field: 'perf.computeFlopsPerS[1].smCount' },
  ]);
});

test('a curve that falls as SMs are added is refused at the falling value', () => {
  const text = H200.replace('- { smCount: 72, value: 3.049e+12 }', '- { smCount: 72, value: 2.9e+12 }');
  const [p] = expectConfigError(() => parseHardwareYaml(text, FILE), [
    { code: 'non-monotone-curve', line: lineOf(text, 'value: 2.9e+12'), field: 'perf.bandwidthBytesPerS[8].value' },
  ]);
  assert.match(p.message, /falls from 3049000000000 at 64 SMs to 2900000000000 at 72 SMs/);
});

test('a bandwidthScale may fall between SM counts but must stay within 0.5–2', () => {
  const scale = (v: string) => H200.replace('  kernelFloorUs: 0.95', `  bandwidthScale:\n    - { smCount: 64, value: 1.05 }\n    - { smCount: 96, value: ${v} }\n  kernelFloorUs: 0.95`);
  assert.deepEqual(parseHardwareYaml(scale('0.98'), FILE).seed.perf.bandwidthScale, [
    { smCount: 64, value: 1.05 },
    { smCount: 96, value: 0.98 },
  ]);
  const text = scale('3');
  const [p] = expectConfigError(() => parseHardwareYaml(text, FILE), [{ code: 'out-of-range', line: lineOf(text, 'value: 3 }'), field: 'perf.bandwidthScale[1].value' }]);
  assert.match(p.message, /0\.5–2/);
});

test('gemmWaveBlend and gemmColTile are read; a blend outside 0–1 is out of range', () => {
  const wave = (k: string) => H200.replace('  kernelFloorUs: 0.95', `  gemmWaveBlend: ${k}\n  gemmColTile: 256\n  kernelFloorUs: 0.95`);
  const p0 = parseHardwareYaml(wave('0.5'), FILE).seed.perf;
  assert.equal(p0.gemmWaveBlend, 0.5);
  assert.equal(p0.gemmColTile, 256);
  const text = wave('1.5');
  expectConfigError(() => parseHardwareYaml(text, FILE), [{ code: 'out-of-range', line: lineOf(text, 'gemmWaveBlend: 1.5'), field: 'perf.gemmWaveBlend' }]);
});

test('SM counts outside the GPU and values above the datasheet peak are out of range', () => {
  const text = H200.replace('- { smCount: 132, value: 7.960e+14 }', '- { smCount: 140, value: 9.960e+14 }');
  const [a, b] = expectConfigError(() => parseHardwareYaml(text, FILE), [
    { code: 'out-of-range', line: lineOf(text, 'smCount: 140'), field: 'perf.computeFlopsPerS[16].smCount' },
    { code: 'out-of-range', line: lineOf(text, 'smCount: 140'), field: 'perf.computeFlopsPerS[16].value' },
  ]);
  assert.match(a.message, /the GPU has 132 SMs/);
  assert.match(b.message, /peakBf16FlopsPerS is 989400000000000/);
});

test('efficiencies must lie in (0, 1.5] and every operator class needs one', () => {
  const text = H200.replace('compute: 0.99             # Qwen3', 'compute: 1.6             # Qwen3').replace('memory: 0.90', 'memory: 0.0').replace(/\n {4}lm_head:\n.*\n.*\n/, '\n');
  expectConfigError(() => parseHardwareYaml(text, FILE), [
    { code: 'out-of-range', line: lineOf(text, 'compute: 1.6'), field: 'perf.efficiency.gemm.compute' },
    { code: 'not-positive', line: lineOf(text, 'memory: 0.0'), field: 'perf.efficiency.elementwise.memory' },
    { code: 'missing-key', line: lineOf(text, '  efficiency:') + 1, field: 'perf.efficiency.lm_head' },
  ]);
});

test('negative overheads, a bad partition and a wrong type are all reported in one error', () => {
  const text = H200.replace('samplingUs: 200', 'samplingUs: -5')
    .replace('mechanism: green-context', 'mechanism: mig')
    .replace('minSms: 8', 'minSms: 4')
    .replace('l2Bytes: 62914560', 'l2Bytes: 60MB');
  const problems = expectConfigError(() => parseHardwareYaml(text, FILE), [
    { code: 'negative', line: lineOf(text, 'samplingUs'), field: 'overheads.samplingUs' },
    { code: 'bad-choice', line: lineOf(text, 'mechanism'), field: 'partition.mechanism' },
    { code: 'out-of-range', line: lineOf(text, 'minSms'), field: 'partition.minSms' },
    { code: 'wrong-type', line: lineOf(text, 'l2Bytes'), field: 'l2Bytes' },
  ]);
  assert.equal(problems.length, 4);
});

test('a typo in a nested key lists the valid keys of that section', () => {
  const text = H200.replace('kernelFloorUs: 0.95', 'kernelFloorMs: 0.95');
  const [p] = expectConfigError(() => parseHardwareYaml(text, FILE), [
    { code: 'unknown-key', line: lineOf(text, 'kernelFloorMs'), field: 'perf.kernelFloorMs' },
    { code: 'missing-key', field: 'perf.kernelFloorUs' },
  ]);
  assert.match(p.message, /valid keys here: provenance, computeFlopsPerS, bandwidthBytesPerS, efficiency, kernelFloorUs, contention/);
});

test('problems inside the calibrated section are located under calibrated.*', () => {
  const text = withCalibrated((s) => s.replace('memory: 0.615', 'memory: -0.1'));
  expectConfigError(() => parseHardwareYaml(text, FILE), [
    { code: 'negative', line: lineOf(text, 'memory: -0.1'), field: 'calibrated.contention.memory' },
  ]);
});

test('an unknown bundled GPU lists the bundled ones', () => {
  const [p] = expectConfigError(() => loadHardware('b200'), [{ code: 'unknown-hardware', field: 'hardware' }]);
  assert.ok(p.message.includes(`bundled: ${listBundled('hardware').join(', ')}`), p.message);
});

test('attnWaveBlend and attnRowTile are read; a blend outside 0–1 or a zero row tile is out of range', () => {
  const wave = (k: string, t: string) => H200.replace('  kernelFloorUs: 0.95', `  attnWaveBlend: ${k}\n  attnRowTile: ${t}\n  kernelFloorUs: 0.95`);
  const p0 = parseHardwareYaml(wave('1', '64'), FILE).seed.perf;
  assert.equal(p0.attnWaveBlend, 1);
  assert.equal(p0.attnRowTile, 64);
  const blend = wave('1.5', '64');
  expectConfigError(() => parseHardwareYaml(blend, FILE), [{ code: 'out-of-range', line: lineOf(blend, 'attnWaveBlend: 1.5'), field: 'perf.attnWaveBlend' }]);
  const tile = wave('0.5', '0');
  expectConfigError(() => parseHardwareYaml(tile, FILE), [{ code: 'out-of-range', line: lineOf(tile, 'attnRowTile: 0'), field: 'perf.attnRowTile' }]);
});

test('a per-class tailUs is read under the tail rule and refused, located, under the floor rule', () => {
  const withTail = (rule: string) =>
    H200.replace('  kernelFloorUs: 0.95', `  kernelFloorUs: 0.95${rule}`).replace(
      'memory: 0.75              # flash decode',
      'memory: 0.75\n      tailUs: 8.1               # flash decode',
    );
  const tail = parseHardwareYaml(withTail('\n  kernelRule: tail'), FILE).seed.perf;
  assert.equal(tail.efficiency.attn_decode.tailUs, 8.1);
  assert.equal(tail.efficiency.gemm.tailUs, undefined);
  const floor = withTail('');
  const [p] = expectConfigError(() => parseHardwareYaml(floor, FILE), [{ code: 'tail-without-tail-rule', line: lineOf(floor, 'tailUs: 8.1'), field: 'perf.efficiency.attn_decode.tailUs' }]);
  assert.match(p.message, /kernelRule: tail/);
  const big = withTail('\n  kernelRule: tail').replace('tailUs: 8.1', 'tailUs: 500');
  expectConfigError(() => parseHardwareYaml(big, FILE), [{ code: 'out-of-range', line: lineOf(big, 'tailUs: 500'), field: 'perf.efficiency.attn_decode.tailUs' }]);
});

test('gemmKernels is read as a table and its mistakes are refused, located', () => {
  const table = (body: string) =>
    withCalibrated((section) => section.replace('  efficiency:\n', `  gemmKernels:\n    source: test\n${body}  efficiency:\n`));
  const good = table('    remainderMaxCtas: 2\n    rows: [1, 64, 128]\n    shapes:\n      - { dIn: 4096, dOut: 6144, clusteredRows: [1, 64] }\n');
  assert.deepEqual(parseHardwareYaml(good, FILE).calibrated?.gemmKernels, {
    source: 'test',
    remainderMaxCtas: 2,
    rows: [1, 64, 128],
    shapes: [{ dIn: 4096, dOut: 6144, clusteredRows: [1, 64] }],
  });
  const unsorted = table('    remainderMaxCtas: 2\n    rows: [1, 128, 64]\n    shapes:\n      - { dIn: 4096, dOut: 6144, clusteredRows: [1] }\n');
  expectConfigError(() => parseHardwareYaml(unsorted, FILE), [{ code: 'unsorted-rows', line: lineOf(unsorted, 'rows: [1, 128, 64]'), field: 'calibrated.gemmKernels.rows[2]' }]);
  const unrecorded = table('    remainderMaxCtas: 2\n    rows: [1, 64]\n    shapes:\n      - { dIn: 4096, dOut: 6144, clusteredRows: [1, 96] }\n');
  expectConfigError(() => parseHardwareYaml(unrecorded, FILE), [{ code: 'unrecorded-row', line: lineOf(unrecorded, 'clusteredRows: [1, 96]'), field: 'calibrated.gemmKernels.shapes[0].clusteredRows[1]' }]);
  const twice = table('    remainderMaxCtas: 2\n    rows: [1]\n    shapes:\n      - { dIn: 8, dOut: 8, clusteredRows: [] }\n      - { dIn: 8, dOut: 8, clusteredRows: [1] }\n');
  expectConfigError(() => parseHardwareYaml(twice, FILE), [{ code: 'duplicate-shape', line: lineOf(twice, 'clusteredRows: [1] }'), field: 'calibrated.gemmKernels.shapes[1].dOut' }]);
  const zero = table('    remainderMaxCtas: 0\n    rows: [1]\n    shapes:\n      - { dIn: 8, dOut: 8, clusteredRows: [] }\n');
  expectConfigError(() => parseHardwareYaml(zero, FILE), [{ line: lineOf(zero, 'remainderMaxCtas: 0'), field: 'calibrated.gemmKernels.remainderMaxCtas' }]);
});

test('gemmKernels tiles: one <columns>x<rows> per recorded count; gemmTilesFromRows needs them', () => {
  const section = (body: string, extra = '') =>
    withCalibrated((sec) => sec.replace('  efficiency:\n', `  gemmKernels:\n    source: test\n    remainderMaxCtas: 2\n    rows: [1, 64]\n    shapes:\n${body}${extra}  efficiency:\n`));
  const good = section('      - { dIn: 8, dOut: 8, clusteredRows: [], tiles: [64x8, 128x64] }\n', '  gemmTilesFromRows: 129\n');
  const perf = parseHardwareYaml(good, FILE).calibrated;
  assert.deepEqual(perf?.gemmKernels?.shapes[0].tiles, [[64, 8], [128, 64]]);
  assert.equal(perf?.gemmTilesFromRows, 129);
  const short = section('      - { dIn: 8, dOut: 8, clusteredRows: [], tiles: [64x8] }\n');
  expectConfigError(() => parseHardwareYaml(short, FILE), [{ code: 'tiles-count', line: lineOf(short, 'tiles: [64x8]'), field: 'calibrated.gemmKernels.shapes[0].tiles' }]);
  const bad = section('      - { dIn: 8, dOut: 8, clusteredRows: [], tiles: [64x8, 128by64] }\n');
  expectConfigError(() => parseHardwareYaml(bad, FILE), [{ code: 'bad-tile', field: 'calibrated.gemmKernels.shapes[0].tiles[1]' }]);
  const orphan = section('      - { dIn: 8, dOut: 8, clusteredRows: [] }\n', '  gemmTilesFromRows: 129\n');
  expectConfigError(() => parseHardwareYaml(orphan, FILE), [{ code: 'tiles-without-table', line: lineOf(orphan, 'gemmTilesFromRows: 129'), field: 'calibrated.gemmTilesFromRows' }]);
});

test("gemmKernels timeScale: one factor per recorded count, each within 0.25-4; a wrong one is refused, located", () => {
  const section = (body: string) =>
    withCalibrated((sec) => sec.replace('  efficiency:\n', `  gemmKernels:\n    source: test\n    remainderMaxCtas: 2\n    rows: [1, 256]\n    shapes:\n${body}  efficiency:\n`));
  const good = section('      - { dIn: 8, dOut: 8, clusteredRows: [], timeScale: [1, 1.29] }\n');
  assert.deepEqual(parseHardwareYaml(good, FILE).calibrated?.gemmKernels?.shapes[0].timeScale, [1, 1.29]);
  const short = section('      - { dIn: 8, dOut: 8, clusteredRows: [], timeScale: [1] }\n');
  expectConfigError(() => parseHardwareYaml(short, FILE), [{ code: 'length', line: lineOf(short, 'timeScale: [1]'), field: 'calibrated.gemmKernels.shapes[0].timeScale' }]);
  const wild = section('      - { dIn: 8, dOut: 8, clusteredRows: [], timeScale: [1, 9] }\n');
  expectConfigError(() => parseHardwareYaml(wild, FILE), [{ line: lineOf(wild, 'timeScale: [1, 9]'), field: 'calibrated.gemmKernels.shapes[0].timeScale[1]' }]);
  const text = section("      - { dIn: 8, dOut: 8, clusteredRows: [], timeScale: [1, '</script>'] }\n");
  expectConfigError(() => parseHardwareYaml(text, FILE), [{ field: 'calibrated.gemmKernels.shapes[0].timeScale[1]' }]);
});

test('gemmKernels remainderSmsDrawn: a curve per side (the value may fall, never below 0); an unknown side or a wrong point is refused, located', () => {
  const section = (drawn: string) =>
    withCalibrated((sec) =>
      sec.replace('  efficiency:\n', `  gemmKernels:\n    source: test\n    remainderMaxCtas: 2\n    rows: [1, 256]\n    shapes:\n      - { dIn: 8, dOut: 8, clusteredRows: [] }\n    remainderSmsDrawn:\n${drawn}  efficiency:\n`),
    );
  const good = section('      first: [ { smCount: 20, value: 5.8 }, { smCount: 36, value: 4.9 } ]\n      last: [ { smCount: 20, value: 11.7 } ]\n');
  assert.deepEqual(parseHardwareYaml(good, FILE).calibrated?.gemmKernels?.remainderSmsDrawn, {
    first: [{ smCount: 20, value: 5.8 }, { smCount: 36, value: 4.9 }],
    last: [{ smCount: 20, value: 11.7 }],
  });
  const one = section('      last: [ { smCount: 20, value: 11.7 } ]\n');
  assert.deepEqual(parseHardwareYaml(one, FILE).calibrated?.gemmKernels?.remainderSmsDrawn, { last: [{ smCount: 20, value: 11.7 }] });
  const side = section('      middle: [ { smCount: 20, value: 1 } ]\n');
  expectConfigError(() => parseHardwareYaml(side, FILE), [{ line: lineOf(side, 'middle:'), field: 'calibrated.gemmKernels.remainderSmsDrawn.middle' }]);
  const negative = section('      first: [ { smCount: 20, value: -1 } ]\n');
  expectConfigError(() => parseHardwareYaml(negative, FILE), [{ line: lineOf(negative, 'value: -1'), field: 'calibrated.gemmKernels.remainderSmsDrawn.first[0].value' }]);
  const unsorted = section('      first: [ { smCount: 36, value: 4 }, { smCount: 20, value: 5 } ]\n');
  expectConfigError(() => parseHardwareYaml(unsorted, FILE), [{ code: 'unsorted-curve', field: 'calibrated.gemmKernels.remainderSmsDrawn.first[1].smCount' }]);
});

test('remainderOps: a source and, per operator class, the remainder SMs drawn per side; an unknown class or side, a wrong point or no source is refused, located', () => {
  const section = (body: string) => withCalibrated((sec) => sec.replace('  efficiency:\n', `  remainderOps:\n${body}  efficiency:\n`));
  const good = section('    source: "remainder-ops runs"\n    remainderSmsDrawn:\n      attn_decode:\n        first: [ { smCount: 20, value: 8.7 }, { smCount: 36, value: 10 } ]\n        last: [ { smCount: 20, value: 12 } ]\n      elementwise:\n        first: [ { smCount: 20, value: 11 } ]\n');
  assert.deepEqual(parseHardwareYaml(good, FILE).calibrated?.remainderOps, {
    source: 'remainder-ops runs',
    remainderSmsDrawn: { attn_decode: { first: [{ smCount: 20, value: 8.7 }, { smCount: 36, value: 10 }], last: [{ smCount: 20, value: 12 }] }, elementwise: { first: [{ smCount: 20, value: 11 }] } },
  });
  const gemm = section('    source: x\n    remainderSmsDrawn:\n      gemm:\n        first: [ { smCount: 20, value: 1 } ]\n');
  expectConfigError(() => parseHardwareYaml(gemm, FILE), [{ line: lineOf(gemm, '      gemm:'), field: 'calibrated.remainderOps.remainderSmsDrawn.gemm' }]);
  const side = section('    source: x\n    remainderSmsDrawn:\n      attn_decode:\n        middle: [ { smCount: 20, value: 1 } ]\n');
  expectConfigError(() => parseHardwareYaml(side, FILE), [{ line: lineOf(side, 'middle:'), field: 'calibrated.remainderOps.remainderSmsDrawn.attn_decode.middle' }]);
  const negative = section('    source: x\n    remainderSmsDrawn:\n      elementwise:\n        last: [ { smCount: 20, value: -2 } ]\n');
  expectConfigError(() => parseHardwareYaml(negative, FILE), [{ line: lineOf(negative, 'value: -2'), field: 'calibrated.remainderOps.remainderSmsDrawn.elementwise.last[0].value' }]);
  const nameless = section('    remainderSmsDrawn:\n      elementwise:\n        last: [ { smCount: 20, value: 2 } ]\n');
  expectConfigError(() => parseHardwareYaml(nameless, FILE), [{ field: 'calibrated.remainderOps.source' }]);
});

// The three choices of the shared-resource contention form: each default is left out of the parsed spec, the
// other word kept, anything else refused at its line and field with both words named.
for (const { field, kept, dflt, bad } of [
  { field: 'powerShare', kept: 'busy-sms', dflt: 'compute-bound', bad: 'watts' },
  { field: 'powerShare', kept: 'tensor-rate', dflt: 'compute-bound', bad: 'watts' },
  { field: 'exposure', kept: 'compute-bound-share', dflt: 'full', bad: 'some' },
  { field: 'bandwidthExposure', kept: 'own-capacity', dflt: 'full', bad: 'half' },
] as const) {
  test(`contention.shared.${field} is read ('${kept}' kept, '${dflt}' the default left out); another word is refused, located`, () => {
    const shared = (line: string) =>
      withCalibrated((section) =>
        section.replace(
          '    compute: 0.480              # fitted on the five prefill samples above\n',
          `    compute: 0.480\n    shared:\n${line}      computeByPower: 0.9\n      computeByBandwidth: 0\n      memoryByPower: 0.78\n      memoryByBandwidth: 2\n`,
        ),
      );
    const got = parseHardwareYaml(shared(`      ${field}: ${kept}\n`), FILE).calibrated?.contention.shared;
    assert.deepEqual(got, { [field]: kept, computeByPower: 0.9, computeByBandwidth: 0, memoryByPower: 0.78, memoryByBandwidth: 2 });
    assert.equal(parseHardwareYaml(shared(`      ${field}: ${dflt}\n`), FILE).calibrated?.contention.shared?.[field], undefined);
    assert.equal(parseHardwareYaml(shared(''), FILE).calibrated?.contention.shared?.[field], undefined);
    const text = shared(`      ${field}: ${bad}\n`);
    const [p] = expectConfigError(() => parseHardwareYaml(text, FILE), [{ line: lineOf(text, `${field}: ${bad}`), field: `calibrated.contention.shared.${field}` }]);
    assert.match(p.message, new RegExp(`${dflt}.*${kept}|${kept}.*${dflt}`));
  });
}

test('clockRegime.servingFromSms is read as a whole number of SMs below the whole GPU; another is refused, located', () => {
  const clock = (onset: string) =>
    withCalibrated((section) => `${section.replace(/\n*$/, '\n')}  clockRegime:\n    backToBackComputeScale: 1.06\n    servingComputeScale: 0.95\n${onset}`);
  assert.deepEqual(parseHardwareYaml(clock('    servingFromSms: 65\n'), FILE).calibrated?.clockRegime, { backToBackComputeScale: 1.06, servingComputeScale: 0.95, servingFromSms: 65 });
  assert.deepEqual(parseHardwareYaml(clock(''), FILE).calibrated?.clockRegime, { backToBackComputeScale: 1.06, servingComputeScale: 0.95 });
  for (const bad of ['servingFromSms: 132', 'servingFromSms: 64.5', 'servingFromSms: -1']) {
    const text = clock(`    ${bad}\n`);
    expectConfigError(() => parseHardwareYaml(text, FILE), [{ line: lineOf(text, bad), field: 'calibrated.clockRegime.servingFromSms' }]);
  }
});

test('clockRegime.power is read whole (every field, physical ranges); a capped clock above the maximum or a missing field is refused, located', () => {
  const clock = (power: string) =>
    withCalibrated((section) => `${section.replace(/\n*$/, '\n')}  clockRegime:\n    backToBackComputeScale: 1.06\n    servingComputeScale: 0.95\n    power:\n${power}`);
  const full = '      maxClockMhz: 1980\n      allComputeBoundMhz: 1400\n      fixedPowerShare: 0.35\n      memoryBoundPowerRatio: 0.55\n      referenceComputeShare: 0.86\n      servingDecodeSteps: 4\n';
  assert.deepEqual(parseHardwareYaml(clock(full), FILE).calibrated?.clockRegime?.power, { maxClockMhz: 1980, allComputeBoundMhz: 1400, fixedPowerShare: 0.35, memoryBoundPowerRatio: 0.55, referenceComputeShare: 0.86, servingDecodeSteps: 4 });
  const above = clock(full.replace('allComputeBoundMhz: 1400', 'allComputeBoundMhz: 2100'));
  expectConfigError(() => parseHardwareYaml(above, FILE), [{ line: lineOf(above, 'allComputeBoundMhz: 2100'), field: 'calibrated.clockRegime.power.allComputeBoundMhz' }]);
  const steps = clock(full.replace('servingDecodeSteps: 4', 'servingDecodeSteps: 2.5'));
  expectConfigError(() => parseHardwareYaml(steps, FILE), [{ line: lineOf(steps, 'servingDecodeSteps: 2.5'), field: 'calibrated.clockRegime.power.servingDecodeSteps' }]);
  const ratio = clock(full.replace('memoryBoundPowerRatio: 0.55', 'memoryBoundPowerRatio: -0.1'));
  expectConfigError(() => parseHardwareYaml(ratio, FILE), [{ line: lineOf(ratio, 'memoryBoundPowerRatio: -0.1'), field: 'calibrated.clockRegime.power.memoryBoundPowerRatio' }]);
  const missing = clock(full.replace('      fixedPowerShare: 0.35\n', ''));
  const [p] = expectConfigError(() => parseHardwareYaml(missing, FILE), [{ field: 'calibrated.clockRegime.power.fixedPowerShare' }]);
  assert.match(p.message, /fixedPowerShare/);
});

test('clockRegime.power of a clock-aware fit: trainingClockMhz (falling with SM count) and clockSensitivity read; a clock above the maximum, α without training clocks or α out of range refused, located', () => {
  const clock = (power: string) =>
    withCalibrated((section) => `${section.replace(/\n*$/, '\n')}  clockRegime:\n    backToBackComputeScale: 1.06\n    servingComputeScale: 0.95\n    power:\n${power}`);
  const base = '      maxClockMhz: 1980\n      allComputeBoundMhz: 1400\n      fixedPowerShare: 0.35\n      memoryBoundPowerRatio: 0.55\n      referenceComputeShare: 0.86\n      servingDecodeSteps: 4\n';
  const training = '      trainingClockMhz:\n        - { smCount: 64, value: 1980 }\n        - { smCount: 96, value: 1920 }\n        - { smCount: 132, value: 1845 }\n';
  const full = clock(`${base}${training}      clockSensitivity: 0.5\n`);
  assert.deepEqual(parseHardwareYaml(full, FILE).calibrated?.clockRegime?.power, {
    maxClockMhz: 1980, allComputeBoundMhz: 1400, fixedPowerShare: 0.35, memoryBoundPowerRatio: 0.55, referenceComputeShare: 0.86, servingDecodeSteps: 4,
    trainingClockMhz: [{ smCount: 64, value: 1980 }, { smCount: 96, value: 1920 }, { smCount: 132, value: 1845 }],
    clockSensitivity: 0.5,
  });
  const above = clock(`${base}${training.replace('value: 1920', 'value: 2010')}`);
  expectConfigError(() => parseHardwareYaml(above, FILE), [{ line: lineOf(above, 'value: 2010'), field: 'calibrated.clockRegime.power.trainingClockMhz[1].value' }]);
  const orphan = clock(`${base}      clockSensitivity: 0.5\n`);
  expectConfigError(() => parseHardwareYaml(orphan, FILE), [{ line: lineOf(orphan, 'clockSensitivity: 0.5'), field: 'calibrated.clockRegime.power.clockSensitivity' }]);
  const wild = clock(`${base}${training}      clockSensitivity: 3\n`);
  expectConfigError(() => parseHardwareYaml(wild, FILE), [{ line: lineOf(wild, 'clockSensitivity: 3'), field: 'calibrated.clockRegime.power.clockSensitivity' }]);
  const unsorted = clock(`${base}${training.replace('smCount: 96', 'smCount: 140')}`);
  expectConfigError(() => parseHardwareYaml(unsorted, FILE), [{ line: lineOf(unsorted, 'smCount: 140') }]);
});

test('withServingCorrection scales a physics-form calibration\'s saturating W(S) by memoryScale too (it, not the curve, prices memory-bound time there)', async () => {
  const { withServingCorrection } = await import('../../../sim/config/load-hardware.js');
  const perf = loadHardware('h100-sxm').perf;
  assert.ok(perf.bandwidthModel, 'the bundled H100 calibration is in the physics form');
  const c = withServingCorrection(perf, { computeScale: 1, memoryScale: 1.25, contentionCompute: 0, contentionMemory: 0, provenance: 't' });
  assert.equal(c.bandwidthModel!.perSmBytesPerS, perf.bandwidthModel.perSmBytesPerS / 1.25);
  assert.equal(c.bandwidthModel!.maxBytesPerS, perf.bandwidthModel.maxBytesPerS / 1.25);
  assert.equal(c.bandwidthModel!.knee, perf.bandwidthModel.knee);
});

test('contention.shared.computeByTensor / memoryByTensor: both read; one alone refused at its line, naming the other', () => {
  const shared = (lines: string) =>
    withCalibrated((section) =>
      section.replace(
        '    compute: 0.480              # fitted on the five prefill samples above\n',
        `    compute: 0.480\n    shared:\n      powerShare: busy-sms\n      computeByPower: 0.9\n      computeByBandwidth: 0\n      memoryByPower: 0.78\n      memoryByBandwidth: 2\n${lines}`,
      ),
    );
  const both = parseHardwareYaml(shared('      computeByTensor: 0.12\n      memoryByTensor: 0.05\n'), FILE).calibrated?.contention.shared;
  assert.deepEqual(both, { powerShare: 'busy-sms', computeByPower: 0.9, computeByBandwidth: 0, memoryByPower: 0.78, memoryByBandwidth: 2, computeByTensor: 0.12, memoryByTensor: 0.05 });
  assert.equal(parseHardwareYaml(shared(''), FILE).calibrated?.contention.shared?.computeByTensor, undefined);
  const half = shared('      computeByTensor: 0.12\n');
  const [p] = expectConfigError(() => parseHardwareYaml(half, FILE), [{ line: lineOf(half, 'computeByTensor: 0.12'), field: 'calibrated.contention.shared.computeByTensor' }]);
  assert.match(p.message, /memoryByTensor is missing/);
  const negative = shared('      computeByTensor: -0.1\n      memoryByTensor: 0.05\n');
  expectConfigError(() => parseHardwareYaml(negative, FILE), [{ line: lineOf(negative, 'computeByTensor: -0.1'), field: 'calibrated.contention.shared.computeByTensor' }]);
});
