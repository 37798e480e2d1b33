import { readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { RunResult } from '../sim/metrics/results.js';
import type { ClosedLoopCompare } from '../calibrate/closed-loop/compare.js';
import { renderComparePage } from './compare-page.js';
import { loadReportInputs } from './load-inputs.js';
import { renderReportHtml } from './render-html.js';
import { vendorBundles } from './vendor-bundles.js';

/** Writes the HTML report of one run (what `duetsim replay --report` calls). */
export function writeReport(result: RunResult, path: string): void {
  writeReportFromTexts([{ file: `${basename(path, '.html')}.json`, text: JSON.stringify(result) }], path);
}

/** Reads results, study and calibration files and writes one report from all of them. */
export function writeReportFromFiles(files: readonly string[], path: string): void {
  writeReportFromTexts(files.map((file) => ({ file, text: readFileSync(file, 'utf8') })), path);
}

/** Writes the page of a closed-loop comparison (what `duetsim calibrate compare --html` calls). */
export function writeComparePage(compare: ClosedLoopCompare, path: string): void {
  writeFileSync(path, renderComparePage(compare, vendorBundles()));
}

function writeReportFromTexts(files: ReadonlyArray<{ file: string; text: string }>, path: string): void {
  writeFileSync(path, renderReportHtml(loadReportInputs(files), vendorBundles()));
}
