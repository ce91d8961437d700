/**
 * The in-page probes of `npm run bench -- till-ui` (bench/till-ui-probes.ts), in Chromium on a
 * bare page: a scan's latency is measured from the Enter to the painted row, a row that never
 * shows fails the sample instead of timing something else, and the percentiles are the usual
 * nearest-rank ones. Seconds, not the minutes the benchmark takes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { chromium_missing, chromium_path, warnIfChromiumMissing } from '../src/harness/browser.js';
import { baseline_page_source, scan_probe_source, summarise } from '../bench/till-ui-probes.js';

warnIfChromiumMissing('till-ui-probes.browser');

type Probe = { __tillBench: { arm(name: string, qty: string): void; result(timeout_ms: number): Promise<{ latency_ms: number; dom_ms: number }> } };

async function timedScan(page: Page, code: string, name: string, qty: string, timeout_ms = 5_000) {
  await page.evaluate(([n, q]) => (globalThis as unknown as Probe).__tillBench.arm(n, q), [name, qty] as const);
  await page.keyboard.type(code);
  await page.keyboard.press('Enter');
  return page.evaluate((t) => (globalThis as unknown as Probe).__tillBench.result(t), timeout_ms);
}

describe('percentiles of the benchmark', () => {
  it('are nearest-rank over the sorted samples', () => {
    const samples = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(summarise(samples)).toMatchObject({ n: 100, p50_ms: 50, p95_ms: 95, p99_ms: 99, max_ms: 100 });
  });
});

describe.skipIf(chromium_missing)('the till-ui scan probe in Chromium', () => {
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: chromium_path, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
    page = await browser.newPage();
    await page.setContent('<!doctype html><title>probe</title><body></body>');
    // The "echo" baseline: Enter shows a row named after the code, counting repeats.
    await page.evaluate(`${baseline_page_source}("echo")`);
    await page.evaluate(scan_probe_source);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  it('times Enter to the painted row, and the DOM change comes first', async () => {
    for (const [code, qty] of [['6161000000011', '1'], ['6161000000028', '1'], ['6161000000011', '2']] as const) {
      const { latency_ms, dom_ms } = await timedScan(page, code, code, qty);
      expect(dom_ms).toBeGreaterThanOrEqual(0);
      expect(latency_ms).toBeGreaterThanOrEqual(dom_ms);
      expect(latency_ms).toBeLessThan(2_000);
    }
  });

  it('a line that never shows (wrong name or quantity) fails the sample', async () => {
    await expect(timedScan(page, '6161000000035', 'something else', '1', 300)).rejects.toThrow(/line not shown within 300 ms/);
    await expect(timedScan(page, '6161000000042', '6161000000042', '2', 300)).rejects.toThrow(/line not shown/);
  });
});
