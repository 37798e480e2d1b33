import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { CommandModule } from '../../sim/cli/command-module.js';
import { CliExit, type CliIo } from '../../sim/cli/io.js';
import { parseChoice, parseNumber } from '../../sim/cli/flags.js';
import { inputError } from '../../sim/core/input-error.js';
import { loadModel } from '../../sim/config/load-model.js';
import { loadHardware, parseHardwareYaml } from '../../sim/config/load-hardware.js';
import { readConfig } from '../../sim/config/config-files.js';
import { packageRoot } from '../../sim/trace/bundled.js';
import { estimatePlan, generatePlan } from '../plan.js';
import { generateClockSizesPlan, generatePairPartnersPlan, generateReferencePlan, generateRemainderOpsPlan, generateRemainderValidationPlan, generateValidationPlan, generateWavesPlan, type ClockSizesOptions } from '../plan-reference.js';
import { describeValidSizes, isValidPartitionSize } from '../../sim/hardware/partition.js';
import { generateKernelQualityPlan } from '../plan-kernel-quality.js';
import { generateGemmRowsPlan } from '../plan-gemm-rows.js';
import type { Plan } from '../plan-format.js';
import type { GemmKernelTable, HardwareSpec, PerfSpec, RemainderOpsTable } from '../../sim/hardware/hardware-spec.js';
import { deriveGemmKernels, formatGemmKernels, gemmOpRecords, withOtherSide } from '../gemm-kernels.js';
import { combineRuns, formatRepeats, type CombinedRuns } from '../combine-runs.js';
import { deriveRemainderOps, formatRemainderOps, withOtherSideOps } from '../remainder-ops.js';
import { compareKernels, formatKernelComparison } from '../kernel-compare.js';
import { compareRuns, formatRepeatability } from '../repeatability.js';
import { compareSettings, formatSettingComparison, SettingCompareError } from '../setting-compare.js';
import { parsePlan } from '../parse-plan.js';
import { runWithAddon, runWithReference, runWithRunner, withBackend, type BackendName } from '../run.js';
import { gpuCommand } from './gpu-command.js';
import { loadData, loadMeasurements, type LoadedData } from '../load-data.js';
import type { OpRecord } from '../measurement.js';
import { FIT_FORMS, fitCalibration, recordedFitChoices, unsettledClockForwards, type CandidateProgress, type FitForm } from '../fit.js';
import { withCalibratedSection } from '../write-calibrated.js';
import { validateCalibration } from '../validate.js';
import { kernelQuality } from '../kernel-quality.js';
import { parseTorchRef } from '../parse-torch-ref.js';
import { checkOutputPath, writeOutputFile } from '../../sim/cli/output-file.js';
import { registerExecute } from './calibrate-execute.js';
import { formatFit, formatPlanEstimate, formatQuality, formatValidation } from '../format-text.js';
import { registerCompare, registerFitServing, type ComparePages } from './calibrate-compare.js';

/**
 * `duetsim calibrate plan|run|fit|validate|quality`: the GPU calibration workflow (calibrate/README.md).
 * Each action parses its flags and calls calibrate/; only `run` needs a GPU.
 */
const DEFAULT_MODELS = ['qwen3-8b', 'qwen3-14b'];


type PlanProfile = 'standard' | 'reference' | 'pair-partners' | 'reference-validation' | 'remainder-validation' | 'remainder-ops' | 'waves' | 'clock-sizes' | 'kernel-quality' | 'gemm-rows';
type PlanModels = Parameters<typeof generateReferencePlan>[0]['models'];
/** The plan profiles, one line each: what `--profile` accepts and lists in its help. */
const PLAN_PROFILES: Record<PlanProfile, { readonly what: string; readonly generate: (o: { models: PlanModels; hardware: HardwareSpec; repeats: number; warmup: number } & ClockSizesOptions) => Plan }> = {
  standard: { what: 'our kernels: duet_runner', generate: (o) => generatePlan(o) },
  reference: { what: 'production kernels: cuda/reference/torch_runner.py; adds clock regimes and continuous pairs', generate: (o) => generateReferencePlan(o) },
  'pair-partners': { what: "pairs at the reference plan's splits with two prefill partners, fresh and over a cached prefix, beside the same decodes: calibration data to fit with a reference run (--data both)", generate: (o) => generatePairPartnersPlan(o) },
  'reference-validation': { what: "held-out pairs at DuetServe's loaded splits and clock regimes, never fitted", generate: (o) => generateValidationPlan(o) },
  'remainder-validation': { what: 'forwards alone (and attention/elementwise ops) on the partitions holding the GPC remainder (20–36, 116, 124 SMs on an H200), never fitted', generate: (o) => generateRemainderValidationPlan(o) },
  'remainder-ops': { what: 'decode attention and elementwise ops with the copy ceiling on the partitions holding the GPC remainder (20–36 SMs on a Hopper) and the whole-group ones around them (8–40); run once per side (--partition-side) to record the remainder SMs they draw', generate: (o) => generateRemainderOpsPlan(o) },
  waves: { what: "the ceiling GEMM, the first model's linear layers at 512 and 2,048 tokens and its forwards with a prefill on every partition from 12 groups to the whole GPU (96-132 SMs on a Hopper), for cuBLAS's waves between them; run with --kernel-names, never fitted", generate: (o) => generateWavesPlan(o) },
  'clock-sizes': { what: 'one prefill of 512–4,096 tokens back to back and beside decode steps on the whole GPU and 96 SMs (--prefill-sizes, --clock-sms, --decode-steps change them), with the clock read out, never fitted', generate: (o) => generateClockSizesPlan(o) },
  'kernel-quality': { what: 'attention and elementwise ops with the copy ceiling on every partition, run by both backends for `compare-kernels`', generate: (o) => generateKernelQualityPlan(o) },
  'gemm-rows': { what: "every linear layer at 29 token counts (1–4096, the mixed batches' 320/544/1040/1088 included) on the partition ladder, for cuBLAS's row tiles and kernel choice", generate: (o) => generateGemmRowsPlan(o) },
};

