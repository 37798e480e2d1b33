import { InputError, type InputProblem } from '../core/input-error.js';
import { lineKey, type StudyLine, type StudyLog } from './results-log.js';

export interface MergeResult {
  readonly lines: readonly StudyLine[];
  /** Lines dropped because an earlier file already had the same point or setting. */
  readonly duplicates: number;
  /** Files whose last line was partly written (and ignored). */
  readonly partialFiles: readonly string[];
}

/**
 * Merges shard files of one study: lines in file order, each point or capacity setting kept once (the
 * first seen; runs are deterministic, so repeats are equal). Files of different studies are refused,
 * naming the first line that differs from the first file's study.
 */
export function mergeStudyLogs(inputs: ReadonlyArray<{ readonly file: string; readonly log: StudyLog }>): MergeResult {
  const problems: InputProblem[] = [];
  let study: { hash: string; name: string; file: string } | null = null;
  for (const { file, log } of inputs) {
    const first = log.lines[0];
    if (first === undefined) continue;
    if (study === null) study = { hash: first.study, name: first.study_name, file };
    const i = log.lines.findIndex((l) => l.study !== study!.hash);
    if (i >= 0) {
      const other = log.lines[i] as StudyLine;
      problems.push({
        code: 'merge-other-study', file, line: i + 1, column: 0, field: 'study',
        message: `line belongs to study '${other.study_name}' (${other.study}), but ${study.file} is study '${study.name}' (${study.hash}); merge only shards of one study`,
      });
    }
  }
  if (problems.length > 0) throw new InputError(problems);
  const seen = new Set<string>();
  const lines: StudyLine[] = [];
  let duplicates = 0;
  for (const { log } of inputs) {
    for (const l of log.lines) {
      const key = lineKey(l);
      if (seen.has(key)) duplicates++;
      else {
        seen.add(key);
        lines.push(l);
      }
    }
  }
  return { lines, duplicates, partialFiles: inputs.filter((i) => i.log.partialTail).map((i) => i.file) };
}
