/**
 * UX 1–4 over real processes: the demo cashier logs in with the PIN, opens the shift, scans
 * three items by barcode, pays cash and sees the change and the receipt; the sync agent pushes
 * the sale and the server has applied it, once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatKes } from '@payme/shared';
import { startDemoStack, type DemoStack } from '../src/harness/demo-stack.js';
import { chromium_missing, openTillBrowser, warnIfChromiumMissing, type TillBrowser } from '../src/harness/browser.js';
import { logIn, openShift, payCash, scan, stockUpDemo } from '../src/harness/cashier.js';
import { appliedTillEvents, ownerLogin } from '../src/harness/owner-api.js';
import { tillRpc } from '../src/harness/till-rpc.js';
import { waitFor } from '../src/harness/wait-for.js';

warnIfChromiumMissing('till-cash-sale');

describe.skipIf(chromium_missing)('a cash sale at the till, seen on the server', () => {
  let stack: DemoStack;
  let browser: TillBrowser | undefined;

  beforeAll(async () => {
    stack = await startDemoStack('cash-sale');
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('scan three barcodes, pay cash, see change and receipt; the server applies the sale once', async ({ onTestFailed }) => {
    onTestFailed(async () => {
      await browser?.screenshot('till-cash-sale-failed');
    });
    const products = await stockUpDemo(stack.tillUrl, stack.logins, 3, 10);

    browser = await openTillBrowser(stack.tillUrl);
    const { page } = browser;
    await logIn(page, 'Achieng Atieno', stack.logins.cashier_pin);
    await openShift(page, 2_000);

    for (const product of products) await scan(page, product.barcode);
    const cart = page.getByRole('table', { name: 'Cart' });
    for (const product of products) await cart.getByText(product.name).waitFor();
    // A second scan of the same item adds one to its quantity (UX 2).
    await scan(page, products[0]!.barcode);
    await cart.getByRole('row').filter({ hasText: products[0]!.name }).getByRole('cell').nth(1).getByText('2', { exact: true }).waitFor();
    const total = products.reduce((sum, p) => sum + p.unit_price, 0) + products[0]!.unit_price;

    // The customer hands over the next whole 1,000 shillings above the total.
    const given = Math.ceil((total + 1) / 100_000) * 1_000;
    const receiptNo = await payCash(page, given);
    expect(receiptNo).toMatch(/^[A-Z0-9]+-\d+$/);
    const change = given * 100 - total;
    expect(await page.getByTestId('receipt-change').textContent()).toBe(formatKes(change));
    const receipt = page.getByRole('article', { name: 'Receipt' });
    for (const product of products) expect(await receipt.getByText(product.name).count()).toBeGreaterThan(0);
    expect(await receipt.textContent()).toContain(formatKes(total));
    await browser.screenshot('till-cash-sale');

    // Back on the sell screen, the quick items are what this till just sold (the ledger's favourites).
    await page.getByRole('button', { name: /Next sale/ }).click();
    const quick = page.getByRole('region', { name: 'Quick items' });
    for (const product of products) await quick.getByRole('button', { name: product.name }).waitFor();
    // The first product is on the sale twice but counted once per sale: all three tie, by name.
    const names = await quick.getByRole('button').locator('span').allTextContents();
    expect(names).toEqual(products.map((p) => p.name).sort());

    // The till's own record, then the server's: the sync agent pushes on its own.
    const sale = await tillRpc(stack.tillUrl, 'getSale', { receipt_no: receiptNo });
    expect(sale.sale.total).toBe(total);
    const owner = await ownerLogin(stack.serverUrl, stack.logins.owner_email, stack.logins.owner_password);
    const { tills } = await owner.get<{ tills: { id: string; receipt_prefix: string }[] }>('/v1/tills');
    const till = tills.find((t) => receiptNo.startsWith(`${t.receipt_prefix}-`));
    expect(till).toBeDefined();
    const sales = await waitFor(async () => {
      const applied = (await appliedTillEvents(owner, till!.id)).filter((event) => event.type === 'sale_completed');
      return applied.length > 0 ? applied : null;
    }, 30_000).catch(async (error: unknown) => {
      const status = await tillRpc(stack.tillUrl, 'syncStatus', {});
      const entries = await owner.get<{ entries: { kind: string; data: unknown }[] }>('/v1/audit/entries?limit=1000');
      throw new Error(`${String(error)}; till sync ${JSON.stringify(status)}; server audit ${JSON.stringify(entries.entries.slice(-8))}`);
    });
    expect(sales).toHaveLength(1);
    const status = await tillRpc(stack.tillUrl, 'syncStatus', {});
    expect(status).toMatchObject({ online: true });
  });
});
