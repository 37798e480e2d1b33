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

/**
 * The reference runner (cuda/reference/torch_runner.py) runs on the GPU host only (PyTorch, Triton,
 * cuda-bindings). What CI can check without them: it compiles, and it handles every experiment kind the
 * reference plans contain, so a kind added on the TypeScript side cannot reach a device call unhandled.
 */
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const runner = join(root, 'cuda', 'reference', 'torch_runner.py');

function hasPython(): boolean {
  try {
    execFileSync('python3', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

test('torch_runner.py compiles', { skip: !hasPython() && 'no python3 on this machine' }, () => {
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
