import { createHash } from 'node:crypto';
import { InputError } from '../sim/core/input-error.js';
import { JsonFields } from '../sim/input/json-fields.js';
import { ProblemList } from '../sim/input/problem-list.js';
import { parseBatch } from './parse-batch.js';
import { PARTITION_SIDES, type PartitionSide } from '../sim/hardware/hardware-spec.js';
import {
  ELEMENTWISE_KINDS,
  RECORD_KINDS,
  type ClockSample,
  type MeasurementMeta,
  type MeasurementRecord,
  type MeasurementSet,
  type OpCheck,
  type OpShape,
  type Timing,
} from './measurement.js';

/**
 * Parses measurement JSONL (one object per line, the first the `meta` line) into typed records.
 * Every problem in a file is collected and reported together with file:line and the field path:
 * a truncated line, an unknown kind, a missing meta line, a missing field.
 */
export function parseMeasurementFile(text: string, file: string): { meta: MeasurementMeta; records: MeasurementRecord[] } {
  const problems = new ProblemList(file);
  const records: MeasurementRecord[] = [];
  let meta: MeasurementMeta | null = null;
  const lines = text.split('\n');
  lines.forEach((raw, i) => {
    const line = i + 1;
    if (raw.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      const truncated = i === lines.length - 1 || (i === lines.length - 2 && lines[lines.length - 1] === '');
      problems.add('calib.bad-json', line, '', `not valid JSON${truncated ? ' (truncated last line: was the run interrupted? rerun with --resume)' : ''}: ${why}`);
      return;
    }
    const f = JsonFields.root(line, value, problems, 'calib.');
    if (!f) return;
    if (meta === null) {
      if (f.obj.kind !== 'meta') {
        problems.add('calib.no-meta', line, 'kind', "the first record must be the 'meta' line (gpu, sm_count, driver, …)");
        // Defaults only, so the records after it are still checked; what an empty meta lacks is not news.
        meta = parseMeta(new JsonFields(line, {}, '', new ProblemList(file), 'calib.'));
        return;
      }
      meta = parseMeta(f);
      return;
    }
    if (f.obj.kind === 'meta') {
      f.fail('kind', 'calib.second-meta', 'a second meta line; one file holds one run');
      return;
    }
    const rec = parseRecord(f, (meta as MeasurementMeta).partition.side);
    if (rec) records.push(rec);
  });
  if (meta === null) problems.add('calib.no-meta', 0, '', 'file has no records (no meta line)');
  problems.throwIfAny();
  return { meta: meta as unknown as MeasurementMeta, records };
}

/**
 * Parses several files of one GPU into one set. Ids must be unique across files (a resumed run skips
 * ids already written); all files must come from GPUs with the same name and SM count.
 */
export function parseMeasurementSet(files: readonly { path: string; text: string }[]): MeasurementSet {
  const problems = new ProblemList('');
  const records: MeasurementRecord[] = [];
  const seen = new Map<string, string>();
  let meta: MeasurementMeta | null = null;
  for (const { path, text } of files) {
    let parsed: ReturnType<typeof parseMeasurementFile>;
    try {
      parsed = parseMeasurementFile(text, path);
    } catch (e) {
      if (e instanceof InputError) {
        for (const p of e.problems) problems.push(p);
        continue;
      }
      throw e;
    }
    if (meta === null) meta = parsed.meta;
    else if (parsed.meta.gpu !== meta.gpu || parsed.meta.smCount !== meta.smCount) {
      problems.push({
        code: 'calib.mixed-gpus',
        file: path,
        line: 1,
        column: 0,
        field: 'gpu',
        message: `measured on '${parsed.meta.gpu}' (${parsed.meta.smCount} SMs) but ${files[0].path} on '${meta.gpu}' (${meta.smCount} SMs); fit one GPU at a time`,
      });
    }
    for (const r of parsed.records) {
      const where = `${r.source.file}:${r.source.line}`;
      const first = seen.get(r.id);
      if (first !== undefined) {
        problems.push({ code: 'calib.duplicate-id', file: r.source.file, line: r.source.line, column: 0, field: 'id', message: `id '${r.id}' already measured at ${first}` });
        continue;
      }
      seen.set(r.id, where);
      records.push(r);
    }
  }
  problems.throwIfAny();
  if (meta === null) throw new InputError([{ code: 'calib.no-data', file: '', line: 0, column: 0, field: '', message: 'no measurement files given' }]);
  return {
    meta,
    files: files.map(({ path, text }) => ({ path, sha256: createHash('sha256').update(text).digest('hex') })),
    records,
  };
}

