import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../../../bin/main.js';
import type { CliIo } from '../../../../sim/cli/io.js';
import { duetsimJsonl } from '../../../../sim/trace/duetsim-jsonl.js';
import { loadWorkload } from '../../../../sim/workload/load-workload.js';
import { meanRateQps } from '../../../../sim/workload/transform.js';

const dir = mkdtempSync(join(tmpdir(), 'duetsim-trace-cli-'));

/** Runs the real CLI in-process with a capturing io rooted at the temp folder. */
async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), isTty: false, cwd: dir };
  const code = await runCli(argv, io);
  return { code, stdout, stderr };
}

test('trace stats prints counts, span, rate, burstiness and percentiles of the default trace', async () => {
  const r = await cli('trace', 'stats');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^trace\s+azure-conv$/m);
  assert.match(r.stdout, /^requests\s+19366$/m);
  assert.match(r.stdout, /^span\s+3501\.7 s$/m);
  assert.match(r.stdout, /^mean rate\s+5\.530 req\/s$/m);
  assert.match(r.stdout, /^burstiness\s+1\.094 /m);
  assert.match(r.stdout, /^ {2}input\s+1020\.0\s+2734\.5\s+4142\.0\s+1154\.7\s+14050\.0$/m);
});

test('trace stats --json applies the selection flags', async () => {
  const r = await cli('trace', 'stats', 'mooncake-conv', '--spread-ms', '3000', '--rate', '10', '--limit', '5000', '--json');
  assert.equal(r.code, 0, r.stderr);
  const s = JSON.parse(r.stdout) as { trace: string; requestCount: number; meanRateQps: number; withHashIdsCount: number };
  assert.equal(s.trace, 'mooncake-conv');
  assert.equal(s.requestCount, 5000);
  assert.ok(Math.abs(s.meanRateQps / 10 - 1) < 0.01);
  assert.equal(s.withHashIdsCount, 5000);
});

test('trace gen writes seeded duetsim JSONL with the asked rate and burstiness', async () => {
  const args = ['trace', 'gen', '--arrivals', 'gamma', '--rate', '4', '--cv', '2', '--duration', '3600', '--lengths', 'sharegpt', '--seed', '7'];
  const a = await cli(...args, '--out', 'gen.jsonl');
  assert.equal(a.code, 0, a.stderr);
  const text = readFileSync(join(dir, 'gen.jsonl'), 'utf8');
  const b = await cli(...args);
  assert.equal(b.stdout, text, 'same seed, same bytes');
  const trace = duetsimJsonl.parse(text, 'gen.jsonl');
  assert.ok(trace.records.length > 12_000 && trace.records.length < 16_800, `${trace.records.length} requests in 1 h at 4/s`);
  const stats = await cli('trace', 'stats', 'gen.jsonl', '--json');
  const s = JSON.parse(stats.stdout) as { meanRateQps: number; interArrivalCv: number };
  assert.ok(Math.abs(s.meanRateQps / 4 - 1) < 0.05, `rate ${s.meanRateQps}`);
  assert.ok(Math.abs(s.interArrivalCv / 2 - 1) < 0.1, `cv ${s.interArrivalCv}`);
  const other = await cli(...args.slice(0, -1), '8');
  assert.notEqual(other.stdout, text);
});

test('trace convert turns Azure CSV into duetsim JSONL that loads back to the same requests', async () => {
  const r = await cli('trace', 'convert', 'azure-code', '--start', '600', '--duration', '300', '--out', 'code.jsonl');
  assert.equal(r.code, 0, r.stderr);
  const fromJsonl = loadWorkload({ trace: 'code.jsonl', seed: 0 }, dir);
  const direct = loadWorkload({ trace: 'azure-code', startS: 600, durationS: 300, seed: 0 });
  const strip = (xs: typeof direct): unknown[] => xs.map((x) => [x.id, x.arrivalUs, x.promptTokens, x.outputTokens]);
  assert.deepEqual(strip(fromJsonl), strip(direct));
  assert.ok(direct.length > 100);
});

