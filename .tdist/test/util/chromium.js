import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
const run = promisify(execFile);
/** Where browser tests leave screenshots for people to look at (git-ignored). */
export const TEST_OUTPUT_DIR = fileURLToPath(new URL('../../../test-output/', import.meta.url));
/**
 * The chromium binary, or why there is none. Browser tests fail (not skip) without one, unless
 * DUETSIM_SKIP_BROWSER=1 says skipping is intended.
 */
export async function findChromium() {
    for (const name of ['chromium', 'chromium-browser']) {
        try {
            const { stdout } = await run('sh', ['-c', `command -v ${name}`]);
            if (stdout.trim())
                return { path: stdout.trim() };
        }
        catch {
            // not on PATH: try the next name
        }
    }
    return { missing: 'chromium is not installed: run `npm run install:chromium` (Debian: apt-get install chromium), or set DUETSIM_SKIP_BROWSER=1 to skip browser tests' };
}
export const skipBrowser = () => process.env.DUETSIM_SKIP_BROWSER === '1';
/** Flags for a headless, offline, throwaway browser: no GPU, no sandbox (CI runs as root), nothing phoning home. */
function baseFlags(profileDir) {
    return [
        '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync', `--user-data-dir=${profileDir}`, '--hide-scrollbars',
        // Virtual time lets the page's promises and timers run to completion before the dump, without waiting in real time.
        '--virtual-time-budget=30000',
    ];
}
/** Both runs use this width, so the screenshot's layout is the one the dumped status measured. */
const WINDOW_WIDTH = 1100;
/** Screenshots stop here (chromium's limit on one is larger, but a page this long is a bug of its own). */
const MAX_SCREENSHOT_HEIGHT = 16_000;
/**
 * Loads an HTML file in headless chromium and returns the DOM after scripts ran; writes a screenshot if
 * asked, as tall as the page the status record measured, so every chart is in it.
 */
export async function renderInChromium(chromium, htmlFile, screenshotPng) {
    const profile = mkdtempSync(join(tmpdir(), 'duetsim-chromium-'));
    try {
        const url = pathToFileURL(htmlFile).href;
        const dump = await run(chromium, [...baseFlags(profile), `--window-size=${WINDOW_WIDTH},4000`, '--enable-logging=stderr', '--dump-dom', url], { maxBuffer: 64 * 2 ** 20, timeout: 120_000 });
        if (screenshotPng !== undefined) {
            mkdirSync(join(screenshotPng, '..'), { recursive: true });
            let height = 4000;
            try {
                height = Math.min(MAX_SCREENSHOT_HEIGHT, Math.max(600, Math.ceil(pageStatus(dump.stdout).page?.height ?? 4000)));
            }
            catch {
                // no status record (not a report page): keep the default height
            }
            await run(chromium, [...baseFlags(profile), `--window-size=${WINDOW_WIDTH},${height}`, `--screenshot=${screenshotPng}`, url], { timeout: 120_000 });
        }
        return { dom: dump.stdout, stderr: dump.stderr };
    }
    finally {
        rmSync(profile, { recursive: true, force: true });
    }
}
export function pageStatus(dom) {
    const m = /<pre id="duetsim-status"[^>]*>([^<]*)<\/pre>/.exec(dom);
    if (m === null)
        throw new Error('the dumped page has no #duetsim-status element');
    // The DOM dump HTML-escapes text: undo the entities the serializer writes.
    const text = m[1].replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&nbsp;/g, '\u00a0').replace(/&amp;/g, '&');
    return JSON.parse(text);
}
