import { readTextFile } from '../core/read-text.js';
import { parseStudy } from './parse-study.js';
import type { StudySpec } from './study-spec.js';

/** Reads and parses a study file; a missing file is an input error naming it. */
export function loadStudy(file: string): StudySpec {
  return parseStudy(readTextFile(file, file), file);
}