function collect(v: string, acc: string[]): string[] {
  return [...acc, v];
}

/** A repeatable flag without a default (undefined until given, so a negation and "not given" stay apart). */
function collectRuns(v: string, acc: string[] | undefined): string[] {
  return [...(acc ?? []), v];
}

/**
 * The gemm-rows runs a flag names (each path one run: a JSONL file, or a folder of one run's files with its plan.json),
 * combined into one set (combineRuns: one GPU, one side; an experiment in several kept from the first). The repeats
 * are said on stderr unless quiet.
 */
function gemmRuns(io: CliIo, flag: string, paths: readonly string[], plan: string | undefined, quiet: boolean | undefined): CombinedRuns {
  const runs = paths.map((p) => {
    requireExisting(io, flag, p);
    return load(io, [p], plan).data;
  });
  const combined = combineRuns(runs, flag);
  const repeats = formatRepeats(combined.repeats);
  if (repeats && !quiet) io.stderr(`${flag}: ${repeats}\n`);
  return combined;
}

/** `--decode-steps 1,4,16`: distinct whole step counts 1–64, in the order given. */
function parseStepList(v: string): number[] {
  const parts = v.split(',').map((s) => s.trim());
  const steps = parts.map(Number);
  if (parts.some((s) => !/^\d+$/.test(s)) || steps.some((k) => k < 1 || k > 64)) {
    throw inputError('bad-flag', '<command line>', 0, '--decode-steps', `'${v}' is not a list of whole step counts 1–64 (e.g. 1,4,16)`);
  }
  if (new Set(steps).size !== steps.length) throw inputError('bad-flag', '<command line>', 0, '--decode-steps', `'${v}' names a step count twice`);
  return steps;
}

/** `--clock-sms 96,116,132`, `--prefill-sizes 512,2048`: distinct whole numbers in [min, max], in the order given. */
function wholeList(flag: string, min: number, max: number, example: string): (v: string) => number[] {
  return (v: string): number[] => {
    const parts = v.split(',').map((s) => s.trim());
    const values = parts.map(Number);
    if (parts.some((s) => !/^\d+$/.test(s)) || values.some((x) => x < min || x > max)) {
      throw inputError('bad-flag', '<command line>', 0, flag, `'${v}' is not a list of whole numbers ${min}–${max} (e.g. ${example})`);
    }
    if (new Set(values).size !== values.length) throw inputError('bad-flag', '<command line>', 0, flag, `'${v}' names a value twice`);
    return values;
  };
}

/** Writes a result file named by `flag`: path checked, temporary file, renamed into place. */
function writeOut(io: CliIo, flag: string, path: string, text: string): void {
  writeOutputFile(flag, path, io.cwd, text);
}

