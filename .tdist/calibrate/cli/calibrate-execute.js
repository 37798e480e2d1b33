import { existsSync } from 'node:fs';
import { checkOutputPath, writeOutputFile } from '../../sim/cli/output-file.js';
import { resolve } from 'node:path';
import { CliExit } from '../../sim/cli/io.js';
import { parseChoice, parseNumber } from '../../sim/cli/flags.js';
import { inputError } from '../../sim/core/input-error.js';
import { loadModel } from '../../sim/config/load-model.js';
import { packageRoot } from '../../sim/trace/bundled.js';
import { readScheduleFile } from '../closed-loop/schedule.js';
import { compileExecPlan } from '../closed-loop/exec-plan.js';
import { executeWithAddon, executeWithRunner, withBackend } from '../run.js';
import { gpuCommand } from './gpu-command.js';
/**
 * `duetsim calibrate execute SCHEDULE.jsonl`: closed-loop validation's GPU half. The schedule a replay
 * emitted (`--emit-schedule`) becomes a duetsim-exec plan (calibrate/closed-loop/exec-plan.ts), which the
 * CUDA core runs step by step on this machine's GPU (addon in process, or `duet_runner --execute`),
 * writing each step's measured GPU times for `duetsim calibrate compare`. `--plan-only` writes the plan
 * without a GPU, for hosts that run `duet_runner` directly.
 */
export function registerExecute(cal, io) {
    cal
        .command('execute')
        .description('run a simulated schedule (replay --emit-schedule) on this machine\'s GPU, step by step; measured step times as JSONL')
        .argument('<schedule.jsonl>', 'schedule written by `duetsim replay --emit-schedule`')
        .option('--out <file>', 'measured results JSONL (duetsim-exec-result v1)')
        .option('--exec-plan <file>', 'where to write the executor\'s plan (default: SCHEDULE with .exec.jsonl)')
        .option('--plan-only', 'write the executor\'s plan and stop (no GPU needed)')
        .option('--backend <addon|runner>', 'which build to use (default: the addon if built, else the runner)', parseChoice('--backend', ['addon', 'runner']))
        .option('--runner <path>', 'duet_runner executable (default: cuda/build/duet_runner)')
        .option('--resume', 'keep the steps already in --out and continue after them')
        .option('--max-seconds <s>', 'stop cleanly after about this long (then --resume); 0: no limit', parseNumber('--max-seconds', { min: 0 }), 0)
        .action(async (schedulePath, o) => {
        const path = resolve(io.cwd, schedulePath);
        if (!existsSync(path))
            throw inputError('exec.no-file', schedulePath, 0, 'schedule', 'no such schedule file');
        const schedule = await readScheduleFile(path, schedulePath);
        const model = loadModel(schedule.header.model, { cwd: io.cwd });
        const plan = compileExecPlan(schedule, model);
        const planName = o.execPlan ?? schedulePath.replace(/\.jsonl$/, '') + '.exec.jsonl';
        const planPath = resolve(io.cwd, planName);
        writeOutputFile('--exec-plan', planName, io.cwd, plan.text);
        const gib = (b) => (b / 2 ** 30).toFixed(2);
        io.stderr(`calibrate execute: ${plan.steps} steps of ${schedule.header.policy} on ${schedule.header.model} -> ${planName}; ` +
            `KV pool ${plan.kvBlocks} blocks (${gib(plan.kvBytesPerLayer)} GiB per layer copy, ${gib(plan.kvBytesPerLayer * model.numLayers)} GiB for all ${model.numLayers} layers)\n`);
        if (o.planOnly)
            return;
        if (!o.out)
            throw new CliExit(2, 'calibrate execute: --out is required (or --plan-only)');
        checkOutputPath('--out', o.out, io.cwd);
        const opts = { planPath, planText: plan.text, outPath: resolve(io.cwd, o.out), resume: Boolean(o.resume), maxSeconds: o.maxSeconds ?? 0, progress: io.stderr };
        await gpuCommand(() => withBackend(o.backend, o.runner && resolve(io.cwd, o.runner), packageRoot(), (addon) => executeWithAddon(addon, planName, opts), (runner) => executeWithRunner(runner, opts)));
    });
}