function parseMeta(f: JsonFields): MeasurementMeta {
  const p = f.child('partition');
  const clocks = f.has('clocks') ? f.child('clocks') : null;
  return {
    gpu: f.str('gpu'),
    smCount: f.int('sm_count', 1),
    driver: f.str('driver'),
    cudaRuntime: f.str('cuda_runtime'),
    date: f.str('date'),
    host: f.has('host') ? f.str('host') : '',
    partition: {
      minSms: p ? p.int('min_sms', 1) : 0,
      alignment: p ? p.int('alignment', 1) : 0,
      groups: p ? p.numbers('groups', { integer: true, min: 1 }) : [],
      remainderSms: p && p.has('remainder') ? p.int('remainder', 0) : 0,
      ...(p && p.has('side') ? { side: p.oneOf('side', PARTITION_SIDES) } : {}),
    },
    backend: f.has('backend') ? f.str('backend') : '',
    smClockMaxMhz: clocks && clocks.has('sm_clock_max_mhz') ? clocks.num('sm_clock_max_mhz', { min: 1 }) : null,
    settings: parseSettings(f.has('settings') ? f.child('settings') : null),
  };
}

/** The meta line's `settings` object: every value a string (duet_runner writes DUET_* variables as they were set). */
function parseSettings(s: JsonFields | null): Readonly<Record<string, string>> {
  const out: Record<string, string> = {};
  if (s) for (const key of Object.keys(s.obj).sort()) out[key] = s.str(key);
  return out;
}

function timing(f: JsonFields): Timing {
  return { medianUs: f.num('median_us', { min: 0 }), p10Us: f.num('p10_us', { min: 0 }), p90Us: f.num('p90_us', { min: 0 }), reps: f.int('reps', 1) };
}

function parseRecord(f: JsonFields, side: PartitionSide | undefined): MeasurementRecord | null {
  const id = f.str('id');
  const kind = f.oneOf('kind', RECORD_KINDS);
  const source = { file: f.file, line: f.line };
  switch (kind) {
    case 'ceiling_gemm':
      return { kind, id, source, smCount: f.int('sms', 1), flops: 2 * f.int('m', 1) * f.int('n', 1) * f.int('k', 1), ...timing(f) };
    case 'ceiling_bandwidth':
      return { kind, id, source, smCount: f.int('sms', 1), bytes: f.int('bytes', 1), ...timing(f) };
    case 'op':
      return { kind, id, source, smCount: f.int('sms', 1), shape: parseOpShape(f), check: f.has('check') ? parseCheck(f) : null, kernels: f.has('kernels') ? kernelNames(f) : null, ...timing(f) };
    case 'forward': {
      const b = f.child('batch');
      const batch = b ? parseBatch(b) : { prefills: [], decodeCount: 0, decodeContextTokens: 0 };
      const decodes = b?.obj.decodes;
      const raggedDecodes = Array.isArray(decodes) && new Set(decodes).size > 1;
      return { kind, id, source, smCount: f.int('sms', 1), model: f.str('model'), batch, smidsOk: f.has('smids_ok') ? f.bool('smids_ok') : null, raggedDecodes, ...(f.has('clock') ? { clock: clockSample(f, 'clock') } : {}), ...(f.has('settle_s') ? { settleS: f.num('settle_s', { min: 0 }) } : {}), ...(side ? { partitionSide: side } : {}), ...timing(f) };
    }
    case 'concurrent': {
      const p = f.child('prefill');
      const d = f.child('decode');
      const pb = p?.child('batch');
      const db = d?.child('batch');
      const empty = { prefills: [], decodeCount: 0, decodeContextTokens: 0 };
      return {
        kind,
        id,
        source,
        model: f.str('model'),
        prefillSmCount: p ? p.int('sms', 1) : NaN,
        prefillBatch: pb ? parseBatch(pb) : empty,
        decodeSmCount: d ? d.int('sms', 1) : NaN,
        decodeBatch: db ? parseBatch(db) : empty,
        lookahead: d ? d.int('k', 1) : NaN,
        decodeAloneUs: f.num('decode_alone_us'),
        decodeConcurrentUs: f.num('decode_concurrent_us'),
        prefillAloneUs: f.num('prefill_alone_us'),
        prefillConcurrentUs: f.num('prefill_concurrent_us'),
        decodeSmidsOk: f.bool('decode_smids_ok'),
        prefillSmidsOk: f.bool('prefill_smids_ok'),
        method: f.has('method') ? f.oneOf('method', ['window', 'continuous'] as const) : 'window',
        partnerCovered: f.has('partner_covered') ? f.bool('partner_covered') : true,
        ...spanClock(f, 'decode_beside_prefill', 'decodeClock'),
        ...spanClock(f, 'prefill_beside_decode', 'prefillClock'),
      };
    }
    case 'clock_regime': {
      const b = f.child('batch');
      const i = f.child('interleave');
      const ib = i?.child('batch');
      const empty = { prefills: [], decodeCount: 0, decodeContextTokens: 0 };
      return {
        kind,
        id,
        source,
        model: f.str('model'),
        smCount: f.int('sms', 1),
        batch: b ? parseBatch(b) : empty,
        interleaveBatch: ib ? parseBatch(ib) : empty,
        lookahead: i ? i.int('k', 1) : NaN,
        backToBackUs: f.num('back_to_back_us', { min: 0 }),
        servingUs: f.num('serving_us', { min: 0 }),
        decodeServingUs: f.num('decode_serving_us', { min: 0 }),
        decodeAloneUs: f.num('decode_alone_us', { min: 0 }),
        backToBackClock: clockSample(f, 'clock_back_to_back'),
        servingClock: clockSample(f, 'clock_serving'),
        smidsOk: f.bool('smids_ok'),
      };
    }
    default:
      // oneOf already recorded the unknown kind with the list of valid ones.
      return null;
  }
}