function registerPlan(cal: Command, io: CliIo): void {
  cal
    .command('plan')
    .description('write a measurement plan (ceilings, operators, forwards, concurrent pairs) for models on a GPU; deterministic')
    .option('--model <name|path>', 'model to plan for (repeatable)', collect, [])
    .option('--hardware <name|path>', 'GPU: SM count, partition granularity, perf for the runtime estimate', 'h100-sxm')
    .option('--sm-count <n>', "override the GPU's SM count (e.g. a part the YAML does not describe)", parseNumber('--sm-count', { integer: true, min: 1 }))
    .option('--granularity <n>', 'override the partition granularity in SMs (also the smallest partition)', parseNumber('--granularity', { integer: true, min: 1 }))
    .option('--repeats <n>', 'timed repeats per experiment', parseNumber('--repeats', { integer: true, min: 1 }), 10)
    .option('--warmup <n>', 'untimed repeats first', parseNumber('--warmup', { integer: true, min: 0 }), 2)
    .option('--profile <name>', `which plan: ${Object.entries(PLAN_PROFILES).map(([name, p]) => `'${name}' (${p.what})`).join('; ')}`, 'standard')
    .option('--decode-steps <k,...>', 'clock-sizes profile: the decode steps between two prefills in the serving regime, each size timed with each (default 4)', parseStepList)
    .option('--clock-sms <n,...>', 'clock-sizes profile: the partitions timed (default: the whole GPU and 96 SMs); each must be a partition the GPU can make', wholeList('--clock-sms', 1, 4096, '96,116,132'))
    .option('--prefill-sizes <n,...>', 'clock-sizes profile: the prefill lengths in tokens (default 512,1024,2048,4096)', wholeList('--prefill-sizes', 1, 131072, '1024,2048'))
    .option('--unseen-model <name|path>', 'reference and remainder-validation profiles: a model measured for validation only, never fitted (repeatable)', collect, [])
    .option('-o, --out <file>', 'plan JSON (default: stdout)')
    .action((o: { model: string[]; hardware: string; smCount?: number; granularity?: number; repeats: number; warmup: number; profile: string; unseenModel: string[]; decodeSteps?: number[]; clockSms?: number[]; prefillSizes?: number[]; out?: string }) => {
      const profile = Object.hasOwn(PLAN_PROFILES, o.profile) ? PLAN_PROFILES[o.profile as PlanProfile] : undefined;
      if (!profile) {
        throw inputError('bad-flag', '<command line>', 0, '--profile', `'${o.profile}' is not a profile: ${Object.keys(PLAN_PROFILES).join(', ')}`);
      }
      for (const [flag, given] of [['--decode-steps', o.decodeSteps], ['--clock-sms', o.clockSms], ['--prefill-sizes', o.prefillSizes]] as const) {
        if (given && o.profile !== 'clock-sizes') throw inputError('bad-flag', '<command line>', 0, flag, `only the clock-sizes profile takes ${flag}`);
      }
      if (o.unseenModel.length > 0 && o.profile !== 'reference' && o.profile !== 'remainder-validation') throw inputError('bad-flag', '<command line>', 0, '--unseen-model', 'only the reference and remainder-validation profiles plan unseen models');
      const names = o.model.length > 0 ? o.model : DEFAULT_MODELS;
      const models = names.map((n) => {
        const spec = loadModel(n, { cwd: io.cwd });
        return { key: spec.name, spec };
      });
      const unseen = o.unseenModel.map((n) => {
        const spec = loadModel(n, { cwd: io.cwd });
        return { key: spec.name, spec, unseen: true };
      });
      const base = loadHardware(o.hardware, { cwd: io.cwd });
      const granularitySms = o.granularity ?? base.partition.granularitySms;
      const hw = { ...base, smCount: o.smCount ?? base.smCount, partition: { ...base.partition, granularitySms, minSms: o.granularity ?? base.partition.minSms } };
      if (granularitySms > hw.smCount) throw inputError('bad-flag', '<command line>', 0, '--granularity', `${granularitySms} SMs is more than the GPU's ${hw.smCount}`);
      for (const sms of o.clockSms ?? []) {
        if (sms !== hw.smCount && !isValidPartitionSize(hw, sms)) throw inputError('bad-flag', '<command line>', 0, '--clock-sms', `${sms} SMs is not a partition ${hw.name} can make: ${describeValidSizes(hw)}`);
      }
      const clock = { ...(o.decodeSteps ? { decodeSteps: o.decodeSteps } : {}), ...(o.clockSms ? { smCounts: o.clockSms } : {}), ...(o.prefillSizes ? { prefillSizes: o.prefillSizes } : {}) };
      const plan = profile.generate({ models: [...models, ...unseen], hardware: hw, repeats: o.repeats, warmup: o.warmup, ...clock });
      const text = JSON.stringify(plan, null, 1) + '\n';
      if (o.out) writeOut(io, '--out', o.out, text);
      else io.stdout(text);
      const estimate = estimatePlan(plan, Object.fromEntries([...models, ...unseen].map((m) => [m.key, m.spec])), hw);
      io.stderr(formatPlanEstimate(estimate, o.repeats, o.warmup));
    });
}

function registerRun(cal: Command, io: CliIo): void {
  cal
    .command('run')
    .description('measure a plan on this machine\'s GPU (addon in process, or the duet_runner executable); JSONL out, resumable')
    .requiredOption('--plan <file>', 'plan JSON')
    .requiredOption('--out <file>', 'measurement JSONL')
    .option('--backend <addon|runner>', 'which build to use (default: the addon if built, else the runner)', parseChoice('--backend', ['addon', 'runner'] as const))
    .option('--runner <path>', 'duet_runner executable (default: cuda/build/duet_runner)')
    .option('--resume', 'skip experiments whose ids are already in --out')
    .option('--kernels <own|torch>', "'own': our CUDA kernels (addon or duet_runner); 'torch': the kernels a serving engine runs, through cuda/reference/torch_runner.py (cuBLAS, cuDNN/FlashAttention SDPA, Triton)", parseChoice('--kernels', ['own', 'torch'] as const), 'own')
    .option('--python <path>', "with --kernels torch: the Python that has PyTorch, Triton and cuda-bindings", 'python3')
    .option('--max-seconds <s>', 'with --kernels torch: stop cleanly after about this long (continue with --resume)', parseNumber('--max-seconds', { min: 0 }), 0)
    .action(async (o: { plan: string; out: string; backend?: BackendName; runner?: string; resume?: boolean; kernels: 'own' | 'torch'; python: string; maxSeconds: number }) => {
      const planPath = resolve(io.cwd, o.plan);
      if (!existsSync(planPath)) throw inputError('calib.no-file', o.plan, 0, '--plan', 'no such plan file');
      const plan = parsePlan(readFileSync(planPath, 'utf8'), o.plan);
      checkOutputPath('--out', o.out, io.cwd);
      const runOpts = { plan, outPath: resolve(io.cwd, o.out), resume: Boolean(o.resume), progress: io.stderr };
      if (o.kernels === 'torch') {
        if (o.backend || o.runner) throw inputError('bad-flag', '<command line>', 0, o.backend ? '--backend' : '--runner', 'chooses a build of our kernels; --kernels torch runs the reference backend instead');
        try {
          await runWithReference(o.python, packageRoot(), planPath, { ...runOpts, maxSeconds: o.maxSeconds });
        } catch (e) {
          // A missing interpreter or a failed run is the user's environment, not a duetsim bug: say so, exit 1.
          const why = (e as NodeJS.ErrnoException).code === 'ENOENT' ? `${o.python} not found (--python names the Python that has PyTorch)` : (e as Error).message;
          throw new CliExit(1, `calibrate run --kernels torch: ${why}`);
        }
        return;
      }
      if (o.maxSeconds > 0) throw inputError('bad-flag', '<command line>', 0, '--max-seconds', 'only the reference backend (--kernels torch) stops on a time limit; stop duet_runner and rerun with --resume');
      await gpuCommand(() =>
        withBackend(o.backend, o.runner && resolve(io.cwd, o.runner), packageRoot(), (addon) => runWithAddon(addon, o.plan, runOpts), (runner) => runWithRunner(runner, planPath, runOpts)),
      );
    });
}

