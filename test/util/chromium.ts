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
export async function findChromium(): Promise<{ path: string } | { missing: string }> {
  for (const name of ['chromium', 'chromium-browser']) {
    try {
      const { stdout } = await run('sh', ['-c', `command -v ${name}`]);
      if (stdout.trim()) return { path: stdout.trim() };
    } catch {
      // not on PATH: try the next name
    }
  }
  return { missing: 'chromium is not installed: run `npm run install:chromium` (Debian: apt-get install chromium), or set DUETSIM_SKIP_BROWSER=1 to skip browser tests' };
}

export const skipBrowser = (): boolean => process.env.DUETSIM_SKIP_BROWSER === '1';

/** Flags for a headless, offline, throwaway browser: no GPU, no sandbox (CI runs as root), nothing phoning home. */
function baseFlags(profileDir: string): string[] {
  return [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', `--user-data-dir=${profileDir}`, '--hide-scrollbars',
    // Virtual time lets the page's promises and timers run to completion before the dump, without waiting in real time.
    '--virtual-time-budget=30000',
  ];
}

export interface RenderedPage {
  /** document.documentElement.outerHTML after the page's scripts ran. */
  readonly dom: string;
  /** Chromium's own stderr, where console messages and uncaught errors also appear. */
  readonly stderr: string;
}

/** Loads an HTML file in headless chromium and returns the DOM after scripts ran; writes a screenshot if asked. */
export async function renderInChromium(chromium: string, htmlFile: string, screenshotPng?: string): Promise<RenderedPage> {
  const profile = mkdtempSync(join(tmpdir(), 'duetsim-chromium-'));
  try {
    const url = pathToFileURL(htmlFile).href;
    const dump = await run(chromium, [...baseFlags(profile), '--enable-logging=stderr', '--dump-dom', url], { maxBuffer: 64 * 2 ** 20, timeout: 120_000 });
    if (screenshotPng !== undefined) {
      mkdirSync(join(screenshotPng, '..'), { recursive: true });
      await run(chromium, [...baseFlags(profile), '--window-size=1100,4000', `--screenshot=${screenshotPng}`, url], { timeout: 120_000 });
    }
    return { dom: dump.stdout, stderr: dump.stderr };
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}

/** The JSON status record the report page writes into #duetsim-status. */
export interface PageStatus {
  readonly done: boolean;
  readonly charts: Readonly<Record<string, number>>;
  readonly errors: readonly string[];
}

export function pageStatus(dom: string): PageStatus {
  const m = /<pre id="duetsim-status"[^>]*>([^<]*)<\/pre>/.exec(dom);
  if (m === null) throw new Error('the dumped page has no #duetsim-status element');
  // The DOM dump HTML-escapes text: undo the entities the serializer writes.
  const text = (m[1] as string).replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&nbsp;/g, '\u00a0').replace(/&amp;/g, '&');
  return JSON.parse(text) as PageStatus;
}
