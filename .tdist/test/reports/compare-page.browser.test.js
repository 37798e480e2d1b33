import { test } from 'node:test';
import { compareClosedLoop } from '../../calibrate/closed-loop/compare.js';
import { parseExecResult } from '../../calibrate/closed-loop/exec-result.js';
import { predictedAsMeasured } from '../../calibrate/closed-loop/rebuild.js';
import { compareCharts } from '../../reports/compare-page.js';
import { writeComparePage } from '../../reports/write-report.js';
import { assertChartPageDraws } from '../util/chart-page-check.js';
import { emittedSchedule, execResultJsonl, scaled } from '../util/closed-loop-fixtures.js';
/** Renders the `calibrate compare --html` page in headless chromium (test/util/chromium.ts), as the report's browser tests do. */
test('the closed-loop page draws every chart (finite marks inside the plot, axes covering the data, coloured pixels) with no errors', async (t) => {
    const s = emittedSchedule('duetserve');
    const c = compareClosedLoop(s, parseExecResult(execResultJsonl(s, scaled(predictedAsMeasured(s), 1.1)), 'run.jsonl', s));
    await assertChartPageDraws(t, 'closed-loop-compare', (html) => writeComparePage(c, html), compareCharts(c).map((x) => x.id));
});
