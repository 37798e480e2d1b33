import { test } from 'node:test';
import { liveCompareCharts } from '../../reports/live-compare-page.js';
import { writeLiveComparePage } from '../../reports/write-report.js';
import { assertChartPageDraws } from '../util/chart-page-check.js';
import { fullLiveCompare } from '../util/live-compare-fixtures.js';
/** Renders the `calibrate compare --simulated … --live … --html` page in headless chromium, as the report's browser tests do. */
test('the live-compare page draws every chart (finite marks inside the plot, axes covering the data, coloured pixels) with no errors', async (t) => {
    const c = fullLiveCompare();
    await assertChartPageDraws(t, 'live-compare', (html) => writeLiveComparePage(c, html), liveCompareCharts(c).map((x) => x.id));
});
