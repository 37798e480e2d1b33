import { gzipSync } from 'node:zlib';
import { requestsCsv, resultJson } from '../util/live-compare-fixtures.js';

/**
 * The adversarial corpus: inputs an adversarial user tried (issue "nothing crashes, nothing is silently
 * wrong"), each with the exact exit status and the located message duetsim must answer with. Inputs are
 * built here rather than checked in, so binary cases (gzip, UTF-16, NUL bytes) and the 50 MB cell stay
 * out of the repository. `stderr` is the whole of what the CLI prints there, with the case's temporary
 * folder written as `$DIR`; `stdout`, when given, is checked the same way.
 */
export interface CorpusCase {
  readonly name: string;
  /** Files to create in the case's folder, by name. */
  readonly files?: Readonly<Record<string, string | Buffer>>;
  /** Folders to create in the case's folder. */
  readonly dirs?: readonly string[];
  readonly argv: readonly string[];
  readonly exitCode: number;
  readonly stderr: string | RegExp;
  readonly stdout?: string | RegExp;
  /** Files that must not exist afterwards (an output of a run that failed). */
  readonly absent?: readonly string[];
}

const JSONL_HEAD = '{"format":"duetsim-trace","version":1}\n';
const req = (arrivalMs: number | string, prompt: number | string = 100, output: number | string = 10): string =>
  `{"arrival_ms":${arrivalMs},"prompt_tokens":${prompt},"output_tokens":${output}}\n`;
const GOOD_TRACE = JSONL_HEAD + req(0) + req(500) + req(1000);
const AZURE_HEAD = 'TIMESTAMP,ContextTokens,GeneratedTokens\n';
const STUDY = 'name: s\nbase: { trace: azure-conv, hardware: h100-sxm, sloTbtMs: 50, limit: 20 }\naxes:\n  model: [qwen3-8b, qwen9]\n  policy: [chunked]\n';
const REPLAY = ['replay', '--quiet'];
/** A study results line as whatif writes it (fields the readers need), for merge and table cases. */
const studyLine = (pointId: string, coords: Record<string, string | number>, completed: number): string =>
  JSON.stringify({ schema: 'duetsim.study-line/1', study: 'h', study_name: 's', kind: 'point', point_id: pointId, coords, spec: {}, summary: { completed }, cdf: {} }) + '\n';
/** A replay of trace file `file` holding `content`, refused with exactly `problem` (exit 2). */
const badTrace = (name: string, file: string, content: string | Buffer, problem: string): CorpusCase => ({
  name,
  files: { [file]: content },
  argv: [...REPLAY, '--trace', file],
  exitCode: 2,
  stderr: `duetsim: invalid input\n${problem}\n`,
});
const bad = (flag: string, message: string): string => `duetsim: invalid input\n<command line> [${flag}]: ${message}\n`;