function load(io: CliIo, data: readonly string[], plan: string | undefined): LoadedData {
  const loaded = loadData(io.cwd, data, plan);
  noteSkipped(io, loaded.skipped);
  return loaded;
}

function noteSkipped(io: CliIo, skipped: readonly string[]): void {
  for (const f of skipped) io.stderr(`note: ${f} is not measurement output (no meta line); left out\n`);
}

/** A data path named by its own flag (not --data), refused where it does not exist. */
function requireExisting(io: CliIo, flag: string, path: string): void {
  if (!existsSync(resolve(io.cwd, path))) throw inputError('calib.no-file', path, 0, flag, 'no such file or folder');
}

/** --data, --plan and (for fit and validate) --hardware: what the data-reading subcommands share. */
function dataOptions(cmd: Command, withHardware: boolean): Command {
  cmd
    .requiredOption('--data <dir|file>', 'measurement JSONL, or a folder of them (repeatable)', collect, [])
    .option('--plan <file>', 'plan the data was measured from (default: plan.json beside the data)');
  return withHardware ? cmd.option('--hardware <name|path>', 'hardware YAML the calibration is for', 'h100-sxm') : cmd;
}

interface FitFlags {
  data: string[];
  hardware: string;
  plan?: string;
  write?: boolean;
  json?: string;
  form?: string;
  quiet?: boolean;
  recordedChoices?: boolean;
  /** Data folders or files with --gemm-kernels (one run each, combined); false with --no-gemm-kernels (commander's negation). */
  gemmKernels?: string[] | false;
  /** The gemm-rows runs on the other side of the groups (GemmKernelTable.remainderSmsDrawn). */
  gemmKernelsOtherSide?: string[];
  /** --clock-aware / --no-clock-aware; undefined: clock-aware where every training forward carries its clock. */
  clockAware?: boolean;
  /** The remainder-ops run (RemainderOpsTable); false with --no-remainder-ops. */
  remainderOps?: string | false;
  /** The remainder-ops run on the other side of the groups. */
  remainderOpsOtherSide?: string;
}

/**
 * --recorded-choices: the candidate terms the hardware YAML's physics `calibrated:` section records (GEMM tiles,
 * waves, class tails), so the fit runs once instead of searching fourteen candidates (sixteen with a kernel table that records tiles, seventeen with its timings or time factors). Refused, located, when
 * the section is missing or in the ceiling form (which records none).
 */
function recordedChoicesOf(source: { readonly text: string; readonly file: string }, calibrated: PerfSpec | null, form: FitForm | undefined): ReturnType<typeof recordedFitChoices> {
  if (form === 'ceiling') throw inputError('bad-flag', '<command line>', 0, '--recorded-choices', "the ceiling form has no candidate terms; drop --form ceiling or --recorded-choices");
  if (!calibrated) throw inputError('calib.no-recorded-choices', source.file, 0, 'calibrated', 'no calibrated: section to take the fit choices from (--recorded-choices); run fit without it to search them');
  if (calibrated.kernelRule !== 'tail') {
    const line = source.text.split('\n').findIndex((l) => /^calibrated:/.test(l)) + 1;
    throw inputError('calib.no-recorded-choices', source.file, line, 'calibrated', 'the calibrated: section is in the ceiling form and records no candidate terms (--recorded-choices needs a physics-form section)');
  }
  return recordedFitChoices(calibrated);
}

function formFlag(v: string | undefined): FitForm | undefined {
  if (v === undefined) return undefined;
  if (!(FIT_FORMS as readonly string[]).includes(v)) throw inputError('bad-flag', '<command line>', 0, '--form', `'${v}' is not a model form: ${FIT_FORMS.join(' or ')}`);
  return v as FitForm;
}

/** Fit from the data against the hardware's seed spec (its perf is what gets replaced). */
function fitFrom(io: CliIo, o: FitFlags) {
  const loaded = load(io, o.data, o.plan);
  const source = readConfig('hardware', o.hardware, io.cwd);
  const config = parseHardwareYaml(source.text, source.file);
  const hardware = config.seed;
  const started = performance.now();
  // The physics form's candidate search is fourteen fits (sixteen with recorded tiles, seventeen with recorded times) (minutes on a laptop): one line each on stderr.
  const onCandidate = o.quiet
    ? undefined
    : (c: CandidateProgress): void =>
        io.stderr(`fit: candidate ${c.index}/${c.total} ${c.label}: training forward MAPE ${(100 * c.trainingForwardMape).toFixed(3)}%${c.kept ? ' (best so far)' : ''}, ${((performance.now() - started) / 1000).toFixed(0)} s\n`);
  const form = formFlag(o.form);
  const choices = o.recordedChoices ? { ...recordedChoicesOf(source, config.calibrated, form), form: 'physics' as const } : { form };
  const { table: gemmKernels, records: gemmRecords } = kernelTableFor(io, o, source.file, hardware, config.calibrated?.gemmKernels);
  const remainderOps = remainderOpsFor(io, o, source.file, hardware, config.calibrated?.remainderOps);
  const clock = o.clockAware === undefined ? {} : { clockAware: o.clockAware };
  const fit = fitCalibration({ hardware, models: loaded.models, data: loaded.data, unseenModels: loaded.plan.unseenModels ?? [], onCandidate, ...choices, ...clock, gemmKernels, gemmRecords, remainderOps });
  const unsettled = unsettledClockForwards(fit.perf, fit.forward.train);
  if (unsettled.length > 0 && !o.quiet) {
    const sms = [...new Set(unsettled.map((r) => r.smCount))].sort((a, b) => a - b);
    io.stderr(
      `fit: ${unsettled.length} of ${fit.forward.train.length} training forwards (on ${sms.join(', ')} SMs, where the cap holds the clock down) were timed without --settle-seconds: ` +
        `a short compute-heavy one reads a clock its kernels did not run at; re-measure with the reference runner's --settle-seconds 1 --settle-min-sms ${sms[0]} (calibrate/README.md, "Clock-aware fit")\n`,
    );
  }
  return { loaded, source, hardware, fit };
}

