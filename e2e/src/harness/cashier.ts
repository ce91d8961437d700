/**
 * What a cashier does at the till, in the browser, with the keyboard the way UX.md describes it:
 * pick a name and type the PIN, open the shift with a float, scan barcodes (digits typed fast,
 * then Enter, into the focused search box), F4 to pay, cash given + Enter.
 */
import type { Page } from 'playwright-core';
import type { ProductRecord } from '@payme/shared';
import type { DemoLogins } from './demo-stack.js';
import { tillRpc } from './till-rpc.js';

export async function logIn(page: Page, name: string, pin: string): Promise<void> {
  // Each name is shown with its role, "Achieng Atieno (cashier)".
  const option = page.getByLabel('Name').locator('option', { hasText: name });
  await page.getByLabel('Name').selectOption((await option.getAttribute('value')) ?? name);
  await page.getByLabel('PIN').fill(pin);
  await page.getByLabel('PIN').press('Enter');
  await page.getByLabel('Scan or search (F2)').waitFor();
}

export async function openShift(page: Page, floatShillings: number): Promise<void> {
  await page.keyboard.press('F9');
  await page.getByLabel('Float').fill(String(floatShillings));
  await page.getByRole('button', { name: 'Open shift' }).click();
  await page.getByText(/Shift open with a float of/).waitFor();
  await page.keyboard.press('F2');
}

/** A USB scanner: the digits a few milliseconds apart, then Enter, into whatever has focus. */
export async function scan(page: Page, barcode: string): Promise<void> {
  await page.keyboard.type(barcode, { delay: 5 });
  await page.keyboard.press('Enter');
}

/** Pays the whole cart in cash: F4, the amount given, Enter; returns the receipt number shown. */
export async function payCash(page: Page, givenShillings?: number): Promise<string> {
  await page.keyboard.press('F4');
  const given = page.getByLabel('Cash given');
  await given.waitFor();
  if (givenShillings !== undefined) await given.fill(String(givenShillings));
  await given.press('Enter');
  const receiptNo = page.getByTestId('receipt-no');
  await receiptNo.waitFor();
  return (await receiptNo.textContent()) ?? '';
}

/**
 * The demo shop starts with no stock: the manager books a delivery of `count` piece products
 * with barcodes through the till API (as the Stock screen would), before anyone logs in at the
 * page, then locks the till again. Returns the products as the till knows them.
 */
export async function stockUpDemo(tillUrl: string, logins: DemoLogins, count: number, quantity: number): Promise<(ProductRecord & { barcode: string })[]> {
  await tillRpc(tillUrl, 'login', { staff_id: logins.manager_id, pin: logins.manager_pin });
  const { levels } = await tillRpc(tillUrl, 'stockOnHand', {});
  const usable = levels.filter((p): p is ProductRecord & { barcode: string } => p.barcode !== undefined && /^\d{8,14}$/.test(p.barcode) && p.unit === 'piece');
  if (usable.length < count) throw new Error(`the demo catalogue has only ${usable.length} piece products with barcodes`);
  const chosen = usable.slice(0, count);
  const id = () => crypto.randomUUID();
  await tillRpc(tillUrl, 'receiveStock', { command_id: id(), receipt_id: id(), supplier: 'e2e delivery', lines: chosen.map((p) => ({ product_id: p.product_id, quantity })) });
  await tillRpc(tillUrl, 'lock', {});
  return chosen;
}

/**
 * Scans the barcodes into an empty cart and waits, as a cashier looking at the screen does,
 * until every item has its line (a lookup answers after the scanner's Enter).
 */
export async function scanAll(page: Page, barcodes: readonly string[]): Promise<void> {
  for (const barcode of barcodes) await scan(page, barcode);
  const lines = new Set(barcodes).size;
  await page.locator('table[aria-label="Cart"] tbody tr').nth(lines - 1).waitFor();
}

/** Scans the barcodes, pays cash (exact amount unless given), and goes back to a new sale. */
export async function sellForCash(page: Page, barcodes: readonly string[], givenShillings?: number): Promise<string> {
  await scanAll(page, barcodes);
  const receiptNo = await payCash(page, givenShillings);
  await page.getByRole('button', { name: /^Next sale/ }).click();
  await page.getByLabel('Scan or search (F2)').waitFor();
  return receiptNo;
}
