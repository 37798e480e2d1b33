import { readFileSync } from 'node:fs';
import { inputError } from '../core/input-error.js';
import { parseStudy } from './parse-study.js';
import type { StudySpec } from './study-spec.js';

/** Reads and parses a study file; a missing file is an input error naming it. */
export function loadStudy(file: string): StudySpec {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw inputError('study-unreadable', file, 0, '', `cannot read study file: ${(e as Error).message}`);
  }
  return parseStudy(text, file);
}