/**
 * The GEMM kernel table the fit prices with (GemmKernelTable): derived from --gemm-kernels data, with that
 * data's GEMM timings (for the fit's recorded-times term), else the one the YAML's calibrated: section records
 * (it is measured, not fitted, so a refit keeps it, with any time factors it records), else none.
 * --no-gemm-kernels fits without one. Which one is said on stderr.
 */
function kernelTableFor(io: CliIo, o: FitFlags, file: string, hardware: HardwareSpec, recorded: GemmKernelTable | undefined): { table?: GemmKernelTable; records?: OpRecord[] } {
  if (o.gemmKernels === false) {
    if (o.gemmKernelsOtherSide) throw inputError('bad-flag', '<command line>', 0, '--gemm-kernels-other-side', 'it adds to the table --gemm-kernels derives; --no-gemm-kernels fits without one');
    return {};
  }
  if (o.gemmKernels) {
    const runs = gemmRuns(io, '--gemm-kernels', o.gemmKernels, undefined, o.quiet);
    const d = deriveGemmKernels(hardware, runs.data, undefined, runs.source);
    if (!o.quiet) io.stderr(`fit: GEMM kernel table from ${o.gemmKernels.join(' + ')}: ${d.table.shapes.length} shapes × ${d.table.rows.length} token counts, remainder hosts ≤ ${d.table.remainderMaxCtas} CTAs (${d.side} groups)\n`);
    if (!o.gemmKernelsOtherSide) return { table: d.table, records: gemmOpRecords(runs.data) };
    const otherRuns = gemmRuns(io, '--gemm-kernels-other-side', o.gemmKernelsOtherSide, undefined, o.quiet);
    const other = deriveGemmKernels(hardware, otherRuns.data, undefined, otherRuns.source);
    const table = withOtherSide(d, runs.data, other, otherRuns.data);
    if (!o.quiet) io.stderr(`fit: the ${other.side} groups' remainder SMs drawn by narrow GEMMs from ${o.gemmKernelsOtherSide.join(' + ')}\n`);
    return { table, records: gemmOpRecords(runs.data) };
  }
  if (o.gemmKernelsOtherSide) throw inputError('bad-flag', '<command line>', 0, '--gemm-kernels-other-side', "it needs --gemm-kernels (the first side's run, from which the table is derived)");
  if (recorded && !o.quiet) io.stderr(`fit: GEMM kernel table kept from ${file} (${recorded.source}); --gemm-kernels to re-derive, --no-gemm-kernels for none\n`);
  return recorded ? { table: recorded } : {};
}

/**
 * The remainder SMs decode attention and the elementwise ops draw (RemainderOpsTable): derived from --remainder-ops data
 * (plus --remainder-ops-other-side), else the table the YAML's calibrated: section records (measured, so a refit keeps
 * it), else none; --no-remainder-ops fits without one. Which one is said on stderr.
 */
function remainderOpsFor(io: CliIo, o: FitFlags, file: string, hardware: HardwareSpec, recorded: RemainderOpsTable | undefined): RemainderOpsTable | undefined {
  if (o.remainderOps === false) {
    if (o.remainderOpsOtherSide) throw inputError('bad-flag', '<command line>', 0, '--remainder-ops-other-side', 'it adds to the table --remainder-ops derives; --no-remainder-ops fits without one');
    return undefined;
  }
  if (o.remainderOps) {
    const data = load(io, [o.remainderOps], undefined).data;
    const d = deriveRemainderOps(hardware, data);
    if (!o.quiet) io.stderr(`fit: remainder SMs drawn by decode attention and elementwise ops from ${o.remainderOps} (${d.side} groups, ${d.placements.length} partitions × classes)\n`);
    if (!o.remainderOpsOtherSide) return d.table;
    const otherData = load(io, [o.remainderOpsOtherSide], undefined).data;
    const other = deriveRemainderOps(hardware, otherData);
    if (!o.quiet) io.stderr(`fit: the ${other.side} groups' from ${o.remainderOpsOtherSide}\n`);
    return withOtherSideOps(d, data, other, otherData);
  }
  if (o.remainderOpsOtherSide) throw inputError('bad-flag', '<command line>', 0, '--remainder-ops-other-side', "it needs --remainder-ops (the first side's run)");
  if (recorded && !o.quiet) io.stderr(`fit: remainder-ops table kept from ${file} (${recorded.source}); --remainder-ops to re-derive, --no-remainder-ops for none\n`);
  return recorded;
}

