/**
 * UX 5: a refund needs a manager. The cashier finds the sale by its receipt number and asks for
 * a refund: without the manager's right PIN nothing is refunded; with it the money goes back in
 * cash, and the server applies the refund once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatKes } from '@payme/shared';
import { startDemoStack, type DemoStack } from '../src/harness/demo-stack.js';
import { chromium_missing, openTillBrowser, warnIfChromiumMissing, type TillBrowser } from '../src/harness/browser.js';
import { logIn, openShift, sellForCash, stockUpDemo } from '../src/harness/cashier.js';
import { appliedTillEvents, ownerLogin } from '../src/harness/owner-api.js';
import { tillRpc } from '../src/harness/till-rpc.js';
import { waitFor } from '../src/harness/wait-for.js';

warnIfChromiumMissing('till-refund');

describe.skipIf(chromium_missing)('a refund at the till', () => {
  let stack: DemoStack;
  let browser: TillBrowser | undefined;

  beforeAll(async () => {
    stack = await startDemoStack('refund');
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('is blocked without the manager PIN and done with it', async ({ onTestFailed }) => {
    onTestFailed(async () => {
      await browser?.screenshot('till-refund-failed');
    });
    const products = await stockUpDemo(stack.tillUrl, stack.logins, 2, 5);
    browser = await openTillBrowser(stack.tillUrl);
    const { page } = browser;
    await logIn(page, 'Achieng Atieno', stack.logins.cashier_pin);
    await openShift(page, 1_000);
    const receiptNo = await sellForCash(page, products.map((p) => p.barcode));
    const returned = products[1]!;

    await page.keyboard.press('F8');
    await page.getByLabel('Receipt number').fill(receiptNo);
    await page.getByLabel('Receipt number').press('Enter');
    await page.getByRole('heading', { name: new RegExp(`^${receiptNo} `) }).waitFor();
    await page.getByLabel(`Refund quantity: ${returned.name}`).fill('1');
    await page.getByLabel('Reason').fill('Customer brought it back unopened');

    // The cashier alone: the till asks for a manager; a wrong PIN is refused, Esc gives up.
    await page.getByRole('button', { name: 'Refund (manager)' }).click();
    const prompt = page.getByRole('dialog', { name: 'Manager approval' });
    await prompt.waitFor();
    const wrongPin = stack.logins.manager_pin === '0000' ? '1111' : '0000';
    await prompt.getByLabel('Manager PIN').fill(wrongPin);
    await prompt.getByLabel('Manager PIN').press('Enter');
    await prompt.getByRole('alert').waitFor();
    await prompt.getByRole('button', { name: 'Cancel (Esc)' }).click();
    await prompt.waitFor({ state: 'detached' });
    const blocked = await tillRpc(stack.tillUrl, 'getSale', { receipt_no: receiptNo });
    expect(blocked).toMatchObject({ status: 'completed', refunded_total: 0 });

    // With the manager's PIN.
    await page.getByRole('button', { name: 'Refund (manager)' }).click();
    await prompt.getByLabel('Manager PIN').fill(stack.logins.manager_pin);
    await prompt.getByLabel('Manager PIN').press('Enter');
    const done = page.getByText(`Refunded ${formatKes(returned.unit_price)}: Cash from the drawer.`);
    await done.waitFor();
    await page.getByRole('heading', { name: /Partly refunded/ }).waitFor();
    await browser.screenshot('till-refund');

    const refunded = await tillRpc(stack.tillUrl, 'getSale', { receipt_no: receiptNo });
    expect(refunded).toMatchObject({ status: 'partially_refunded', refunded_total: returned.unit_price });
    const owner = await ownerLogin(stack.serverUrl, stack.logins.owner_email, stack.logins.owner_password);
    const refunds = await waitFor(async () => {
      const applied = (await appliedTillEvents(owner)).filter((event) => event.type === 'sale_refunded');
      return applied.length > 0 ? applied : null;
    }, 30_000);
    expect(refunds).toHaveLength(1);
  });
});
