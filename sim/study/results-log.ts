import { closeSync, existsSync, openSync, truncateSync, writeSync } from 'node:fs';
import { quoteJson } from '../core/quote-input.js';
import { readTextFile } from '../core/read-text.js';
import type { ScenarioSpec } from '../engine/scenario.js';
import { ProblemList } from '../input/problem-list.js';
import { splitJsonLines } from '../input/json-line.js';
import type { RunResult, Summary } from '../metrics/results.js';
import type { CapacityResult } from './capacity.js';
import type { AxisValue } from './study-spec.js';

/**
 * The study results file: JSON Lines, one finished point (or capacity answer) per line, appended as
 * each finishes. A line is written with a single write ending in '\n', so a study killed mid-write
 * leaves at most one unterminated last line, which readers ignore and resume cuts off.
 */
export { STUDY_LINE_SCHEMA } from '../input/file-formats.js';
import { STUDY_LINE_SCHEMA } from '../input/file-formats.js';

interface LineHead {
  readonly schema: typeof STUDY_LINE_SCHEMA;
  /** Hash of the parsed study: lines of different studies never mix. */
  readonly study: string;
  readonly study_name: string;
  readonly coords: Readonly<Record<string, AxisValue>>;
  /** Set on lines a sharded run (`whatif --shard i/n`) wrote: lets `merge` tell a missing shard. */
  readonly shard?: ShardTag;
}

/** Which slice of the grid a line's run covered, and how many units that slice holds. */
export interface ShardTag {
  readonly index: number;
  readonly count: number;
  /** Units (grid points, or settings in a capacity study) in this shard. */
  readonly units: number;
  /** What a unit is: a point line, or (capacity studies) a capacity line; probe points do not count. */
  readonly unit: 'point' | 'capacity';
}

export interface PointLine extends LineHead {
  readonly kind: 'point';
  readonly point_id: string;
  readonly spec: ScenarioSpec;
  readonly summary: Summary;
  readonly cdf: RunResult['cdf'];
  /** Measured mean arrival rate of the simulated requests; absent in lines written before it was recorded. */
  readonly arrival_rate_qps?: number | null;
}

export interface CapacityLine extends LineHead {
  readonly kind: 'capacity';
  /** Hash of the setting's spec with the rate and seed left to the search. */
  readonly setting_id: string;
  readonly spec: ScenarioSpec;
  readonly capacity: CapacityResult;
}

export type StudyLine = PointLine | CapacityLine;

export interface StudyLog {
  readonly lines: readonly StudyLine[];
  /** The 1-based file line of each entry of `lines` (blank lines are skipped). */
  readonly lineNumbers: readonly number[];
  /** Bytes of the file up to the end of the last complete line. */
  readonly completeBytes: number;
  /** True when the file ended in a partly written line (ignored). */
  readonly partialTail: boolean;
}

/** Reads a study JSONL file. Malformed complete lines are errors located by line number. */
export function parseStudyLog(text: string, file: string): StudyLog {
  const lines: StudyLine[] = [];
  const lineNumbers: number[] = [];
  const problems = new ProblemList(file);
  const split = splitJsonLines(text);
  split.lines.forEach(({ line, text: raw }) => {
    const problem = (message: string, field = ''): void => problems.add('study-log-bad-line', line, field, message);
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (e) {
      return problem(`not valid JSON: ${(e as Error).message}`);
    }
    const missing = lineShapeProblem(value);
    if (missing !== null) return problem(missing.message, missing.field);
    lines.push(value as StudyLine);
    lineNumbers.push(line);
  });
  problems.throwIfAny();
  return { lines, lineNumbers, completeBytes: split.completeBytes, partialTail: split.tail.trim() !== '' };
}

function lineShapeProblem(v: unknown): { field: string; message: string } | null {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return { field: '', message: 'expected a JSON object' };
  const o = v as Record<string, unknown>;
  if (o.schema !== STUDY_LINE_SCHEMA) return { field: 'schema', message: `expected schema '${STUDY_LINE_SCHEMA}', got ${quoteJson(o.schema)}` };
  if (typeof o.study !== 'string') return { field: 'study', message: 'expected the study hash (a string)' };
  if (o.kind === 'point') {
    if (typeof o.point_id !== 'string') return { field: 'point_id', message: 'expected a string' };
    if (o.summary === null || typeof o.summary !== 'object') return { field: 'summary', message: 'expected an object' };
    return null;
  }
  if (o.kind === 'capacity') {
    if (typeof o.setting_id !== 'string') return { field: 'setting_id', message: 'expected a string' };
    if (o.capacity === null || typeof o.capacity !== 'object') return { field: 'capacity', message: 'expected an object' };
    return null;
  }
  return { field: 'kind', message: `expected 'point' or 'capacity', got ${quoteJson(o.kind)}` };
}

export function readStudyLog(file: string): StudyLog {
  return parseStudyLog(readTextFile(file, file), file);
}

/** The key a line is de-duplicated and resumed by. */
export function lineKey(line: StudyLine): string {
  return line.kind === 'point' ? `point:${line.point_id}` : `capacity:${line.setting_id}`;
}

/** Appends lines to a study file. Opened once; each line is one write. */
export class StudyLogWriter {
  private readonly fd: number;
  private constructor(fd: number) {
    this.fd = fd;
  }

  /** Starts a new file, replacing any old one. */
  static create(file: string): StudyLogWriter {
    return new StudyLogWriter(openSync(file, 'w'));
  }

  /** Continues a file: cuts a partial last line off first, so the next line starts on a line of its own. */
  static resume(file: string, log: StudyLog): StudyLogWriter {
    if (existsSync(file) && log.partialTail) truncateSync(file, log.completeBytes);
    return new StudyLogWriter(openSync(file, 'a'));
  }

  append(line: StudyLine): void {
    writeSync(this.fd, JSON.stringify(line) + '\n');
  }

  close(): void {
    closeSync(this.fd);
  }
}