function formOption(cmd: Command): Command {
  return cmd
    .option('--quiet', 'no progress lines on stderr')
    .option('--gemm-kernels <dir|file>', "GEMM measurements with kernel names (the gemm-rows plan, reference runner --kernel-names): price cuBLAS's clustered kernels on partitions holding the GPC remainder; repeatable: one run each (e.g. the shipped models' and your own model's), an experiment in several kept from the first (default: the table the YAML's calibrated: section records)", collectRuns)
    .option('--no-gemm-kernels', 'fit without a GEMM kernel table (not even the one the YAML records)')
    .option('--gemm-kernels-other-side <dir|file>', 'the same gemm-rows plans run on the other side of the SM groups (torch_runner.py --partition-side last): records the remainder SMs narrow GEMMs draw there (remainderSmsDrawn), so a pair\'s decode lane is priced on its own side; repeatable like --gemm-kernels', collectRuns)
    .option('--remainder-ops <dir|file>', 'the remainder-ops plan run on one side of the groups: records the remainder SMs decode attention and the elementwise ops draw on partitions holding the GPC remainder (default: the table the YAML\'s calibrated: section records)')
    .option('--no-remainder-ops', 'fit without a remainder-ops table (not even the one the YAML records)')
    .option('--remainder-ops-other-side <dir|file>', 'the same remainder-ops plan run on the other side of the groups (torch_runner.py --partition-side)')
    .option('--clock-aware', "physics form: price each training forward at the NVML clock its record carries, the curves at the GPU's maximum clock (default where every training forward carries one)")
    .option('--no-clock-aware', "fit the curves to the training forwards' own mix of clocks, even where their records carry them")
    .option('--recorded-choices', "physics form: fit once with the candidate terms the hardware YAML's calibrated: section records (GEMM tiles, waves, class tails, recorded tiles and times) instead of searching fourteen to seventeen")
    .option('--form <form>', "model form: 'physics' (saturating W(S), bandwidth-bound decode attention, shared-resource contention, clock regimes) or 'ceiling'; default: physics for reference-runner data, ceiling for duet_runner data");
}

function registerFit(cal: Command, io: CliIo): void {
  formOption(dataOptions(cal.command('fit'), true))
    .description('fit Π(S), W(S), per-class efficiencies, kernel floor and contention to measurements (training split only)')
    .option('--write', 'write the calibrated: section into the hardware YAML (other content and comments kept)')
    .option('--json <file>', 'write the fitted perf and residuals as JSON')
    .action((o: FitFlags) => {
      const { loaded, source, fit } = fitFrom(io, o);
      io.stdout(formatFit(fit.perf, fit.residuals, fit.forwardWeight, fit.computeRescale, fit.contentionForms));
      const contentionForms = fit.contentionForms.map((f) => ({
        power_share: f.form.powerShare ?? 'compute-bound',
        tensor_term: f.form.tensorTerm === true,
        exposure: f.form.exposure ?? 'full',
        bandwidth_exposure: f.form.bandwidthExposure ?? 'full',
        score: f.score,
        scored_by: f.scoredBy,
      }));
      if (o.json) writeOut(io, '--json', o.json, JSON.stringify({ perf: fit.perf, forward_weight: fit.forwardWeight, compute_rescale: fit.computeRescale, bandwidth_rescale: fit.bandwidthRescale, residuals: fit.residuals, contention_forms: contentionForms }, null, 1) + '\n');
      if (o.write) {
        const text = withCalibratedSection(source.text, source.file, fit.perf, loaded.data, fit.residuals);
        // Read it back as the simulator will: a section the loader refuses (e.g. a ceiling above the
        // datasheet peak) is reported here, and the file is left as it was.
        parseHardwareYaml(text, source.file);
        writeFileSync(source.file, text);
        io.stderr(`wrote calibrated: to ${source.file}\n`);
      }
    });
}

function registerValidate(cal: Command, io: CliIo, reportHtmlFromFiles: CalibratePages['reportHtmlFromFiles']): void {
  formOption(dataOptions(cal.command('validate'), true))
    .description('predicted vs measured on held-out forward and concurrent points: MAPE, p90, worst per family; PASS/FAIL against the targets')
    .option('--use-config', "validate the YAML's calibrated: section (without any servingCorrection:) instead of fitting the data's training split now")
    .option('--blind-gemm-shapes <model>', "judge as if this model's GEMMs had never been timed: its linear shapes that no other model of the plan has leave the kernel table (the never-fitted model from its config alone); repeatable", collect, [])
    .option('--json <file>', 'write {points, summary} JSON')
    .option('--html <file>', 'write an HTML page (reports/ generator)')
    .action((o: FitFlags & { useConfig?: boolean; html?: string; blindGemmShapes: string[] }) => {
      let hw;
      let loaded;
      if (o.useConfig) {
        // --use-config judges the section as written; the flags that choose how to fit have nothing to act on.
        const tables = [
          [o.gemmKernels === false ? '--no-gemm-kernels' : '--gemm-kernels', o.gemmKernels !== undefined],
          ['--gemm-kernels-other-side', o.gemmKernelsOtherSide !== undefined],
          [o.remainderOps === false ? '--no-remainder-ops' : '--remainder-ops', o.remainderOps !== undefined],
          ['--remainder-ops-other-side', o.remainderOpsOtherSide !== undefined],
        ] as const;
        for (const [flag, given] of [['--recorded-choices', o.recordedChoices], ['--form', o.form !== undefined], [o.clockAware === false ? '--no-clock-aware' : '--clock-aware', o.clockAware !== undefined], ...tables] as const) {
          if (given) throw inputError('bad-flag', '<command line>', 0, flag, `${flag} chooses how to fit; --use-config validates the YAML's calibrated: section without fitting`);
        }
        loaded = load(io, o.data, o.plan);
        // The calibration data were timed in the harness's regime: judge the calibrated: section alone.
        hw = loadHardware(o.hardware, { cwd: io.cwd, useServingCorrection: false });
      } else {
        const f = fitFrom(io, o);
        loaded = f.loaded;
        hw = { ...f.hardware, perf: f.fit.perf };
      }
      for (const name of o.blindGemmShapes) {
        if (!loaded.models[name]) throw inputError('bad-flag', '<command line>', 0, '--blind-gemm-shapes', `'${name}' is not a model of ${loaded.planPath} (${Object.keys(loaded.models).join(', ')})`);
      }
      const report = validateCalibration(loaded.models, hw, loaded.data, loaded.plan.unseenModels ?? [], { blindGemmShapesOf: o.blindGemmShapes });
      io.stdout(formatValidation(report));
      // The HTML page is drawn by reports/ from the JSON file, which is kept beside it when --json is not given.
      const jsonPath = o.json ?? (o.html ? o.html.replace(/\.html?$/i, '') + '.validation.json' : undefined);
      if (jsonPath) writeOut(io, o.json ? '--json' : '--html', jsonPath, JSON.stringify(report, null, 1) + '\n');
      if (o.html && jsonPath) {
        writeOut(io, '--html', o.html, reportHtmlFromFiles([resolve(io.cwd, jsonPath)]));
        io.stderr(`wrote ${o.html} (from ${jsonPath})\n`);
      }
    });
}

