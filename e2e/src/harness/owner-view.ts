/**
 * The owner web view as an owner uses it, in Chromium: sign in with email and password, move
 * through the menu (a disclosure button at phone width), and read what the page shows.
 */
import type { Page } from 'playwright-core';

export async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'Pages' }).waitFor({ state: 'attached' });
}

/** Opens a page from the menu, whatever the width (the menu is a disclosure on a phone). */
export async function openPage(page: Page, name: string): Promise<void> {
  const menu = page.getByRole('button', { name: 'Menu' });
  if (await menu.isVisible()) await menu.click();
  await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name, exact: true }).click();
  await page.getByRole('heading', { level: 1, name }).waitFor();
}

/**
 * CSP refusals and uncaught errors the page logged: a strict policy must cost nothing. (Refused
 * requests, such as the session check while signed out, are answers, not problems.)
 */
export function collectPageProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));
  return problems;
}

/**
 * A table the page shows, by its caption (its accessible name), as rows of column name → text.
 * The cells carry their column's name (data-label) at every width, so this reads a phone's cards
 * the same as a laptop's table.
 */
export async function tableRows(page: Page, caption: string): Promise<Record<string, string>[]> {
  return page.getByRole('table', { name: caption, exact: true }).evaluate((table) =>
    [...table.querySelectorAll('tbody tr')].map((row) => Object.fromEntries([...row.querySelectorAll('td')].map((cell) => [cell.dataset['label'] ?? '', (cell.textContent ?? '').trim()]))),
  );
}

/** `KSh 1,234.50` (or `-KSh …`) as the page shows it, back to cents. */
export function centsOf(text: string): number {
  const match = /(-?)\s*KSh\s*([\d,]+)\.(\d{2})/.exec(text);
  if (match === null) throw new Error(`no KSh amount in "${text}"`);
  return (match[1] === '-' ? -1 : 1) * (Number(match[2]!.replaceAll(',', '')) * 100 + Number(match[3]));
}

/**
 * The page's own clock (`Date.now()` in Chromium, the same system clock as the test's) at the
 * first DOM change after which the table captioned `caption` has a row containing `text`. Start
 * it before the change that should show; it rejects after `timeoutMs`. Source text, because it
 * runs in the page (this package is typed for Node, without the DOM).
 */
export function whenRowShows(page: Page, caption: string, text: string, timeoutMs: number): Promise<number> {
  const probe = String.raw`(({ caption, text, timeoutMs }) => new Promise((resolve, reject) => {
    const seen = () => [...document.querySelectorAll('table')].some((table) => table.caption?.textContent === caption && [...table.querySelectorAll('tbody tr')].some((row) => (row.textContent ?? '').includes(text)));
    const observer = new MutationObserver(() => {
      if (!seen()) return;
      observer.disconnect();
      resolve(Date.now());
    });
    observer.observe(document.body, { subtree: true, childList: true, characterData: true });
    setTimeout(() => reject(new Error('"' + text + '" never showed under ' + caption)), timeoutMs);
  }))`;
  return page.evaluate(`${probe}(${JSON.stringify({ caption, text, timeoutMs })})`) as Promise<number>;
}
