import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseMeasurementFile, parseMeasurementSet } from '../../calibrate/parse-measurements.js';
import { expectInputError } from '../util/expect-input-error.js';

const META = '{"kind":"meta","gpu":"NVIDIA H100 80GB HBM3","sm_count":132,"driver":"580.95","cuda_runtime":"13.0","date":"2026-11-27T03:10:00Z","host":"h","partition":{"min_sms":8,"alignment":8,"groups":[8,8],"remainder":12},"backend":"runner"}';
const GEMM = '{"id":"gemm-n1-4096x6144-s132","kind":"op","op":"gemm","sms":132,"n":1,"d_in":4096,"d_out":6144,"median_us":20,"p10_us":19,"p90_us":21,"reps":10,"check":{"rel_err":0.001,"threshold":0.02,"passed":true}}';
const FWD = '{"id":"fw-a","kind":"forward","model":"qwen3-8b","sms":64,"batch":{"prefills":[{"new":512,"cached":0}],"decodes":[100,200]},"median_us":9000,"p10_us":8900,"p90_us":9100,"reps":10}';

test('a well-formed file parses into typed records with their line', () => {
  const { meta, records } = parseMeasurementFile([META, GEMM, FWD].join('\n') + '\n', 'r.jsonl');
  assert.equal(meta.smCount, 132);
  assert.deepEqual(meta.partition, { minSms: 8, alignment: 8, groups: [8, 8], remainderSms: 12 });
  assert.equal(records.length, 2);
  const fwd = records[1];
  assert.equal(fwd.kind, 'forward');
  if (fwd.kind === 'forward') {
    assert.deepEqual(fwd.batch, { prefills: [{ newTokens: 512, cachedTokens: 0 }], decodeCount: 2, decodeContextTokens: 300 });
    assert.equal(fwd.source.line, 3);
  }
});

test("the meta's partition side reaches every forward of its file; absent, the records carry none (the first groups); a wrong side is refused, located", () => {
  const last = META.replace('"remainder":12}', '"remainder":12,"side":"last"}');
  const { meta, records } = parseMeasurementFile([last, GEMM, FWD].join('\n') + '\n', 'r.jsonl');
  assert.equal(meta.partition.side, 'last');
  const fwd = records[1];
  assert.ok(fwd.kind === 'forward' && fwd.partitionSide === 'last');
  const plain = parseMeasurementFile([META, FWD].join('\n') + '\n', 'r.jsonl').records[0];
  assert.ok(plain.kind === 'forward' && plain.partitionSide === undefined);
  const bad = META.replace('"remainder":12}', '"remainder":12,"side":"middle"}');
  expectInputError(() => parseMeasurementFile([bad, FWD].join('\n') + '\n', 'r.jsonl'), [{ file: 'r.jsonl', line: 1, field: 'partition.side' }]);
});

test('a check whose error was not finite (written as null) still parses, as a failed check', () => {
  const failed = GEMM.replace('"rel_err":0.001,"threshold":0.02,"passed":true', '"rel_err":null,"threshold":0.02,"passed":false');
  const { records } = parseMeasurementFile([META, failed].join('\n'), 'r.jsonl');
  const r = records[0];
  assert.ok(r.kind === 'op' && r.check !== null && Number.isNaN(r.check.relErr) && !r.check.passed);
});

test('a truncated last line is reported at its line, with a hint to resume', () => {
  const text = [META, GEMM, FWD.slice(0, 40)].join('\n');
  const [p] = expectInputError(() => parseMeasurementFile(text, 'r.jsonl'), [{ code: 'calib.bad-json', file: 'r.jsonl', line: 3 }]);
  assert.match(p.message, /truncated last line.*--resume/);
});

test('an unknown record kind names the line and the valid kinds', () => {
  const text = [META, GEMM, '{"id":"x","kind":"torch_sdpa","sms":132}'].join('\n');
  const [p] = expectInputError(() => parseMeasurementFile(text, 'r.jsonl'), [{ code: 'calib.unknown-value', line: 3, field: 'kind' }]);
  assert.match(p.message, /ceiling_gemm, ceiling_bandwidth, op, forward, concurrent/);
});

test('a file without its meta line is refused at line 1', () => {
  expectInputError(() => parseMeasurementFile([GEMM, FWD].join('\n'), 'r.jsonl'), [{ code: 'calib.no-meta', line: 1 }]);
  expectInputError(() => parseMeasurementFile('\n', 'empty.jsonl'), [{ code: 'calib.no-meta', line: 0 }]);
});