function registerQuality(cal: Command, io: CliIo): void {
  dataOptions(cal.command('quality'), false)
    .description('kernel quality: achieved TFLOP/s and GB/s of each operator vs the ceilings at its SM count; prefill attention vs PyTorch')
    .option('--torch <file>', 'PyTorch baselines JSON (cuda/tools/torch_attention_ref.py or cuda/tests/bench_attn_prefill.py)')
    .option('--worst <n>', 'list this many of the lowest kernels', parseNumber('--worst', { integer: true, min: 0 }), 10)
    .option('--json <file>', 'write the report as JSON')
    .action((o: { data: string[]; plan?: string; torch?: string; worst: number; json?: string }) => {
      const { data, models } = load(io, o.data, o.plan);
      const torch = o.torch ? parseTorchRef(readFileSync(resolve(io.cwd, o.torch), 'utf8'), o.torch) : null;
      const lmHeads = Object.values(models).map((m) => ({ hiddenSize: m.hiddenSize, vocabSize: m.vocabSize }));
      const q = kernelQuality(data, lmHeads, torch);
      io.stdout(formatQuality(q, o.worst));
      if (o.json) writeOut(io, '--json', o.json, JSON.stringify(q, null, 1) + '\n');
    });
}

function registerGemmKernels(cal: Command, io: CliIo): void {
  dataOptions(cal.command('gemm-kernels'), true)
    .description("cuBLAS's thread-block clusters per GEMM shape and token count, from kernel names (gemm-rows plan): which GEMMs cannot use the GPC remainder's SMs; the table fit --gemm-kernels prices with")
    .option('--remainder-max-ctas <n>', 'largest cluster the remainder hosts, when the data cannot show it (no GEMM timed both on a partition holding the remainder and on its whole groups)', parseNumber('--remainder-max-ctas', { integer: true, min: 1, max: 16 }))
    .option('--json <file>', 'write the derivation (table, ratios per cluster size, narrow GEMMs on the remainder, left-out records) as JSON')
    .action((o: { data: string[]; plan?: string; hardware: string; remainderMaxCtas?: number; json?: string }) => {
      if (o.json) checkOutputPath('--json', o.json, io.cwd);
      // Each --data one run, combined as fit --gemm-kernels combines them.
      const runs = gemmRuns(io, '--data', o.data, o.plan, false);
      const source = readConfig('hardware', o.hardware, io.cwd);
      const d = deriveGemmKernels(parseHardwareYaml(source.text, source.file).seed, runs.data, o.remainderMaxCtas, runs.source);
      io.stdout(formatGemmKernels(d) + '\n');
      if (o.json) writeOut(io, '--json', o.json, JSON.stringify(d, null, 1) + '\n');
    });
}

function registerRemainderOps(cal: Command, io: CliIo): void {
  dataOptions(cal.command('remainder-ops'), true)
    .description('the remainder SMs decode attention and the elementwise ops draw on partitions holding the GPC remainder, from the remainder-ops plan run on one side of the groups: the table fit --remainder-ops prices with')
    .option('--json <file>', 'write the derivation (table, placements per class and partition) as JSON')
    .action((o: { data: string[]; plan?: string; hardware: string; json?: string }) => {
      if (o.json) checkOutputPath('--json', o.json, io.cwd);
      const { data } = load(io, o.data, o.plan);
      const source = readConfig('hardware', o.hardware, io.cwd);
      const d = deriveRemainderOps(parseHardwareYaml(source.text, source.file).seed, data);
      io.stdout(formatRemainderOps(d) + '\n');
      if (o.json) writeOut(io, '--json', o.json, JSON.stringify(d, null, 1) + '\n');
    });
}

