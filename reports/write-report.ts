import { readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { RunResult } from '../sim/metrics/results.js';
import type { ClosedLoopCompare } from '../calibrate/closed-loop/compare.js';
import type { LiveCompare } from '../calibrate/live-compare/compare.js';
import { renderComparePage } from './compare-page.js';
import { renderLiveComparePage } from './live-compare-page.js';
import { loadReportInputs } from './load-inputs.js';
import { renderReportHtml } from './render-html.js';
import { vendorBundles } from './vendor-bundles.js';

/**
 * The HTML pages as text (the CLI writes them through its checked, atomic output files), and
 * `write*` shorthands that save them directly (tests, scripts).
 */

/** The HTML report of one run (what `duetsim replay --report` writes); `name` titles it, e.g. "run.json". */
export function reportHtmlForResult(result: RunResult, name: string): string {
  return reportHtmlFromTexts([{ file: name, text: JSON.stringify(result) }]);
}

/**
 * One report from files read from disk as they are (`calibrate validate --html`, on the JSON it has just written).
 * Files from a user go through `reportHtmlFromTexts` after the CLI has read them as checked input (bin/report.ts).
 */
export function reportHtmlFromFiles(files: readonly string[]): string {
  return reportHtmlFromTexts(files.map((file) => ({ file, text: readFileSync(file, 'utf8') })));
}

/** The page of a closed-loop comparison (what `duetsim calibrate compare --html` writes). */
export function comparePageHtml(compare: ClosedLoopCompare): string {
  return renderComparePage(compare, vendorBundles());
}

/** The page of a simulated run against a live run (what `duetsim calibrate compare --simulated … --live … --html` writes). */
export function liveComparePageHtml(compare: LiveCompare): string {
  return renderLiveComparePage(compare, vendorBundles());
}

/** Writes the HTML report of one run. */
export function writeReport(result: RunResult, path: string): void {
  writeFileSync(path, reportHtmlForResult(result, `${basename(path, '.html')}.json`));
}

/** Reads results, study and calibration files and writes one report from all of them. */
export function writeReportFromFiles(files: readonly string[], path: string): void {
  writeFileSync(path, reportHtmlFromFiles(files));
}

/** Writes the page of a closed-loop comparison. */
export function writeComparePage(compare: ClosedLoopCompare, path: string): void {
  writeFileSync(path, comparePageHtml(compare));
}

/** Writes the page of a live-run comparison. */
export function writeLiveComparePage(compare: LiveCompare, path: string): void {
  writeFileSync(path, liveComparePageHtml(compare));
}

/** One report from the texts of results, study and calibration files (`file` names each in the page and in errors). */
export function reportHtmlFromTexts(files: ReadonlyArray<{ file: string; text: string }>): string {
  return renderReportHtml(loadReportInputs(files), vendorBundles());
}
