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
  close(): Promise<void>;
}

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
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