function registerCompareKernels(cal: Command, io: CliIo): void {
  cal
    .command('compare-kernels')
    .description('kernel quality table: our kernels beside the reference backend (production kernels) on the same shapes and SM counts; Markdown on stdout')
    .requiredOption('--ours <dir|file>', 'duet_runner measurements (our CUDA kernels)')
    .requiredOption('--reference <dir|file>', 'cuda/reference/torch_runner.py measurements')
    .option('--json <file>', 'write the comparison as JSON')
    .action((o: { ours: string; reference: string; json?: string }) => {
      if (o.json) checkOutputPath('--json', o.json, io.cwd);
      // Named by their own flags (load() would call either one --data).
      requireExisting(io, '--ours', o.ours);
      requireExisting(io, '--reference', o.reference);
      const ours = load(io, [o.ours], undefined);
      const ref = load(io, [o.reference], undefined);
      const lmHeads = Object.values({ ...ours.models, ...ref.models }).map((m) => ({ hiddenSize: m.hiddenSize, vocabSize: m.vocabSize }));
      const c = compareKernels(ours.data, ref.data, lmHeads);
      if (c.pairs.length === 0) throw inputError('calib.no-common-ops', o.reference, 0, '--reference', 'no operator was measured on the same shape and SM count by both backends');
      io.stdout(formatKernelComparison(c));
      if (o.json) writeOut(io, '--json', o.json, JSON.stringify(c, null, 1) + '\n');
    });
}

/** One run's measurements named by its own flag (the two-run commands: repeatability, compare-settings). */
function readRun(io: CliIo, flag: string, path: string) {
  requireExisting(io, flag, path);
  const { data, skipped } = loadMeasurements(io.cwd, [path]);
  noteSkipped(io, skipped);
  return data;
}

function registerRepeatability(cal: Command, io: CliIo): void {
  cal
    .command('repeatability')
    .description('run-to-run spread: the same plan measured twice on one GPU model, each timing matched by experiment id (|second ÷ first − 1|: median, mean, p90, worst per record kind); the noise floor for validate\'s errors')
    .requiredOption('--first <dir|file>', 'measurements of the first run')
    .requiredOption('--second <dir|file>', 'measurements of the repeat (same plan; may be a subset of it)')
    .option('--json <file>', 'write the spread as JSON')
    .action((o: { first: string; second: string; json?: string }) => {
      if (o.json) checkOutputPath('--json', o.json, io.cwd);
      const first = readRun(io, '--first', o.first);
      const second = readRun(io, '--second', o.second);
      let r;
      try {
        r = compareRuns(first, second);
      } catch (e) {
        throw inputError('calib.repeat', o.second, 0, '--second', (e as Error).message);
      }
      io.stdout(formatRepeatability(r));
      if (o.json) writeOut(io, '--json', o.json, JSON.stringify(r, null, 1) + '\n');
    });
}

function registerCompareSettings(cal: Command, io: CliIo): void {
  cal
    .command('compare-settings')
    .description('a tuning sweep: the same plan run under two settings of the executor (DUET_* variables), each timing of the other run ÷ the base run\'s by experiment id, median (min–max) per operator class and SM count; Markdown on stdout')
    .requiredOption('--base <dir|file>', 'measurements under the base setting (usually the defaults)')
    .requiredOption('--other <dir|file>', 'measurements of the same plan under the setting tried')
    .option('--class <name>', 'only this operator class or record kind (attn_decode, attn_prefill, elementwise, gemm, forward, ceiling_bandwidth, ...)')
    .option('--ids <regex>', 'only the experiments whose id matches (JavaScript regular expression), e.g. one shape: \'-p512\\+0-\'')
    .option('--json <file>', 'write the comparison as JSON')
    .action((o: { base: string; other: string; class?: string; ids?: string; json?: string }) => {
      if (o.json) checkOutputPath('--json', o.json, io.cwd);
      let ids: RegExp | undefined;
      try {
        ids = o.ids === undefined ? undefined : new RegExp(o.ids);
      } catch (e) {
        throw inputError('bad-flag', '<command line>', 0, '--ids', `not a regular expression: ${(e as Error).message}`);
      }
      const base = readRun(io, '--base', o.base);
      const other = readRun(io, '--other', o.other);
      let c;
      try {
        c = compareSettings(base, other, { only: o.class, ids });
      } catch (e) {
        if (!(e instanceof SettingCompareError)) throw e;
        // A class or pattern that leaves nothing to compare is that flag's fault; runs that do not belong together
        // (another GPU, no shared id) the second run's.
        if (e.about === 'runs') throw inputError('calib.settings', o.other, 0, '--other', e.message);
        throw inputError('bad-flag', '<command line>', 0, e.about === 'ids' ? '--ids' : '--class', e.message);
      }
      io.stdout(formatSettingComparison(c));
      if (o.json) writeOut(io, '--json', o.json, JSON.stringify(c, null, 1) + '\n');
    });
}

/**
 * The HTML pages that `calibrate validate --html` and `calibrate compare --html` (both modes) write. reports/ draws them and
 * sits above calibrate/, so the command is handed them: bin/commands.ts, the composition root above both,
 * passes reports/write-report.ts, which has this shape.
 */
export interface CalibratePages extends ComparePages {
  readonly reportHtmlFromFiles: (files: readonly string[]) => string;
}

export const makeCalibrateCommand = (pages: CalibratePages): CommandModule => ({
  name: 'calibrate',
  register(program, io) {
    const cal = program.command('calibrate').description('measure a GPU, fit the latency model to it, and check the fit on held-out points');
    registerPlan(cal, io);
    registerCompareKernels(cal, io);
    registerGemmKernels(cal, io);
    registerRemainderOps(cal, io);
    registerRepeatability(cal, io);
    registerCompareSettings(cal, io);
    registerRun(cal, io);
    registerFit(cal, io);
    registerValidate(cal, io, pages.reportHtmlFromFiles);
    registerQuality(cal, io);
    registerCompare(cal, io, pages);
    registerFitServing(cal, io);
    registerExecute(cal, io);
  },
});