test('missing and mistyped fields are all reported together with their key path', () => {
  const bad = '{"id":"g","kind":"op","op":"gemm","sms":132,"n":"1","d_in":4096,"median_us":20,"p10_us":19,"p90_us":21,"reps":10}';
  const badFwd = '{"id":"f","kind":"forward","model":"m","sms":64,"batch":{"prefills":[{"new":0,"cached":0}]},"median_us":1,"p10_us":1,"p90_us":1,"reps":1}';
  const problems = expectInputError(() => parseMeasurementFile([META, bad, badFwd].join('\n'), 'r.jsonl'), [
    { code: 'calib.type', line: 2, field: 'n' },
    { code: 'calib.missing', line: 2, field: 'd_out' },
    { code: 'calib.range', line: 3, field: 'batch.prefills[0].new' },
  ]);
  assert.equal(problems.length, 3);
});

test('an id measured twice across files is refused, pointing at both places', () => {
  const a = { path: 'a.jsonl', text: [META, GEMM].join('\n') };
  const b = { path: 'b.jsonl', text: [META, GEMM].join('\n') };
  const [p] = expectInputError(() => parseMeasurementSet([a, b]), [{ code: 'calib.duplicate-id', file: 'b.jsonl', line: 2 }]);
  assert.match(p.message, /a\.jsonl:2/);
});

test('files from different GPUs cannot be fitted together', () => {
  const other = META.replace('H100 80GB HBM3', 'H200');
  expectInputError(() => parseMeasurementSet([{ path: 'a.jsonl', text: META }, { path: 'b.jsonl', text: other }]), [{ code: 'calib.mixed-gpus', file: 'b.jsonl' }]);
});

test('reference-runner records: continuous pairs and clock regimes are parsed with their fields', async () => {
  const { parseMeasurementFile } = await import('../../calibrate/parse-measurements.js');
  const meta = JSON.stringify({ kind: 'meta', gpu: 'G', sm_count: 132, driver: 'd', cuda_runtime: '13.0', date: 'x', backend: 'torch', partition: { min_sms: 8, alignment: 8, groups: [8], remainder: 12 } });
  const pair = JSON.stringify({
    id: 'cc', kind: 'concurrent', model: 'm', prefill: { sms: 100, batch: { prefills: [{ new: 2048, cached: 0 }] } }, decode: { sms: 32, batch: { decodes: { count: 32, context: 2048 } }, k: 1 },
    method: 'continuous', partner_covered: false, decode_alone_us: 10, decode_concurrent_us: 12, prefill_alone_us: 60, prefill_concurrent_us: 70, decode_smids_ok: true, prefill_smids_ok: true,
  });
  const clock = JSON.stringify({
    id: 'clk', kind: 'clock_regime', model: 'm', sms: 132, batch: { prefills: [{ new: 2048, cached: 0 }] }, interleave: { batch: { decodes: { count: 64, context: 2048 } }, k: 4 }, seconds: 3,
    back_to_back_us: 51000, serving_us: 48000, decode_serving_us: 9900, decode_alone_us: 9800, clock_back_to_back: { sm_clock_mhz: 1515, power_w: 692, samples: 600 }, clock_serving: { sm_clock_mhz: null, power_w: null, samples: 0 }, smids_ok: true,
  });
  const ragged = JSON.stringify({ id: 'fw', kind: 'forward', model: 'm', sms: 132, batch: { decodes: [512, 1024] }, median_us: 1, p10_us: 1, p90_us: 1, reps: 8 });
  // A forward with the clock its replays ran at (reference runner, from 2026-12-06).
  const clocked = JSON.stringify({ ...JSON.parse(ragged), id: 'fw2', clock: { sm_clock_mhz: 1935, power_w: 634.4, samples: 21 } });
  const { records } = parseMeasurementFile([meta, pair, clock, ragged, clocked].join('\n'), 'r.jsonl');
  const p = records[0];
  assert.ok(p.kind === 'concurrent' && p.method === 'continuous' && p.partnerCovered === false);
  const c = records[1];
  assert.ok(c.kind === 'clock_regime');
  assert.equal(c.lookahead, 4);
  assert.equal(c.backToBackClock.smClockMhz, 1515);
  assert.equal(c.servingClock.smClockMhz, null);
  assert.equal(c.interleaveBatch.decodeCount, 64);
  const f = records[2];
  assert.ok(f.kind === 'forward' && f.raggedDecodes);
  assert.equal(f.clock, undefined);
  const fc = records[3];
  assert.ok(fc.kind === 'forward');
  assert.deepEqual(fc.clock, { smClockMhz: 1935, powerW: 634.4 });
  assert.equal(fc.settleS, undefined);
  // Timed after --settle-seconds: the record says how long it replayed first; a negative or non-number one is refused, located.
  const settled = JSON.stringify({ ...JSON.parse(clocked), id: 'fw3', settle_s: 1 });
  const [fs] = parseMeasurementFile([meta, settled].join('\n'), 's.jsonl').records;
  assert.ok(fs.kind === 'forward' && fs.settleS === 1);
  for (const bad of [-1, 'long']) {
    const text = [meta, JSON.stringify({ ...JSON.parse(settled), settle_s: bad })].join('\n');
    expectInputError(() => parseMeasurementFile(text, 's.jsonl'), [{ file: 's.jsonl', line: 2, field: 'settle_s' }]);
  }
  // A clock that is not a number is refused at its line and field, not read as none.
  const badClock = JSON.stringify({ ...JSON.parse(clocked), clock: { sm_clock_mhz: 'fast', power_w: 600 } });
  assert.throws(() => parseMeasurementFile([meta, badClock].join('\n'), 'c.jsonl'), /c\.jsonl:2[\s\S]*clock\.sm_clock_mhz|clock\.sm_clock_mhz[\s\S]*c\.jsonl/);
  // A clock record without its timings is refused at its line and field.
  const broken = JSON.stringify({ ...JSON.parse(clock), serving_us: undefined });
  assert.throws(() => parseMeasurementFile([meta, broken].join('\n'), 'b.jsonl'), /b\.jsonl:2.*serving_us|serving_us[\s\S]*b\.jsonl/);
});