/** NVML samples under `key` (`sm_clock_mhz`, `power_w`; null where the runner had no NVML or took no sample). */
function clockSample(f: JsonFields, key: string): ClockSample {
  const c = f.child(key);
  if (!c) return { smClockMhz: null, powerW: null };
  const v = (k: string): number | null => (c.obj[k] === null || !c.has(k) ? null : c.num(k, { min: 0 }));
  return { smClockMhz: v('sm_clock_mhz'), powerW: v('power_w') };
}

/** A continuous pair's `spans.<span>.clock` as `{ [as]: ClockSample }`, or nothing where the record has none. */
function spanClock<K extends 'decodeClock' | 'prefillClock'>(f: JsonFields, span: string, as: K): { [P in K]?: ClockSample } {
  const spans = f.has('spans') ? f.child('spans') : null;
  const s = spans?.has(span) ? spans.child(span) : null;
  return s?.has('clock') ? ({ [as]: clockSample(s, 'clock') } as { [P in K]?: ClockSample }) : {};
}

/** `kernels`: the names the profiler saw, each a non-empty string (a name of an unnamed kernel is refused). */
function kernelNames(f: JsonFields): string[] {
  const out: string[] = [];
  f.array('kernels').forEach((v, i) => {
    if (typeof v === 'string' && v !== '') out.push(v);
    else f.fail(`kernels[${i}]`, 'calib.type', `expected a kernel name (a non-empty string), got ${JSON.stringify(v)}`);
  });
  return out;
}

function parseOpShape(f: JsonFields): OpShape {
  const op = f.oneOf('op', ['gemm', 'attn_prefill', 'attn_decode', 'elementwise'] as const);
  switch (op) {
    case 'gemm':
      return { op, n: f.int('n', 1), dIn: f.int('d_in', 1), dOut: f.int('d_out', 1) };
    case 'attn_prefill':
      return {
        op,
        hq: f.int('hq', 1),
        hkv: f.int('hkv', 1),
        dh: f.int('dh', 1),
        chunks: f.children('chunks').map((c) => ({ newTokens: c.int('new', 1), cachedTokens: c.int('cached', 0) })),
      };
    case 'attn_decode':
      return { op, hq: f.int('hq', 1), hkv: f.int('hkv', 1), dh: f.int('dh', 1), contexts: f.numbers('contexts', { integer: true, min: 1 }) };
    case 'elementwise':
      return { op, which: f.oneOf('which', ELEMENTWISE_KINDS), n: f.int('n', 1), dim: f.int('dim', 1) };
    default:
      return { op: 'gemm', n: NaN, dIn: NaN, dOut: NaN };
  }
}

function parseCheck(f: JsonFields): OpCheck {
  const c = f.child('check');
  if (!c) return { relErr: NaN, threshold: NaN, passed: false };
  return { relErr: c.numOrNull('rel_err'), threshold: c.num('threshold'), passed: c.bool('passed') };
}
