import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateReferencePlan, generateValidationPlan } from '../../calibrate/plan-reference.js';
import { generateGemmRowsPlan } from '../../calibrate/plan-gemm-rows.js';
import { loadHardware } from '../../sim/config/load-hardware.js';
import { loadModel } from '../../sim/config/load-model.js';
import { hasTool } from '../util/tools.js';

/**
 * The reference runner (cuda/reference/torch_runner.py) runs on the GPU host only (PyTorch, Triton,
 * cuda-bindings). What CI can check without them: it compiles, and it handles every experiment kind the
 * reference plans contain, so a kind added on the TypeScript side cannot reach a device call unhandled.
 */
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const runner = join(root, 'cuda', 'reference', 'torch_runner.py');

test('torch_runner.py compiles', { skip: !hasTool('python3') && 'no python3 on this machine' }, () => {
  const out = mkdtempSync(join(tmpdir(), 'duetsim-pyc-'));
  execFileSync('python3', ['-c', 'import py_compile,sys; py_compile.compile(sys.argv[1], cfile=sys.argv[2], doraise=True)', runner, join(out, 'r.pyc')]);
});

test('torch_runner.py dispatches every experiment kind the reference plans hold', () => {
  const src = readFileSync(runner, 'utf8');
  const run = src.slice(src.indexOf('    def run(self, e):'), src.indexOf('    def op_sets('));
  const handled = new Set([...run.matchAll(/"([a-z_]+)"/g)].map((m) => m[1]));
  const hw = loadHardware('h200');
  const models = [{ key: 'qwen3-8b', spec: loadModel('qwen3-8b') }];
  const kinds = new Set([
    ...generateReferencePlan({ models, hardware: hw, repeats: 1, warmup: 0 }).experiments.map((e) => e.kind),
    ...generateValidationPlan({ models, hardware: hw, repeats: 1, warmup: 0 }).experiments.map((e) => e.kind),
    ...generateGemmRowsPlan({ models, hardware: hw, repeats: 1, warmup: 0 }).experiments.map((e) => e.kind),
  ]);
  for (const k of kinds) assert.ok(handled.has(k), `the runner's run() does not dispatch '${k}'`);
  // Elementwise kinds the plan asks for are the ones the runner implements.
  const ew = generateReferencePlan({ models, hardware: hw, repeats: 1, warmup: 0 }).experiments.filter((e) => e.kind === 'op' && e.op === 'elementwise');
  for (const e of ew) assert.match(src, new RegExp(`which == "${(e as { which: string }).which}"|which in \\([^)]*"${(e as { which: string }).which}"`));
});

