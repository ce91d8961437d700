/**
 * Offline (DESIGN §8, UX 9): with the server stopped the till keeps selling — ten cash sales, a
 * refund under a manager PIN, a new customer and a credit sale — and says they wait to sync.
 * When the server is back every event arrives once, and the server's totals match the till's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoStack, type DemoStack } from '../src/harness/demo-stack.js';
import { chromium_missing, openTillBrowser, warnIfChromiumMissing, type TillBrowser } from '../src/harness/browser.js';
import { logIn, openShift, scan, sellForCash, stockUpDemo } from '../src/harness/cashier.js';
import { appliedTillEvents, ownerLogin } from '../src/harness/owner-api.js';
import { withStoppedServerDb } from '../src/harness/server-db.js';
import { tillRpc } from '../src/harness/till-rpc.js';
import { waitFor } from '../src/harness/wait-for.js';

warnIfChromiumMissing('till-offline');

describe.skipIf(chromium_missing)('selling while the server is down', () => {
  let stack: DemoStack;
  let browser: TillBrowser | undefined;

  beforeAll(async () => {
    stack = await startDemoStack('offline');
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('ten sales, a refund and a credit sale offline all reach the server once, with the same totals', async ({ onTestFailed }) => {
    onTestFailed(async () => {
      await browser?.screenshot('till-offline-failed');
    });
    const products = await stockUpDemo(stack.tillUrl, stack.logins, 3, 20);
    browser = await openTillBrowser(stack.tillUrl);
    const { page } = browser;
    await logIn(page, 'Achieng Atieno', stack.logins.cashier_pin);
    await openShift(page, 1_000);
    await waitFor(async () => ((await tillRpc(stack.tillUrl, 'syncStatus', {})).unsynced_count === 0 ? true : null), 30_000);

    await stack.stopServer();
    const receipts: string[] = [];
    for (let i = 0; i < 10; i += 1) receipts.push(await sellForCash(page, [products[i % 3]!.barcode]));

    // A refund of the first sale, with the manager's PIN.
    await page.keyboard.press('F8');
    await page.getByLabel('Receipt number').fill(receipts[0]!);
    await page.getByLabel('Receipt number').press('Enter');
    await page.getByRole('button', { name: 'All' }).click();
    await page.getByLabel('Reason').fill('Wrong size');
    await page.getByRole('button', { name: 'Refund (manager)' }).click();
    const prompt = page.getByRole('dialog', { name: 'Manager approval' });
    await prompt.getByLabel('Manager PIN').fill(stack.logins.manager_pin);
    await prompt.getByLabel('Manager PIN').press('Enter');
    await page.getByText(/^Refunded KSh/).waitFor();

    // A new customer, and a sale on credit.
    await page.keyboard.press('F3');
    await page.getByRole('button', { name: 'New customer' }).click();
    const form = page.getByRole('form', { name: 'New customer' });
    await form.getByLabel('Name').fill('Mama Njeri');
    await form.getByLabel('Phone number').fill('0712345678');
    await form.getByLabel('Limit').fill('5000');
    await form.getByRole('button', { name: 'Save' }).click();
    // Giving a customer credit needs a manager (the ledger's rule for cashiers).
    await prompt.getByLabel('Manager PIN').fill(stack.logins.manager_pin);
    await prompt.getByLabel('Manager PIN').press('Enter');
    await page.getByRole('button', { name: 'Use for this sale' }).click();
    await page.getByLabel('Scan or search (F2)').waitFor();
    await scan(page, products[2]!.barcode);
    await page.getByRole('table', { name: 'Cart' }).getByText(products[2]!.name).waitFor();
    await page.keyboard.press('F4');
    await page.getByRole('tab', { name: 'Credit', exact: true }).click();
    await page.getByRole('button', { name: /^Put KSh .* on credit$/ }).click();
    await page.getByTestId('receipt-no').waitFor();
    await page.getByRole('button', { name: /^Next sale/ }).click();

    const offline = await tillRpc(stack.tillUrl, 'syncStatus', {});
    expect(offline.online).toBe(false);
    expect(offline.unsynced_count).toBeGreaterThanOrEqual(13);
    await page.locator('.status-strip').getByText(/^Offline/).waitFor();
    await browser.screenshot('till-offline');

    await stack.startServer();
    await waitFor(async () => ((await tillRpc(stack.tillUrl, 'syncStatus', {})).unsynced_count === 0 ? true : null), 60_000);
    const owner = await ownerLogin(stack.serverUrl, stack.logins.owner_email, stack.logins.owner_password);
    const applied = await appliedTillEvents(owner);
    const count = (type: string) => applied.filter((event) => event.type === type).length;
    expect([count('sale_completed'), count('sale_refunded'), count('customer_created')]).toEqual([11, 1, 1]);
    expect(new Set(applied.map((event) => event.event_id)).size).toBe(applied.length);
    expect(applied.map((event) => event.seq)).toEqual(applied.map((_, index) => index + 1));
    const { customers } = await owner.get<{ customers: { name: string; balance_cents?: number; balance?: number }[] }>('/v1/customers');
    expect(customers.map((c) => c.name)).toContain('Mama Njeri');

    // The till's own figures against the server's database.
    const today = await tillRpc(stack.tillUrl, 'todaySales', {});
    const credit = await tillRpc(stack.tillUrl, 'searchCustomers', { query: 'Njeri' });
    const refunded = await tillRpc(stack.tillUrl, 'getSale', { receipt_no: receipts[0]! });
    await browser.close();
    browser = undefined;
    await stack.stop();
    const server = await withStoppedServerDb(stack.serverData, async (db) => ({
      sales: (await db.query<{ n: number; total: number }>(`SELECT count(*)::int AS n, coalesce(sum(total_cents), 0)::bigint AS total FROM sales WHERE status = 'completed'`))[0],
      refunds: (await db.query<{ n: number; total: number }>(`SELECT count(*)::int AS n, coalesce(sum(total_cents), 0)::bigint AS total FROM refunds`))[0],
      balance: (await db.query<{ balance: number }>(`SELECT b.balance_cents AS balance FROM customer_balances b JOIN customers c ON c.id = b.customer_id WHERE c.name = 'Mama Njeri'`))[0],
    }));
    expect(server.sales).toEqual({ n: 11, total: today.sales.reduce((sum, sale) => sum + sale.total, 0) });
    expect(server.refunds).toEqual({ n: 1, total: refunded.refunded_total });
    expect(server.balance?.balance).toBe(credit.customers[0]?.balance);
    expect(credit.customers[0]?.balance).toBe(products[2]!.unit_price);
  });
});
