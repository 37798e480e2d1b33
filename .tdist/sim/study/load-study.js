import { readTextFile } from '../core/read-text.js';
import { parseStudy } from './parse-study.js';
/** Reads and parses a study file; a missing file is an input error naming it. */
export function loadStudy(file) {
    return readStudy(file).study;
}
/** The same, with the file's text (to locate values in it later, e.g. when checking the points). */
export function readStudy(file) {
    const text = readTextFile(file, file);
    return { study: parseStudy(text, file), text };
}