export const CORPUS: readonly CorpusCase[] = [
  // Numbers beyond what the simulator can hold.
  badTrace('an arrival of 1e17 ms is beyond 2^53 µs', 't.jsonl', JSONL_HEAD + req(0) + req('1e17'), 't.jsonl:3 [arrival_ms]: 100000000000000000 ms is beyond 2^53 µs (285 years), where times lose µs precision (time-out-of-range)'),
  badTrace('a trace spanning more than the clock holds at µs precision', 't.jsonl', JSONL_HEAD + req(0) + req(4e10), "t.jsonl:3: this arrival is 463 days after the first; the simulator's clock keeps µs precision for 407 days (time-out-of-range)"),
  badTrace('an arrival of 1e400 ms, beyond a double', 't.jsonl', JSONL_HEAD + req(0) + req('1e400'), "t.jsonl:3 [arrival_ms]: expected a non-negative time in ms, got a number beyond a double's range (read as Infinity) (bad-timestamp)"),
  badTrace('a token count of 1e20', 't.jsonl', JSONL_HEAD + req(0, '1e20'), 't.jsonl:2 [prompt_tokens]: token count must be at most 1,000,000,000, got 100000000000000000000 (count-too-large)'),
  {
    name: 'trace stats of a token count of 1e20 is the same error, not garbled columns',
    files: { 't.csv': AZURE_HEAD + '2023-11-16 18:17:03.9799600,100000000000000000000,5\n' },
    argv: ['trace', 'stats', 't.csv'],
    exitCode: 2,
    stderr: 'duetsim: invalid input\nt.csv:2 [ContextTokens]: token count must be at most 1,000,000,000, got 100000000000000000000 (count-too-large)\n',
  },
  badTrace('an Azure timestamp in the year 9999', 't.csv', AZURE_HEAD + '9999-11-16 18:17:03.9799600,10,5\n', "t.csv:2 [TIMESTAMP]: '9999-11-16 18:17:03.9799600' is outside 1970–2255, the range kept to the µs (bad-timestamp)"),
  {
    name: '--rate 1e-300',
    argv: [...REPLAY, '--rate', '1e-300'],
    exitCode: 2,
    stderr: bad('--rate', 'must be ≥ 0.000001, got 1e-300 (bad-flag)'),
  },
  {
    name: 'a rate in range that stretches the trace past the clock',
    argv: [...REPLAY, '--rate', '0.00001'],
    exitCode: 2,
    stderr: "duetsim: invalid input\nworkload spec [rateQps]: at 0.00001 req/s the 19366 requests span 2.24e+4 days; the simulator's clock keeps µs precision for 407 days: raise the rate or take fewer requests (bad-workload-spec)\n",
  },
  { name: '--seed 1e20', argv: [...REPLAY, '--seed', '1e20'], exitCode: 2, stderr: bad('--seed', "expected an integer of magnitude below 2^53, got '1e20' (bad-flag)") },
  { name: '--duration beyond the clock', argv: [...REPLAY, '--duration', '1e300'], exitCode: 2, stderr: bad('--duration', 'must be ≤ 35184372.088832, got 1e300 (bad-flag)') },
  { name: '--max-batch-tokens 1e12', argv: [...REPLAY, '--max-batch-tokens', '1e12'], exitCode: 2, stderr: bad('--max-batch-tokens', 'must be ≤ 1000000000, got 1e12 (bad-flag)') },

  // Malformed, binary and compressed input.
  badTrace('a 50 MB malformed cell is quoted cut', 't.csv', AZURE_HEAD + `2023-11-16 18:17:03.9799600,${'x'.repeat(50 * 1024 * 1024)},5\n`,
    `t.csv:2 [ContextTokens]: expected a token count, got '${'x'.repeat(80)}…' (52,428,800 characters) (non-numeric)`),
  badTrace('terminal escapes in a cell are shown escaped', 't.csv', AZURE_HEAD + '2023-11-16 18:17:03.9799600,\u001b]0;pwned\u0007\u001b[2J,5\n', "t.csv:2 [ContextTokens]: expected a token count, got '\\u001b]0;pwned\\u0007\\u001b[2J' (non-numeric)"),
  badTrace('an unknown JSONL key made of control characters', 't.jsonl', '{"arrival_ms":0,"prompt_tokens":1,"output_tokens":1,"\\u001b[31m":1}\n', "t.jsonl:1 [\\u001b[31m]: unknown field '\\u001b[31m' (expected arrival_ms, prompt_tokens, output_tokens, hash_ids) (unknown-field)"),
  {
    name: 'a gzip trace is decompressed and replayed',
    files: { 't.jsonl.gz': gzipSync(GOOD_TRACE) },
    argv: [...REPLAY, '--trace', 't.jsonl.gz', '--json'],
    exitCode: 0,
    stderr: '',
    stdout: /"completed": 3,/,
  },
  badTrace('a truncated gzip trace', 't.jsonl.gz', gzipSync(GOOD_TRACE).subarray(0, 20), 't.jsonl.gz: looks like gzip but does not decompress (unexpected end of file); is it truncated? (bad-gzip)'),
  {
    name: 'a gzip study file is named as such',
    files: { 's.yaml.gz': gzipSync(STUDY) },
    argv: ['whatif', 's.yaml.gz', '-o', 'out.jsonl'],
    exitCode: 2,
    stderr: 'duetsim: invalid input\n$DIR/s.yaml.gz: looks like gzip-compressed data, not text: decompress it first (gunzip -k $DIR/s.yaml.gz) (compressed-input)\n',
  },
  badTrace('a zstd trace', 't.csv', Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 1, 2, 3]), 't.csv: looks like zstd-compressed data, not text: extract or decompress it first (compressed-input)'),
  badTrace('a UTF-16 trace with a byte-order mark', 't.csv', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(AZURE_HEAD, 'utf16le')]), 't.csv: looks like UTF-16 text (it starts with a UTF-16 byte-order mark); save it as UTF-8 (utf16-input)'),
  badTrace('a UTF-16 trace without one', 't.csv', Buffer.from(AZURE_HEAD, 'utf16le'), 't.csv:1: looks like UTF-16 text (NUL bytes between characters); save it as UTF-8 (binary-input)'),
  badTrace('a NUL byte in a trace', 't.jsonl', GOOD_TRACE + '\u0000\n', 't.jsonl:5: holds a NUL byte (at byte 212): binary data, not text (binary-input)'),
  badTrace('Latin-1 text is not UTF-8', 't.jsonl', Buffer.concat([Buffer.from(GOOD_TRACE), Buffer.from([0x7b, 0xe9, 0x7d, 0x0a])]), 't.jsonl:5: is not UTF-8 text (invalid byte 0xe9 at byte 213); save it as UTF-8 (not-utf8)'),
  {
    name: 'a UTF-8 byte-order mark is dropped',
    files: { 't.csv': '\uFEFF' + AZURE_HEAD + '2023-11-16 18:17:03.9799600,10,5\n2023-11-16 18:17:04.9799600,10,5\n' },
    argv: [...REPLAY, '--trace', 't.csv', '--json'],
    exitCode: 0,
    stderr: '',
    stdout: /"completed": 2,/,
  },

  // Output paths, checked before the run.
  {
    name: '--out in a missing folder',
    argv: [...REPLAY, '--out', 'nope/run.json'],
    exitCode: 2,
    stderr: bad('--out', "cannot write 'nope/run.json': folder '$DIR/nope' does not exist (bad-output-path)"),
  },
  { name: '--requests-csv naming a folder', dirs: ['d'], argv: [...REPLAY, '--requests-csv', 'd'], exitCode: 2, stderr: bad('--requests-csv', "'d' is a folder; name a file inside it (bad-output-path)") },
  {
    name: '--report under /proc',
    argv: [...REPLAY, '--report', '/proc/run.html'],
    exitCode: 2,
    stderr: bad('--report', "cannot write '/proc/run.html': no new file can be created in '/proc' (bad-output-path)"),
  },
  {
    name: 'every bad output path at once, and the good one is not created',
    dirs: ['d'],
    argv: [...REPLAY, '--out', 'ok.json', '--iterations-csv', 'd', '--emit-schedule', 'x/s.jsonl'],
    exitCode: 2,
    stderr: "duetsim: invalid input\n<command line> [--iterations-csv]: 'd' is a folder; name a file inside it (bad-output-path)\n<command line> [--emit-schedule]: cannot write 'x/s.jsonl': folder '$DIR/x' does not exist (bad-output-path)\n",
    absent: ['ok.json'],
  },
  {
    name: 'whatif -o in a missing folder',
    files: { 's.yaml': STUDY.replace('qwen9', 'qwen3-14b') },
    argv: ['whatif', 's.yaml', '-o', 'nope/out.jsonl', '-q'],
    exitCode: 2,
    stderr: 'duetsim: invalid input\n$DIR/nope/out.jsonl [-o]: cannot write the results file: its folder does not exist (bad-output-path)\n',
  },
  {
    name: 'whatif -o under /proc',
    files: { 's.yaml': STUDY.replace('qwen9', 'qwen3-14b') },
    argv: ['whatif', 's.yaml', '-o', '/proc/out.jsonl', '-q'],
    exitCode: 2,
    stderr: "duetsim: invalid input\n/proc/out.jsonl [-o]: cannot write the results file: no new file can be created in '/proc' (bad-output-path)\n",
  },
  {
    name: 'a KV block larger than the GPU names the block size, not the model',
    argv: [...REPLAY, '--block-size', '1000000000'],
    exitCode: 2,
    stderr: bad('--block-size', 'one KV block of 1000000000 tokens (1.47e+5 GB) is larger than the 55.8 GB left for the KV cache on h100-sxm (model-does-not-fit)'),
  },
  {
    name: 'report -o naming a folder',
    dirs: ['d'],
    files: { 'r.json': '{}' },
    argv: ['report', 'r.json', '-o', 'd'],
    exitCode: 2,
    stderr: bad('--out', "'d' is a folder; name a file inside it (bad-output-path)"),
  },

  // Study files: every point resolved before the first run, errors at the YAML line.
  {
    name: 'an unknown model on a study axis, before anything runs',
    files: { 's.yaml': STUDY },
    argv: ['whatif', 's.yaml', '-o', 'out.jsonl', '-q'],
    exitCode: 2,
    stderr: "duetsim: invalid input\n$DIR/s.yaml:4:21 [axes.model[1]]: [model] unknown model 'qwen9'; bundled: llama-3.1-70b, llama-3.1-8b, qwen3-14b, qwen3-8b (or give a path to a .yaml file) (unknown-model) (first at point model=qwen9, policy=chunked) (study-point-invalid)\n",
    absent: ['out.jsonl'],
  },
  {
    name: 'a study rate beyond the sane range, at its line',
    files: { 's.yaml': STUDY.replace('qwen9', 'qwen3-14b').replace('limit: 20', 'limit: 20, policy: chunked').replace('policy: [chunked]', 'rateQps: [1, 1e-300]') },
    argv: ['whatif', 's.yaml', '-o', 'out.jsonl', '-q'],
    exitCode: 2,
    stderr: 'duetsim: invalid input\n$DIR/s.yaml:5:16 [axes.rateQps[1]]: expected a rate within [0.000001, 1000000] requests/s, got 1e-300 (study-bad-value)\n',
  },

  {
    name: "a study's name with terminal escapes is printed escaped in whatif's summary",
    files: { 's.yaml': 'name: "\\e]0;pwned\\a"\nbase: { trace: azure-conv, model: qwen3-8b, hardware: h100-sxm, policy: chunked, limit: 5 }\naxes:\n  seed: [0]\n' },
    argv: ['whatif', 's.yaml', '-o', 'out.jsonl', '--workers', '1'],
    exitCode: 0,
    stderr: /\n\\u001b\]0;pwned\\u0007: 1 of 1 done now, 0 already done; 1 runs in [\d.]+ s on 1 workers → out\.jsonl\n$/,
  },

  {
    name: 'a cluster of a billion instances',
    files: { 'c.yaml': 'name: c\nrouter: least-outstanding\ngroups:\n  - { name: p, model: qwen3-8b, hardware: h100-sxm, policy: chunked, count: 1e9 }\n' },
    argv: [...REPLAY, '--cluster', 'c.yaml'],
    exitCode: 2,
    stderr: 'duetsim: invalid input\n$DIR/c.yaml:4:77 [groups[0].count]: expected a value ≤ 4096 (instances simulated per group), got 1000000000 (out-of-range)\n',
  },

  // merge: conflicting results are an error naming both places.
  {
    name: 'merge of two files holding different results for one point',
    files: { 'a.jsonl': studyLine('p1', { rateQps: 1 }, 10) + studyLine('p2', { rateQps: 2 }, 10), 'b.jsonl': studyLine('p2', { rateQps: 2 }, 9) },
    argv: ['merge', 'a.jsonl', 'b.jsonl', '-o', 'all.jsonl'],
    exitCode: 2,
    stderr: 'duetsim: invalid input\nb.jsonl:1 [summary]: point (rateQps=2) has other results than a.jsonl:2; rerun it, or merge only one of the two (merge-conflict)\n',
    absent: ['all.jsonl'],
  },
  {
    name: 'table of a results file whose coordinates hold terminal escapes prints them escaped',
    files: { 'r.jsonl': studyLine('p1', { policy: '\u001b[31mred\u001b[0m' }, 10) },
    argv: ['table', 'r.jsonl', '--metrics', 'rejected'],
    exitCode: 0,
    stderr: '',
    stdout: /\\u001b\[31mred\\u001b\[0m/,
  },
  {
    name: 'table --pivot on a name that is not an axis of the study',
    files: { 'r.jsonl': studyLine('p1', { policy: 'chunked', rateQps: 1 }, 10) },
    argv: ['table', 'r.jsonl', '--pivot', 'nosuch'],
    exitCode: 2,
    stderr: bad('--pivot', "'nosuch' is not an axis of r.jsonl; its axes: policy, rateQps (bad-flag)"),
  },

  // predict: flags that would be ignored, and memory no GPU has.
  { name: 'predict --prefill-sms without --split', argv: ['predict', '--prefill', '2048', '--prefill-sms', '64'], exitCode: 2, stderr: bad('--prefill-sms', '--prefill-sms sizes a partition of --split; add --split, or use --sms for one forward on fewer SMs (bad-flag)') },
  {
    name: 'predict --sms with --split',
    argv: ['predict', '--split', '--prefill', '2048', '--decode', '8x1024', '--prefill-sms', '64', '--decode-sms', '68', '--sms', '100'],
    exitCode: 2,
    stderr: bad('--sms', '--sms sizes a whole-GPU forward; with --split give --prefill-sms and --decode-sms instead (bad-flag)'),
  },
  {
    name: 'predict of a request longer than the model serves',
    argv: ['predict', '--decode', '64x10000000'],
    exitCode: 2,
    stderr: bad('--prefill/--decode', 'a request of 10,000,000 tokens is longer than qwen3-8b serves (maxModelLen 40,960) (beyond-max-model-len)'),
  },
  {
    name: 'predict of a context far beyond the KV cache',
    argv: ['predict', '--decode', '64x40000'],
    exitCode: 2,
    stderr: /^duetsim: invalid input\n<command line> \[--prefill\/--decode\]: the batch attends over 2,560,000 tokens of context, but on .* at tp 1 the KV cache holds at most [\d,]+ tokens \(gpuMemoryUtilization 0\.9\) \(does-not-fit\)\n$/,
  },
  // calibrate compare, live mode: files cut short, numbers no table holds, escapes in the live object.
  {
    name: 'live compare of a requests CSV cut inside a quoted origin',
    files: { 's.json': resultJson(), 'l.json': resultJson(), 's.csv': requestsCsv([{ id: 0, ttft_ms: 1, tpot_ms: 1, e2e_ms: 2 }]), 'l.csv': requestsCsv([]) + '0,"trace.csv:2,completed' },
    argv: ['calibrate', 'compare', '--simulated', 's.json', '--live', 'l.json', '--simulated-requests', 's.csv', '--live-requests', 'l.csv'],
    exitCode: 2,
    stderr: 'duetsim: invalid input\nl.csv:2: a quoted cell is not closed before the end of the file (a file cut short?) (live-compare.bad-csv)\n',
  },
  {
    name: 'live compare of a request id of 1e20',
    files: { 's.json': resultJson(), 'l.json': resultJson(), 's.csv': requestsCsv([{ id: 0 }]), 'l.csv': requestsCsv([{ id: 0 }]).replace('\n0,', '\n100000000000000000000,') },
    argv: ['calibrate', 'compare', '--simulated', 's.json', '--live', 'l.json', '--simulated-requests', 's.csv', '--live-requests', 'l.csv'],
    exitCode: 2,
    stderr: 'duetsim: invalid input\nl.csv:2 [id]: expected an integer of magnitude below 2^53, got 100000000000000000000 (live-compare.bad-cell)\n',
  },
  {
    name: 'live compare of a live object holding terminal escapes prints them escaped',
    files: { 's.json': resultJson(), 'l.json': resultJson({ live: { backend: '\u001b]0;pwned\u0007', gpu: '\u001b[2J' } }) },
    argv: ['calibrate', 'compare', '--simulated', 's.json', '--live', 'l.json'],
    exitCode: 0,
    stderr: '',
    stdout: /\(backend \\u001b\]0;pwned\\u0007, gpu \\u001b\[2J\)/,
  },
];
