import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { inputError } from '../sim/core/input-error.js';
import type { ModelSpec } from '../sim/model/model-spec.js';
import type { MeasurementSet } from './measurement.js';
import { parseMeasurementSet } from './parse-measurements.js';
import { modelSpecsOf, parsePlan } from './parse-plan.js';
import type { Plan } from './plan-format.js';

/**
 * Reads what fit, validate and quality work from: measurement files (each `--data` argument a JSONL file
 * or a folder whose *.jsonl files are all read, in name order) and the plan they were measured from,
 * which holds the model architectures the forward records name (`--plan`, else `plan.json` beside the
 * first data file). Paths are kept relative to `cwd` with forward slashes, so provenance written from the
 * repository root is the same on every machine.
 */
export interface LoadedData {
  readonly data: MeasurementSet;
  readonly plan: Plan;
  readonly planPath: string;
  readonly models: Record<string, ModelSpec>;
}

function displayPath(cwd: string, file: string): string {
  return relative(cwd, file).split(sep).join('/');
}

export function dataFiles(cwd: string, args: readonly string[]): string[] {
  if (args.length === 0) throw inputError('calib.no-data', '<command line>', 0, '--data', 'give at least one measurement file or folder');
  const out: string[] = [];
  for (const a of args) {
    const p = resolve(cwd, a);
    if (!existsSync(p)) throw inputError('calib.no-file', a, 0, '--data', 'no such file or folder');
    if (statSync(p).isDirectory()) {
      const files = readdirSync(p)
        .filter((f) => f.endsWith('.jsonl'))
        .sort();
      if (files.length === 0) throw inputError('calib.no-file', a, 0, '--data', 'folder holds no .jsonl measurement files');
      for (const f of files) out.push(join(p, f));
    } else out.push(p);
  }
  return out;
}

export function loadData(cwd: string, dataArgs: readonly string[], planArg: string | undefined): LoadedData {
  const files = dataFiles(cwd, dataArgs);
  const data = parseMeasurementSet(files.map((f) => ({ path: displayPath(cwd, f), text: readFileSync(f, 'utf8') })));
  const planFile = planArg ? resolve(cwd, planArg) : join(dirname(files[0]), 'plan.json');
  if (!existsSync(planFile)) {
    throw inputError('calib.no-plan', displayPath(cwd, planFile), 0, '--plan', 'the plan the data was measured from is needed for the model architectures; pass --plan');
  }
  const planPath = displayPath(cwd, planFile);
  const plan = parsePlan(readFileSync(planFile, 'utf8'), planPath);
  return { data, plan, planPath, models: modelSpecsOf(plan, planPath) };
}
