/**
 * The till with the keyboard only, as UX.md's cashier works it: Tab and Shift+Tab to reach a
 * control, the arrow keys in a list, Enter to press, F-keys for the screens. Nothing here clicks
 * or moves the focus by script; a control that cannot be reached by keys fails the journey.
 */
import type { Locator, Page } from 'playwright-core';

/** The page's document, as the functions run in the page see it (e2e compiles without the DOM lib). */
interface PageElement {
  tagName: string;
  textContent: string | null;
  getAttribute(name: string): string | null;
}

/** More Tab presses than any till screen has controls: a control beyond this is unreachable. */
const tab_presses_max = 40;

export async function isFocused(target: Locator): Promise<boolean> {
  return target.evaluate((element) => element === (globalThis as unknown as { document: { activeElement: unknown } }).document.activeElement).catch(() => false);
}

/** Waits (on the page's own clock, polled by Playwright) until the target has the focus. */
export async function expectFocused(target: Locator, what: string): Promise<void> {
  await target.waitFor();
  const handle = await target.elementHandle();
  if (handle === null) throw new Error(`${what}: not on screen`);
  await target.page().waitForFunction((element) => element === (globalThis as unknown as { document: { activeElement: unknown } }).document.activeElement, handle, { timeout: 10_000 }).catch(async () => {
    const active = await target.page().evaluate(() => {
      const element = (globalThis as unknown as { document: { activeElement: PageElement | null } }).document.activeElement;
      return element === null ? 'nothing' : `<${element.tagName.toLowerCase()}> ${element.getAttribute('aria-label') ?? element.textContent?.slice(0, 60) ?? ''}`;
    });
    throw new Error(`${what} should have the focus; ${active} has it`);
  });
}

/** Presses Tab (or Shift+Tab) until the target has the focus. */
export async function tabTo(page: Page, target: Locator, what: string, direction: 'forward' | 'back' = 'forward'): Promise<void> {
  await target.waitFor();
  for (let presses = 0; presses < tab_presses_max; presses += 1) {
    if (await isFocused(target)) return;
    await page.keyboard.press(direction === 'forward' ? 'Tab' : 'Shift+Tab');
  }
  if (!(await isFocused(target))) throw new Error(`${what}: not reached with ${tab_presses_max} presses of ${direction === 'forward' ? 'Tab' : 'Shift+Tab'}`);
}

/** Tabs to the target and presses Enter on it. */
export async function pressOn(page: Page, target: Locator, what: string, direction: 'forward' | 'back' = 'forward'): Promise<void> {
  await tabTo(page, target, what, direction);
  await page.keyboard.press('Enter');
}

/** A focused <select>: the arrow keys move through its options until one matches. */
export async function chooseOption(page: Page, select: Locator, matches: RegExp, what: string): Promise<void> {
  const count = await select.locator('option').count();
  for (const key of ['ArrowDown', 'ArrowUp']) {
    for (let moves = 0; moves <= count; moves += 1) {
      const chosen = await select.evaluate((element) => (element as unknown as { selectedOptions: ArrayLike<PageElement> }).selectedOptions[0]?.textContent ?? '');
      if (matches.test(chosen)) return;
      await page.keyboard.press(key);
    }
  }
  throw new Error(`${what}: no option matching ${matches}`);
}

/** Types into whatever has the focus, as a person or a scanner does. */
export async function typeText(page: Page, text: string): Promise<void> {
  await page.keyboard.type(text, { delay: 5 });
}

/**
 * What a message on screen must never be (issue 17): an internal field path
 * (`lines.0.quantity`, `tenders.1.amount`) or the same words twice ("Wrong PIN. (Wrong PIN)").
 */
export function messageFaults(text: string): string[] {
  const faults: string[] = [];
  if (/\b[a-z_]+\.\d+(\.[a-z_]+)*\b/.test(text)) faults.push(`a field path in "${text}"`);
  const parts = text
    .split(/[.()!?:;—]+/)
    .map((part) => part.trim().toLowerCase())
    .filter((part) => part.length >= 4);
  const seen = new Set<string>();
  for (const part of parts) {
    if (seen.has(part)) faults.push(`"${part}" said twice in "${text}"`);
    seen.add(part);
  }
  return faults;
}

/** Every alert and status message on screen, with what is wrong with each. */
export async function screenMessageFaults(page: Page): Promise<string[]> {
  const texts = await page.locator('[role="alert"], [role="status"], [role="alertdialog"]').allInnerTexts();
  return texts.flatMap((text) => messageFaults(text.replace(/\s+/g, ' ').trim()));
}
