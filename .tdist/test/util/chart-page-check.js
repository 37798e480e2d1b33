import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pageChartProblems } from './chart-checks.js';
import { TEST_OUTPUT_DIR, findChromium, pageStatus, renderInChromium, skipBrowser } from './chromium.js';
/**
 * The browser check of a chart page of its own (the `calibrate compare` pages): written by `write`,
 * rendered in headless chromium with a screenshot in test-output/NAME.png, it must finish without
 * errors, draw exactly `chartIds` (finite marks inside the plot, axes covering the data, coloured
 * pixels) and give each chart its CSV download.
 */
export async function assertChartPageDraws(t, name, write, chartIds) {
    const found = await findChromium();
    if (!('path' in found)) {
        if (skipBrowser())
            return t.skip(`DUETSIM_SKIP_BROWSER=1: ${found.missing}`);
        assert.fail(found.missing);
    }
    const html = join(mkdtempSync(join(tmpdir(), 'duetsim-browser-')), `${name}.html`);
    write(html);
    const shot = join(TEST_OUTPUT_DIR, `${name}.png`);
    const page = await renderInChromium(found.path, html, shot);
    const status = pageStatus(page.dom);
    assert.deepEqual(status.errors, []);
    assert.equal(status.done, true);
    assert.deepEqual(Object.keys(status.charts).sort(), [...chartIds].sort());
    assert.deepEqual(pageChartProblems(status, shot), {});
    for (const id of Object.keys(status.charts))
        assert.match(page.dom, new RegExp(`id="csv-${id}" download="${id}.csv" href="blob:`));
}