test('torch_runner.py --kernel-names records what each operator launched, and a profiler failure does not stop the run', () => {
  const src = readFileSync(runner, 'utf8');
  assert.match(src, /add_argument\("--kernel-names", action="store_true"/);
  const fn = src.slice(src.indexOf('def kernel_names('), src.indexOf('def check_result('));
  assert.match(fn, /"kernels": names/);
  assert.match(fn, /except Exception as ex:[^\n]*\n\s+return \{"kernels_error"/);
  assert.match(src, /kernel_names\(fns\[0\], st\) if self\.args\.kernel_names and e\["kind"\] == "op"/);
});

test('torch_runner.py --partition-side: a single partition takes the first or the last groups (the remainder either way)', { skip: !hasTool('python3') && 'no python3 on this machine' }, () => {
  // The runner imports torch at the top, which this machine lacks: run its own choose() on a stand-in Partitioner.
  const py = `
import ast, sys, types
src = open(sys.argv[1]).read()
cls = next(n for n in ast.parse(src).body if isinstance(n, ast.ClassDef) and n.name == "Partitioner")
fn = next(n for n in cls.body if isinstance(n, ast.FunctionDef) and n.name == "choose")
ns = {}
exec(compile(ast.Module(body=[fn], type_ignores=[]), "choose", "exec"), ns)
out = []
for side in ("first", "last"):
    p = types.SimpleNamespace(side=side, groups=list(range(15)), group_sms=[8] * 15, remainder_sms=12)
    out.append([ns["choose"](p, s) for s in (8, 20, 28, 16, 124, 13)])
print(repr(out))
`;
  const got = execFileSync('python3', ['-c', py, runner], { encoding: 'utf8' }).trim();
  // (first group index, group count, with the remainder): 8 = one group; 20 = one group + remainder; 124 = 14 + remainder.
  assert.equal(got, "[[(0, 1, False), (0, 1, True), (0, 2, True), (0, 2, False), (0, 14, True), None], [(14, 1, False), (14, 1, True), (13, 2, True), (13, 2, False), (1, 14, True), None]]");
  assert.match(readFileSync(runner, 'utf8'), /add_argument\("--partition-side", default="first", choices=\["first", "last"\]/);
});

test('torch_runner.py --settle-seconds: a forward alone replays untimed for that long first, and its record says so', { skip: !hasTool('python3') && 'no python3 on this machine' }, () => {
  // settle_replays run on a stand-in stream and torch (the runner imports torch, which this machine lacks).
  const py = `
import ast, contextlib, sys, time, types
src = open(sys.argv[1]).read()
fn = next(n for n in ast.parse(src).body if isinstance(n, ast.FunctionDef) and n.name == "settle_replays")
ns = {"time": time, "torch": types.SimpleNamespace(cuda=types.SimpleNamespace(stream=lambda s: contextlib.nullcontext()))}
exec(compile(ast.Module(body=[fn], type_ignores=[]), "settle", "exec"), ns)
calls, syncs = [], []
stream = types.SimpleNamespace(synchronize=lambda: syncs.append(1))
t0 = time.time()
ns["settle_replays"](lambda: calls.append(1), stream, 0.05)
took = time.time() - t0
none = []
ns["settle_replays"](lambda: none.append(1), stream, 0)
print(len(calls) >= 8, len(calls) % 8 == 0, len(syncs) * 8 == len(calls), 0.05 <= took < 1.0, len(none))
`;
  assert.equal(execFileSync('python3', ['-c', py, runner], { encoding: 'utf8' }).trim(), 'True True True True 0');
  // --settle-min-sms: partitions below it are timed unsettled (no settle_s), at and above it settled.
  const minPy = `
import ast, sys
src = open(sys.argv[1]).read()
fn = next(n for n in ast.parse(src).body if isinstance(n, ast.FunctionDef) and n.name == "settle_seconds_for")
ns = {}
exec(compile(ast.Module(body=[fn], type_ignores=[]), "settle", "exec"), ns)
f = ns["settle_seconds_for"]
print(f(1, 96, 64), f(1, 96, 96), f(1, 96, 132), f(0.5, 0, 16), f(0, 0, 132))
`;
  assert.equal(execFileSync('python3', ['-c', minPy, runner], { encoding: 'utf8' }).trim(), '0.0 1.0 1.0 0.5 0.0');
  const src = readFileSync(runner, 'utf8');
  assert.match(src, /add_argument\("--settle-seconds", type=float, default=0\.0/);
  assert.match(src, /add_argument\("--settle-min-sms", type=int, default=0/);
  const fwd = src.slice(src.indexOf('    def run_forward(self, e):'), src.indexOf('    def run_concurrent(self, e):'));
  // Settled before the clock sampler and the timed replays start, and recorded.
  assert.ok(fwd.indexOf('settle_replays(g.replay, part.stream, settle)') < fwd.indexOf('with self.clock as c:'));
  assert.match(fwd, /settle = settle_seconds_for\(self\.args\.settle_seconds, self\.args\.settle_min_sms, e\["sms"\]\)/);
  assert.match(fwd, /\{"settle_s": settle\} if settle > 0 else \{\}/);
});
