/**
 * UX 3 (M-Pesa) over real processes: the demo business's M-Pesa account points at the Daraja
 * simulator, the till asks the server for an STK push with its device token, and the cashier
 * sees each outcome: paid with the receipt number (the sale completes with the M-Pesa tender),
 * cancelled (1032) and timed out (1037), each followed by paying another way. The simulator's
 * magic phone numbers choose the outcome; its callbacks come within milliseconds.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProductRecord } from '@payme/shared';
import { demo_mpesa, receiveOpeningStock, type TillCall } from '@payme/till/cli/demo-setup';
import { startDemoStack, type DemoStack } from '../src/harness/demo-stack.js';
import { chromium_missing, openTillBrowser, warnIfChromiumMissing, type TillBrowser } from '../src/harness/browser.js';
import { logIn, openShift, payCash, scanAll } from '../src/harness/cashier.js';
import { tillRpc } from '../src/harness/till-rpc.js';

warnIfChromiumMissing('till-mpesa');

const phones = { pays: '254712345678', cancels: '254700001032', unreachable: '254700001037' };

describe.skipIf(chromium_missing)('M-Pesa STK at the till through the Daraja simulator', () => {
  let stack: DemoStack;
  let browser: TillBrowser | undefined;
  let product: ProductRecord & { barcode: string };

  beforeAll(async () => {
    stack = await startDemoStack('mpesa', { mpesa: true });
    // The shop's first delivery, booked by the manager at the till as `npm start` does.
    const call: TillCall = (method, input) => tillRpc(stack.tillUrl, method, input);
    const stocked = await receiveOpeningStock(call, stack.logins.manager_pin, () => crypto.randomUUID());
    expect(stocked).toMatchObject({ received: expect.any(Number) });
    await tillRpc(stack.tillUrl, 'login', { staff_id: stack.logins.manager_id, pin: stack.logins.manager_pin });
    const { levels } = await tillRpc(stack.tillUrl, 'stockOnHand', {});
    await tillRpc(stack.tillUrl, 'lock', {});
    // M-Pesa takes whole shillings: a piece product with a barcode and a whole-shilling price.
    const found = levels.find((p): p is ProductRecord & { barcode: string } => p.unit === 'piece' && p.barcode !== undefined && /^\d{8,14}$/.test(p.barcode) && p.unit_price % 100 === 0 && p.on_hand > 0);
    if (found === undefined) throw new Error('the demo catalogue has no whole-shilling piece product with a barcode in stock');
    product = found;

    browser = await openTillBrowser(stack.tillUrl);
    await logIn(browser.page, 'Achieng Atieno', stack.logins.cashier_pin);
    await openShift(browser.page, 2_000);
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  async function stkPushesTo(phone: string): Promise<{ PartyB: string; Amount: number }[]> {
    const answer = (await (await fetch(`${stack.simulatorUrl}/__sim/requests`)).json()) as { requests: { operation: string; body: Record<string, unknown> }[] };
    return answer.requests
      .filter((r) => r.operation === 'stk_push' && String(r.body['PhoneNumber']) === phone)
      .map((r) => ({ PartyB: String(r.body['PartyB']), Amount: Number(r.body['Amount']) }));
  }

  async function askMpesa(phone: string): Promise<void> {
    const page = browser!.page;
    await scanAll(page, [product.barcode]);
    await page.keyboard.press('F4');
    await page.getByRole('tab', { name: 'M-Pesa' }).click();
    await page.getByLabel('Phone number').fill(phone);
    await page.getByRole('button', { name: 'Send payment request' }).click();
  }

  it('success: the cashier sees "Paid — receipt …" and the sale completes with the M-Pesa tender', async ({ onTestFailed }) => {
    onTestFailed(async () => {
      await browser?.screenshot('till-mpesa-success-failed');
    });
    const page = browser!.page;
    await askMpesa(phones.pays);
    const paid = page.getByText(/^Paid — receipt [A-Z0-9]{10}$/);
    await paid.waitFor({ timeout: 30_000 });
    const receipt = /receipt ([A-Z0-9]{10})$/.exec((await paid.textContent()) ?? '')?.[1];
    expect(receipt).toBeDefined();
    await browser!.screenshot('till-mpesa-paid');
    expect(await stkPushesTo(phones.pays)).toEqual([{ PartyB: demo_mpesa.till_number, Amount: product.unit_price / 100 }]);

    await page.getByRole('button', { name: 'Continue' }).click();
    const receiptNo = (await page.getByTestId('receipt-no').textContent()) ?? '';
    expect(receiptNo).toMatch(/^[A-Z0-9]+-\d+$/);
    expect(await page.getByRole('article', { name: 'Receipt' }).textContent()).toContain(receipt!);
    await browser!.screenshot('till-mpesa-receipt');

    const sale = await tillRpc(stack.tillUrl, 'getSale', { receipt_no: receiptNo });
    const tender = sale.sale.tenders.find((t) => t.kind === 'mpesa');
    expect(tender).toMatchObject({ amount: product.unit_price });
    // The payment as the till knows it (server first, else the feed's copy) is the one that paid.
    expect(tender?.payment_id).toBeDefined();
    const payment = await tillRpc(stack.tillUrl, 'getPayment', { payment_id: tender!.payment_id! });
    expect(payment).toMatchObject({ state: 'succeeded', mpesa_receipt: receipt, amount: product.unit_price, phone: phones.pays });
    await page.getByRole('button', { name: /^Next sale/ }).click();
    await page.getByLabel('Scan or search (F2)').waitFor();
  });

  for (const [name, phone, words, state] of [
    ['cancel (1032)', phones.cancels, 'The customer cancelled', 'cancelled'],
    ['timeout (1037)', phones.unreachable, 'The phone could not be reached', 'expired'],
  ] as const) {
    it(`${name}: the cashier sees "${words}", then pays another way`, async ({ onTestFailed }) => {
      const shot = `till-mpesa-${state}`;
      onTestFailed(async () => {
        await browser?.screenshot(`${shot}-failed`);
      });
      const page = browser!.page;
      await askMpesa(phone);
      const alert = page.getByRole('alert').filter({ hasText: words });
      await alert.waitFor({ timeout: 30_000 });
      await page.getByRole('button', { name: 'Try again' }).waitFor();
      await browser!.screenshot(shot);

      // The server asked Daraja (the simulator) with the demo account's till for this phone.
      expect(await stkPushesTo(phone)).toEqual([{ PartyB: demo_mpesa.till_number, Amount: product.unit_price / 100 }]);

      await page.getByRole('button', { name: 'Pay another way' }).click();
      await page.getByRole('tab', { name: 'Cash' }).click();
      const receiptNo = await payCash(page);
      const sale = await tillRpc(stack.tillUrl, 'getSale', { receipt_no: receiptNo });
      expect(sale.sale.tenders.map((t) => t.kind)).toEqual(['cash']);
      await page.getByRole('button', { name: /^Next sale/ }).click();
      await page.getByLabel('Scan or search (F2)').waitFor();
    });
  }
});
