import { readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
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
export function reportHtmlForResult(result, name) {
    return reportHtmlFromTexts([{ file: name, text: JSON.stringify(result) }]);
}
/** One report from results, study and calibration files, read from disk. */
export function reportHtmlFromFiles(files) {
    return reportHtmlFromTexts(files.map((file) => ({ file, text: readFileSync(file, 'utf8') })));
}
/** The page of a closed-loop comparison (what `duetsim calibrate compare --html` writes). */
export function comparePageHtml(compare) {
    return renderComparePage(compare, vendorBundles());
}
/** The page of a simulated run against a live run (what `duetsim calibrate compare --simulated … --live … --html` writes). */
export function liveComparePageHtml(compare) {
    return renderLiveComparePage(compare, vendorBundles());
}
/** Writes the HTML report of one run. */
export function writeReport(result, path) {
    writeFileSync(path, reportHtmlForResult(result, `${basename(path, '.html')}.json`));
}
/** Reads results, study and calibration files and writes one report from all of them. */
export function writeReportFromFiles(files, path) {
    writeFileSync(path, reportHtmlFromFiles(files));
}
/** Writes the page of a closed-loop comparison. */
export function writeComparePage(compare, path) {
    writeFileSync(path, comparePageHtml(compare));
}
/** Writes the page of a live-run comparison. */
export function writeLiveComparePage(compare, path) {
    writeFileSync(path, liveComparePageHtml(compare));
}
function reportHtmlFromTexts(files) {
    return renderReportHtml(loadReportInputs(files), vendorBundles());
}
