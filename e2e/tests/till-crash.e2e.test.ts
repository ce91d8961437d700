/**
 * The till host killed with SIGKILL right after a sale is confirmed on screen (a power cut, a
 * crash): after a restart the sale is on the till once and on the server once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoStack, type DemoStack } from '../src/harness/demo-stack.js';
import { chromium_missing, openTillBrowser, warnIfChromiumMissing, type TillBrowser } from '../src/harness/browser.js';
import { logIn, openShift, payCash, scanAll, stockUpDemo } from '../src/harness/cashier.js';
import { appliedTillEvents, ownerLogin } from '../src/harness/owner-api.js';
import { tillRpc } from '../src/harness/till-rpc.js';
import { waitFor } from '../src/harness/wait-for.js';

warnIfChromiumMissing('till-crash');

describe.skipIf(chromium_missing)('a till killed right after a sale', () => {
  let stack: DemoStack;
  let browser: TillBrowser | undefined;

  beforeAll(async () => {
    stack = await startDemoStack('crash');
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('keeps the sale once and syncs it once after a restart', async ({ onTestFailed }) => {
    onTestFailed(async () => {
      await browser?.screenshot('till-crash-failed');
    });
    const products = await stockUpDemo(stack.tillUrl, stack.logins, 2, 5);
    browser = await openTillBrowser(stack.tillUrl);
    const { page } = browser;
    await logIn(page, 'Achieng Atieno', stack.logins.cashier_pin);
    await openShift(page, 1_000);
    await scanAll(page, products.map((product) => product.barcode));
    const receiptNo = await payCash(page);
    // The receipt is on screen: pull the plug.
    await stack.killTill();

    await stack.startTill();
    await page.reload();
    await logIn(page, 'Achieng Atieno', stack.logins.cashier_pin);
    await page.keyboard.press('F8');
    await page.getByText('1 sales today').waitFor();
    expect(await page.getByText(receiptNo).count()).toBe(1);
    await browser.screenshot('till-crash');

    const today = await tillRpc(stack.tillUrl, 'todaySales', {});
    expect(today.sales.map((sale) => sale.receipt_no)).toEqual([receiptNo]);
    const owner = await ownerLogin(stack.serverUrl, stack.logins.owner_email, stack.logins.owner_password);
    await waitFor(async () => ((await tillRpc(stack.tillUrl, 'syncStatus', {})).unsynced_count === 0 ? true : null), 30_000);
    const sales = (await appliedTillEvents(owner)).filter((event) => event.type === 'sale_completed');
    expect(sales).toHaveLength(1);
    // Every event of this till reached the server exactly once, in order.
    const seqs = (await appliedTillEvents(owner)).map((event) => event.seq);
    expect(seqs).toEqual(seqs.map((_, index) => index + 1));
  });
});
