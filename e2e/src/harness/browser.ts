/**
 * Debian Chromium through playwright-core, as a cashier's PC would show the till: 1366×768, a
 * fresh profile, nothing talking to the internet. `chromiumMissing` says why the tests skip.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { repo_root } from './renderer-build.js';

export const chromium_path = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const chromium_missing = !existsSync(chromium_path);
export const artifacts_dir = path.join(repo_root, 'e2e', 'artifacts');

export function warnIfChromiumMissing(suite: string): void {
  if (chromium_missing) console.warn(`${suite}: skipped, no Chromium at ${chromium_path} (install Debian chromium or set CHROMIUM_PATH)`);
}

export interface TillBrowser {
  page: Page;
  context: BrowserContext;
  screenshot(name: string): Promise<string>;
  /** The whole page at a phone's width and a laptop's (`<name>-360.png`, `<name>-1366.png`). */
  screenshotWidths(name: string): Promise<string[]>;
  close(): Promise<void>;
}

/** The widths the owner view is checked at (DESIGN §12): a phone and a shop laptop. */
export const screen_sizes = [
  { width: 360, height: 780 },
  { width: 1366, height: 768 },
] as const;

export async function openTillBrowser(url: string): Promise<TillBrowser> {
  const profile = mkdtempSync(path.join(os.tmpdir(), 'payme-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromium_path,
    headless: true,
    viewport: { width: 1366, height: 768 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  // A screen that does not show what it should within 15 s is a failure, not something to wait out.
  page.setDefaultTimeout(15_000);
  await page.goto(url);
  return {
    page,
    context,
    async screenshot(name) {
      mkdirSync(artifacts_dir, { recursive: true });
      const file = path.join(artifacts_dir, `${name}.png`);
      await page.screenshot({ path: file });
      return file;
    },
    async screenshotWidths(name) {
      mkdirSync(artifacts_dir, { recursive: true });
      const files: string[] = [];
      const before = page.viewportSize();
      for (const size of screen_sizes) {
        await page.setViewportSize(size);
        const file = path.join(artifacts_dir, `${name}-${size.width}.png`);
        await page.screenshot({ path: file, fullPage: true });
        files.push(file);
      }
      if (before) await page.setViewportSize(before);
      return files;
    },
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
