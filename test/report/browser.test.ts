import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { chromium, type Browser } from 'playwright-core';
import { EVIDENCE_FILES, writeEvidenceReport } from '../../lib/report/write-evidence-report';
import { recordProvenance } from '../../lib/report/provenance';
import { synthBaselineFixture } from './support/evidence-fixture';

/**
 * evidence.html in a real browser (Debian's chromium driven by playwright-core): at 1400 and 390 px
 * the page must not scroll sideways (document.documentElement.scrollWidth ≤ innerWidth) and must log
 * no console error. Screenshots go to a temporary directory removed afterwards. Without chromium the
 * tests skip locally, saying so; in CI (CI set, as .ci/run does) a missing chromium is a failure.
 */

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const available = fs.existsSync(CHROMIUM);
const inCi = !!process.env.CI;
const WIDTHS = [1400, 390] as const;

// Made in beforeAll: jest runs no hook when every test of a file is skipped, so nothing is left behind then.
let outdir = '';
afterAll(() => {
  if (outdir !== '') fs.rmSync(outdir, { recursive: true, force: true });
});

if (!available && !inCi) {
  console.warn(`SKIPPED evidence.html browser tests: no chromium at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH)`);
}

const browserTest = available || inCi ? test : test.skip;
const suffix = available || inCi ? '' : ` (SKIPPED: no chromium at ${CHROMIUM})`;

interface Rendered {
  readonly width: number;
  readonly scrollWidth: number;
  readonly innerWidth: number;
  /** Elements wider than the viewport that are not inside a scroll container. */
  readonly overflowing: readonly string[];
  readonly smallestSvgTextPx: number;
  readonly consoleErrors: readonly string[];
  readonly screenshot: string;
}

/**
 * Runs in the page (a string, so the test compiles without DOM types): the document's scroll width,
 * elements sticking out of the viewport that no scroll container holds, the smallest SVG text.
 */
const MEASURE = `(() => {
  const overflowing = [];
  for (const element of Array.from(document.body.querySelectorAll('*'))) {
    if (element.getBoundingClientRect().right <= window.innerWidth + 1) continue;
    let scroller = element.parentElement;
    while (scroller && getComputedStyle(scroller).overflowX === 'visible') scroller = scroller.parentElement;
    if (scroller === null || scroller === document.body || scroller === document.documentElement) overflowing.push(element.tagName.toLowerCase() + '.' + element.className);
  }
  const svgText = Array.from(document.querySelectorAll('svg text')).map((t) => t.getBoundingClientRect().height);
  return {
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
    overflowing: overflowing.slice(0, 10),
    smallestSvgTextPx: svgText.length === 0 ? 0 : Math.min(...svgText),
  };
})()`;

let browser: Browser | undefined;
afterAll(async () => browser?.close());

async function render(file: string, widths: readonly number[]): Promise<Rendered[]> {
  if (!available) throw new Error(`CI is set but there is no chromium at ${CHROMIUM}: .ci/run installs Debian's chromium; run it, or set CHROMIUM_PATH`);
  browser ??= await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
  const results: Rendered[] = [];
  for (const width of widths) {
    const context = await browser.newContext({ viewport: { width, height: 900 }, javaScriptEnabled: true });
    const page = await context.newPage();
    const consoleErrors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') consoleErrors.push(`${message.type()}: ${message.text()}`);
    });
    page.on('pageerror', (err) => consoleErrors.push(`pageerror: ${err.message}`));
    page.on('requestfailed', (request) => consoleErrors.push(`requestfailed: ${request.url()}`));
    await page.goto(`file://${file}`, { waitUntil: 'load' });
    const measured = (await page.evaluate(MEASURE)) as Omit<Rendered, 'width' | 'consoleErrors' | 'screenshot'>;
    const screenshot = path.join(outdir, `evidence-${width}.png`);
    await page.screenshot({ path: screenshot });
    await context.close();
    results.push({ width, ...measured, consoleErrors, screenshot });
  }
  return results;
}

describe(`evidence.html in headless Chromium${suffix}`, () => {
  let page: string;
  beforeAll(() => {
    if (!available) return;
    outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'evidence-browser-'));
    // The small fixture pair (quick to synthesize) with a baseline, so every section of the page is drawn:
    // provenance, baseline changes, findings, grouped acknowledgements, diagrams.
    const current = path.join(outdir, 'current');
    synthBaselineFixture(path.join(outdir, 'baseline'), 'before');
    synthBaselineFixture(current, 'after');
    recordProvenance(current, { profile: 'fixture' });
    writeEvidenceReport(current, { baselineDir: path.join(outdir, 'baseline') });
    page = path.join(current, EVIDENCE_FILES.html);
  }, 120_000);

  browserTest(
    `at ${WIDTHS.join(' and ')} px: no horizontal overflow, readable diagram text, no console errors, a screenshot each${suffix}`,
    async () => {
      const rendered = await render(page, WIDTHS);
      expect(fs.readFileSync(page, 'utf8')).toContain('<section id="baseline">');
      for (const r of rendered) {
        expect({ width: r.width, overflowing: r.overflowing, consoleErrors: r.consoleErrors }).toEqual({ width: r.width, overflowing: [], consoleErrors: [] });
        expect(r.scrollWidth).toBeLessThanOrEqual(r.innerWidth);
        // 12 px SVG text drawn at its size, never scaled below 11 px to fit a phone.
        expect(r.smallestSvgTextPx).toBeGreaterThanOrEqual(11);
        const png = fs.readFileSync(r.screenshot);
        expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
        expect(png.readUInt32BE(16)).toBe(r.width);
      }
      // The checks catch what they look for: a wide table and a console error on a page of the same browser.
      const broken = path.join(outdir, 'broken.html');
      fs.writeFileSync(
        broken,
        '<!DOCTYPE html><html><head><meta name="viewport" content="width=device-width"></head><body><table><tr><td style="min-width:901px">wide</td></tr></table><script>console.error("evidence-check")</script></body></html>',
      );
      const [narrow] = await render(broken, [390]);
      expect(narrow.scrollWidth).toBeGreaterThan(narrow.innerWidth);
      expect(narrow.overflowing.length).toBeGreaterThan(0);
      expect(narrow.consoleErrors.join('\n')).toContain('evidence-check');
    },
    120_000,
  );
});