test('convert keeps Mooncake prefix hashes and their block size', async () => {
  const r = await cli('trace', 'convert', 'mooncake-conv', '--limit', '3');
  assert.equal(r.code, 0, r.stderr);
  const [header, first] = r.stdout.split('\n');
  assert.equal(header, '{"format":"duetsim-trace","version":1,"hash_block_tokens":512}');
  assert.match(first, /^\{"arrival_ms":0,"prompt_tokens":6758,"output_tokens":500,"hash_ids":\[0,1,2,/);
  writeFileSync(join(dir, 'mc.jsonl'), r.stdout);
  const back = loadWorkload({ trace: 'mc.jsonl', seed: 0 }, dir);
  const original = loadWorkload({ trace: 'mooncake-conv', limit: 3, seed: 0 });
  assert.deepEqual(back.map((x) => [x.hashIds, x.hashBlockTokens]), original.map((x) => [x.hashIds, x.hashBlockTokens]));
});

test('trace stats of a length table reports its lengths and says it has no arrivals', async () => {
  const r = await cli('trace', 'stats', 'sharegpt');
  assert.equal(r.code, 0, r.stderr);
  // SOURCES.md: 30,731 rows; prefill p50/mean/max 1730/2340/8141, decode 415/439/1024.
  assert.match(r.stdout, /^requests\s+30731$/m);
  assert.match(r.stdout, /^arrivals\s+none/m);
  assert.match(r.stdout, /^ {2}input\s+1730\.0\s+\S+\s+\S+\s+2340\.0\s+8141\.0$/m);
  assert.match(r.stdout, /^ {2}output\s+415\.0\s+\S+\s+\S+\s+438\.7\s+1024\.0$/m);
  const json = JSON.parse((await cli('trace', 'stats', 'sharegpt', '--json')).stdout) as Record<string, unknown>;
  assert.equal(json.requestCount, 30731);
  assert.equal('meanRateQps' in json, false);
});

test('bad input exits 2 with file, line and field', async () => {
  writeFileSync(join(dir, 'bad.csv'), 'TIMESTAMP,ContextTokens,GeneratedTokens\r\n2023-11-16 18:15:46.6805900,374,0');
  const r = await cli('trace', 'stats', 'bad.csv');
  assert.equal(r.code, 2);
  assert.match(r.stderr, /bad\.csv:2 \[GeneratedTokens\]: token count must be at least 1, got 0 \(zero-count\)/);
  const flag = await cli('trace', 'gen', '--rate', 'fast');
  assert.equal(flag.code, 2);
  assert.match(flag.stderr, /\[--rate\]/);
  const lengthsOnly = await cli('trace', 'stats', 'sharegpt', '--rate', '3');
  assert.equal(lengthsOnly.code, 2);
  assert.match(lengthsOnly.stderr, /\[arrivals\]: 'sharegpt' holds lengths only/);
  assert.match(lengthsOnly.stderr, /duetsim trace gen --lengths sharegpt --rate R --duration S -o t\.jsonl/);
  // --cv in flag terms: gamma needs it, the other processes refuse it.
  const gamma = await cli('trace', 'gen', '--rate', '5', '--duration', '10', '--arrivals', 'gamma');
  assert.equal(gamma.code, 2);
  assert.match(gamma.stderr, /<command line> \[--cv\]: --arrivals gamma needs --cv/);
  const poissonCv = await cli('trace', 'gen', '--rate', '5', '--duration', '10', '--cv', '2');
  assert.equal(poissonCv.code, 2);
  assert.match(poissonCv.stderr, /\[--cv\]: --cv shapes gamma arrivals; --arrivals poisson has a fixed one/);
  // A row of too many fields is not called truncated.
  writeFileSync(join(dir, 'wide.csv'), 'TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 18:15:46.6805900,374,44,9\n2023-11-16 18:15:47.6805900,374\n');
  const wide = await cli('trace', 'stats', 'wide.csv');
  assert.equal(wide.code, 2);
  assert.match(wide.stderr, /wide\.csv:2 \[GeneratedTokens\]: expected 3 comma-separated fields, got 4 \(a comma inside a field, or a column too many\?\)/);
  assert.match(wide.stderr, /wide\.csv:3 \[GeneratedTokens\]: expected 3 comma-separated fields, got 2 \(truncated line\?\)/);
});
