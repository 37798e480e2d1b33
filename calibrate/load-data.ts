import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { inputError } from '../sim/core/input-error.js';
import { readTextFile } from '../sim/core/read-text.js';
import type { ModelSpec } from '../sim/model/model-spec.js';
import type { MeasurementSet } from './measurement.js';
import { parseMeasurementSet } from './parse-measurements.js';
import { modelSpecsOf, parsePlan } from './parse-plan.js';
import type { Plan } from './plan-format.js';

/**
 * Reads what fit, validate and quality work from: measurement files (each `--data` argument a JSONL file
 * or a folder whose *.jsonl files are all read, in name order) and the plan they were measured from,
 * which holds the model architectures the forward records name (`--plan`, else `plan.json` beside the
 * first data file). Any of them may be gzip-compressed (`.jsonl.gz`, `plan.json.gz`): the older rounds'
 * raw records are kept that way so the repository stays small enough to send to a GPU host whole. Paths
 * are kept relative to `cwd` with forward slashes, so provenance written from the repository root is the
 * same on every machine.
 */
export interface LoadedData {
  readonly data: MeasurementSet;
  /** Files in a --data folder that are not measurement output (no meta line), left out. */
  readonly skipped: readonly string[];
  readonly plan: Plan;
  readonly planPath: string;
  readonly models: Record<string, ModelSpec>;
}

function displayPath(cwd: string, file: string): string {
  return relative(cwd, file).split(sep).join('/');
}

/**
 * The measurement files named by `--data`. A folder contributes its *.jsonl and *.jsonl.gz files whose first
 * line is a `meta` line (a runner or addon output); others there, such as the kernel check log (checks.jsonl), are
 * returned as `skipped` so the caller can say so. A file named directly is always read.
 */
export function dataFiles(cwd: string, args: readonly string[]): { files: string[]; skipped: string[] } {
  if (args.length === 0) throw inputError('calib.no-data', '<command line>', 0, '--data', 'give at least one measurement file or folder');
  const files: string[] = [];
  const skipped: string[] = [];
  for (const a of args) {
    const p = resolve(cwd, a);
    if (!existsSync(p)) throw inputError('calib.no-file', a, 0, '--data', 'no such file or folder');
    if (!statSync(p).isDirectory()) {
      files.push(p);
      continue;
    }
    const inFolder = readdirSync(p)
      .filter((f) => f.endsWith('.jsonl') || f.endsWith('.jsonl.gz'))
      .sort()
      .map((f) => join(p, f));
    for (const f of inFolder) (startsWithMeta(f) ? files : skipped).push(f);
    if (!inFolder.some(startsWithMeta)) throw inputError('calib.no-file', a, 0, '--data', 'folder holds no measurement JSONL (no file starts with a meta line)');
  }
  return { files, skipped };
}

/** A data or plan file as text, gunzipped when it is gzip (errors name `shown`). */
export function readDataText(file: string, shown: string): string {
  return readTextFile(file, shown, { gunzip: true });
}

function startsWithMeta(file: string): boolean {
  let first: string;
  try {
    first = readDataText(file, file).split('\n', 1)[0];
  } catch {
    return false; // not text (or a broken archive): not runner output; the folder check says so if none is
  }
  try {
    return (JSON.parse(first) as { kind?: unknown }).kind === 'meta';
  } catch {
    return false;
  }
}

/** The measurements `--data` names, without a plan (commands that need no model architectures). */
export function loadMeasurements(cwd: string, dataArgs: readonly string[]): { readonly data: MeasurementSet; readonly files: readonly string[]; readonly skipped: readonly string[] } {
  const { files, skipped } = dataFiles(cwd, dataArgs);
  const data = parseMeasurementSet(files.map((f) => ({ path: displayPath(cwd, f), text: readDataText(f, displayPath(cwd, f)) })));
  return { data, files, skipped: skipped.map((f) => displayPath(cwd, f)) };
}

export function loadData(cwd: string, dataArgs: readonly string[], planArg: string | undefined): LoadedData {
  const { data, files, skipped } = loadMeasurements(cwd, dataArgs);
  const beside = join(dirname(files[0]), 'plan.json');
  const planFile = planArg ? resolve(cwd, planArg) : existsSync(beside) || !existsSync(`${beside}.gz`) ? beside : `${beside}.gz`;
  if (!existsSync(planFile)) {
    throw inputError('calib.no-plan', displayPath(cwd, planFile), 0, '--plan', 'the plan the data was measured from is needed for the model architectures; pass --plan');
  }
  const planPath = displayPath(cwd, planFile);
  const plan = parsePlan(readDataText(planFile, planPath), planPath);
  return { data, skipped, plan, planPath, models: modelSpecsOf(plan, planPath) };
}