test("continuous pairs keep each lane's NVML clock from spans.<lane>.clock; none where the record has no spans; a bad one is refused, located", async () => {
  const { parseMeasurementFile } = await import('../../calibrate/parse-measurements.js');
  const meta = JSON.stringify({ kind: 'meta', gpu: 'G', sm_count: 132, driver: 'd', cuda_runtime: '13.0', date: 'x', backend: 'torch', partition: { min_sms: 8, alignment: 8, groups: [8], remainder: 12 } });
  const base = {
    id: 'cc', kind: 'concurrent', model: 'm', prefill: { sms: 124, batch: { prefills: [{ new: 4096, cached: 0 }] } }, decode: { sms: 8, batch: { decodes: { count: 64, context: 2048 } }, k: 1 },
    method: 'continuous', partner_covered: true, decode_alone_us: 10, decode_concurrent_us: 14, prefill_alone_us: 60, prefill_concurrent_us: 63, decode_smids_ok: true, prefill_smids_ok: true,
  };
  const spans = {
    decode_beside_prefill: { partner_replays: 5, covered: true, clock: { sm_clock_mhz: 1620, power_w: 692.4, samples: 132 } },
    prefill_beside_decode: { partner_replays: 40, covered: true, clock: { sm_clock_mhz: 1770, power_w: null, samples: 0 } },
  };
  const [withClocks, noSpans, spansNoClock] = parseMeasurementFile(
    [meta, JSON.stringify({ ...base, spans }), JSON.stringify({ ...base, id: 'cc2' }), JSON.stringify({ ...base, id: 'cc3', spans: { decode_beside_prefill: { covered: true } } })].join('\n'),
    'p.jsonl',
  ).records;
  assert.ok(withClocks.kind === 'concurrent' && noSpans.kind === 'concurrent' && spansNoClock.kind === 'concurrent');
  assert.deepEqual(withClocks.decodeClock, { smClockMhz: 1620, powerW: 692.4 });
  assert.deepEqual(withClocks.prefillClock, { smClockMhz: 1770, powerW: null });
  assert.equal(noSpans.decodeClock, undefined);
  assert.equal(noSpans.prefillClock, undefined);
  assert.equal(spansNoClock.decodeClock, undefined);
  const bad = JSON.stringify({ ...base, spans: { ...spans, decode_beside_prefill: { clock: { sm_clock_mhz: -5 } } } });
  expectInputError(() => parseMeasurementFile([meta, bad].join('\n'), 'b.jsonl'), [{ file: 'b.jsonl', line: 2, field: 'spans.decode_beside_prefill.clock.sm_clock_mhz' }]);
});
