/** The Swahili UI (UX "Words"): the cashier switches language and sells and pays in Swahili. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoStack, type DemoStack } from '../src/harness/demo-stack.js';
import { chromium_missing, openTillBrowser, warnIfChromiumMissing, type TillBrowser } from '../src/harness/browser.js';
import { logIn, openShift, scan, stockUpDemo } from '../src/harness/cashier.js';

warnIfChromiumMissing('till-swahili');

describe.skipIf(chromium_missing)('the till in Swahili', () => {
  let stack: DemoStack;
  let browser: TillBrowser | undefined;

  beforeAll(async () => {
    stack = await startDemoStack('swahili');
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('switches to Kiswahili and shows the glossary words on the sell and pay screens', async ({ onTestFailed }) => {
    onTestFailed(async () => {
      await browser?.screenshot('till-swahili-failed');
    });
    const [product] = await stockUpDemo(stack.tillUrl, stack.logins, 1, 5);
    browser = await openTillBrowser(stack.tillUrl);
    const { page } = browser;
    await logIn(page, 'Achieng Atieno', stack.logins.cashier_pin);
    await openShift(page, 1_000);

    await page.getByRole('button', { name: 'Kiswahili' }).click();
    const search = page.getByLabel('Skani au tafuta (F2)');
    await search.waitFor();
    const nav = page.getByRole('navigation');
    for (const word of ['Uza', 'Wateja', 'Mauzo', 'Stoo', 'Zamu']) expect(await nav.getByRole('button', { name: new RegExp(`^${word}`) }).count(), word).toBe(1);
    await scan(page, product!.barcode);
    await page.getByRole('table', { name: 'Kikapu' }).getByText(product!.name).waitFor();
    const sell = (await page.locator('body').textContent()) ?? '';
    for (const word of ['Jumla', 'Lipa', 'Mteja']) expect(sell, word).toContain(word);
    expect(await page.locator('body').textContent()).not.toMatch(/\b(Total|Pay|Cart)\b/);

    await page.keyboard.press('F4');
    await page.getByLabel('Pesa taslimu iliyotolewa').fill('1000');
    await page.getByText('Chenji').first().waitFor();
    const body = (await page.locator('body').textContent()) ?? '';
    for (const word of ['Jumla', 'Pesa taslimu', 'Deni', 'Chenji', 'Maliza mauzo']) expect(body, word).toContain(word);
    await browser.screenshot('till-swahili');

    await page.getByLabel('Pesa taslimu iliyotolewa').press('Enter');
    await page.getByTestId('receipt-no').waitFor();
    const receipt = (await page.getByRole('article', { name: 'Risiti' }).textContent()) ?? '';
    expect(receipt).toContain('Jumla');
    expect(receipt).toContain('Chenji');
  });
});
