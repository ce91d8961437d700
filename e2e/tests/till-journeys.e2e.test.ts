/**
 * UX.md's till journeys 1–9 (issue 17's acceptance) at 1366×768 with the keyboard only (Tab,
 * arrows, Enter, F-keys, typing; nothing is clicked), in English and then in Swahili, over one
 * set of real processes: the sync server, the Daraja simulator, `payme-till serve` and Debian
 * Chromium. Each step saves a screenshot (`e2e/artifacts/journey-<language>-<step>.png`) and
 * checks that the screen's main field has the focus and that no message on screen shows a field
 * path or says the same thing twice. The receipts are checked for what UX 4 lists: shop, KRA PIN,
 * till and receipt number, cashier, lines, VAT, rounding, tenders with the cash given, change,
 * the M-Pesa receipt number, the credit customer and their new balance, COPY on a reprint.
 * Journey 2 also changes a price as the owner: once the till has synced it, the renderer's barcode
 * index has it and the next scan shows it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { formatKes, formatPhoneKe, type CustomerRecord, type ProductRecord, type TillProfileRecord } from '@payme/shared';
import { en } from '@payme/renderer/src/till/i18n/en.js';
import { sw } from '@payme/renderer/src/till/i18n/sw.js';
import { bookOpeningCredit, receiveOpeningStock, type TillCall } from '@payme/till/cli/demo-setup';
import { startDemoStack, type DemoStack } from '../src/harness/demo-stack.js';
import { chromium_missing, openTillBrowser, warnIfChromiumMissing, type TillBrowser } from '../src/harness/browser.js';
import { scan } from '../src/harness/cashier.js';
import { chooseOption, expectFocused, pressOn, screenMessageFaults, tabTo, typeText } from '../src/harness/keyboard.js';
import { ownerLogin, type OwnerApi } from '../src/harness/owner-api.js';
import { tillRpc } from '../src/harness/till-rpc.js';
import { waitFor } from '../src/harness/wait-for.js';

warnIfChromiumMissing('till-journeys');

type Words = typeof en;
type Product = ProductRecord & { barcode: string };

/** The Daraja simulator's magic number that pays. */
const paying_phone = '254712345678';
const journey_timeout_ms = 150_000;

interface Shop {
  profile: TillProfileRecord;
  cashier: { staff_id: string; name: string };
  manager: { staff_id: string; name: string };
  /** Whole-shilling piece products with barcodes, in stock: two to scan, one by quantity, one by name. */
  a: Product;
  b: Product;
  c: Product;
  d: Product;
  /** The product whose price the owner changes during the journey (to cents, so the sale rounds). */
  e: Product;
  customer: CustomerRecord;
}

describe.skipIf(chromium_missing)('the till journeys of UX.md with the keyboard only', () => {
  let stack: DemoStack;
  let owner: OwnerApi;
  let shop: Shop;

  beforeAll(async () => {
    stack = await startDemoStack('journeys', { mpesa: true });
    const call: TillCall = (method, input) => tillRpc(stack.tillUrl, method, input);
    await receiveOpeningStock(call, stack.logins.manager_pin, () => crypto.randomUUID());
    await bookOpeningCredit(call, stack.logins.manager_pin, () => crypto.randomUUID());
    owner = await ownerLogin(stack.serverUrl, stack.logins.owner_email, stack.logins.owner_password);
    const profile = await call('tillProfile', {});
    const cashier = profile.staff.find((s) => s.role === 'cashier');
    const manager = profile.staff.find((s) => s.role === 'manager');
    if (cashier === undefined || manager === undefined) throw new Error('the demo till has no cashier or no manager');
    await call('login', { staff_id: manager.staff_id, pin: stack.logins.manager_pin });
    const { levels } = await call('stockOnHand', {});
    const { customers } = await call('searchCustomers', { query: 'Mama Wanjiku', limit: 5 });
    await call('lock', {});
    const usable = levels.filter((p): p is Product => p.unit === 'piece' && p.barcode !== undefined && /^\d{8,14}$/.test(p.barcode) && p.unit_price % 100 === 0 && p.on_hand >= 20);
    // The one found by name needs a name no other product starts with.
    const byName = usable.find((p) => usable.filter((q) => q.name.toLowerCase().startsWith(p.name.toLowerCase())).length === 1 && levels.filter((q) => q.name === p.name).length === 1);
    const rest = usable.filter((p) => p !== byName);
    const customer = customers.find((c) => c.phone !== undefined && c.phone !== null);
    if (byName === undefined || rest.length < 4 || customer === undefined) throw new Error('the demo shop lacks the products or the customer with a phone these journeys need');
    shop = { profile, cashier, manager, a: rest[0]!, b: rest[1]!, c: rest[2]!, d: byName, e: rest[3]!, customer };
  }, 240_000);
  afterAll(async () => {
    await stack?.stop();
  });

  for (const [language, t] of [['en', en], ['sw', sw]] as const) {
    it(`journeys 1–9 in ${language === 'en' ? 'English' : 'Swahili'}`, async () => {
      const browser = await openTillBrowser(stack.tillUrl);
      try {
        await walkJourneys(browser, language, t);
      } catch (error) {
        await browser.screenshot(`journey-${language}-failed`);
        throw error;
      } finally {
        await browser.close();
      }
    }, journey_timeout_ms);
  }

  async function walkJourneys(browser: TillBrowser, language: 'en' | 'sw', t: Words): Promise<void> {
    const { page } = browser;
    let step = 0;
    /** The end of a step: its screenshot, the focus where it belongs, no faulty message. */
    const stepDone = async (name: string, focus: Locator, focusName: string) => {
      await expectFocused(focus, `${name}: ${focusName}`);
      expect(await screenMessageFaults(page), name).toEqual([]);
      step += 1;
      await browser.screenshot(`journey-${language}-${String(step).padStart(2, '0')}-${name}`);
    };
    const search = page.getByLabel(t.search_label);
    const cart = page.getByRole('table', { name: t.cart });
    const nextSale = page.getByRole('button', { name: `${t.next_sale} (Enter)` });
    const receiptNo = async () => (await page.getByTestId('receipt-no').textContent()) ?? '';
    const receiptTexts = async () => (await page.getByTestId('receipt').locator('p').allInnerTexts()).map((text) => text.replace(/\s+/g, ' ').trim());
    const startNextSale = async () => {
      await page.keyboard.press('Enter');
      await expectFocused(search, 'the next sale: search box');
    };
    /** From the cash given (the pay screen's main field), back to a tender tab, Enter. */
    const payWith = async (kind: 'mpesa' | 'credit') => {
      await pressOn(page, page.getByRole('tab', { name: t.tender_kind[kind] }), `the ${kind} tab`, 'back');
    };
    const payByMpesa = async (): Promise<string> => {
      await expectFocused(page.getByLabel(t.field_phone), 'M-Pesa: phone');
      await typeText(page, formatPhoneKe(paying_phone));
      await page.keyboard.press('Enter');
      const paidPattern = new RegExp(`^${t.mpesa_paid('CODE').replace('CODE', '([A-Z0-9]{10})')}$`);
      const paid = page.getByText(paidPattern);
      await paid.waitFor({ timeout: 30_000 });
      // Paid and waiting for Continue: nothing is "still to pay" beside it (issue 17).
      expect(await page.getByText(`${t.still_to_pay}:`).count()).toBe(0);
      await stepDone('mpesa-paid', page.getByRole('button', { name: t.continue }), 'Continue');
      const code = paidPattern.exec((await paid.textContent()) ?? '')?.[1];
      if (code === undefined) throw new Error('no M-Pesa receipt number on screen');
      await page.keyboard.press('Enter');
      return code;
    };
    /** UX 4: what every receipt shows. */
    const expectReceiptHead = (texts: string[], number: string) => {
      expect(texts).toContain(shop.profile.shop_name);
      expect(shop.profile.kra_pin, 'the demo business has a KRA PIN').toBeDefined();
      expect(texts).toContain(`KRA PIN ${shop.profile.kra_pin}`);
      expect(texts).toContain(`${shop.profile.till_label} · ${t.receipt_no} ${number}`);
      expect(texts.some((text) => text.startsWith(`${t.cashier}: ${shop.cashier.name} · `))).toBe(true);
      expect(texts.some((text) => text.startsWith('VAT '))).toBe(true);
    };
    const pair = (texts: string[], left: string, right: string) => expect(texts, `${left} … ${right}`).toContain(`${left} ${right}`);

    // 1. Start of day: the cashier's name (arrow keys in the list), a wrong PIN, then the right one.
    const pin = page.getByLabel(t.field_pin);
    await expectFocused(pin, 'login: PIN');
    if (language === 'sw') {
      await pressOn(page, page.getByRole('button', { name: 'Kiswahili' }), 'Kiswahili');
      await page.getByRole('heading', { name: t.login_title }).waitFor();
    }
    const name = page.getByLabel(t.field_name);
    await tabTo(page, name, 'login: name', 'back');
    await chooseOption(page, name, new RegExp(`^${shop.cashier.name} `), 'the cashier');
    await tabTo(page, pin, 'login: PIN');
    await typeText(page, stack.logins.cashier_pin === '0000' ? '1111' : '0000');
    await page.keyboard.press('Enter');
    await page.getByRole('alert').waitFor();
    await stepDone('wrong-pin', pin, 'PIN');
    await typeText(page, stack.logins.cashier_pin);
    await page.keyboard.press('Enter');
    await search.waitFor();
    // No shift yet: the sell screen says so; F9 puts the cursor in Float.
    await page.getByText(t.shift_prompt).waitFor();
    await stepDone('shift-prompt', search, 'search box');
    await page.keyboard.press('F9');
    const float = page.getByLabel(t.field_float);
    await expectFocused(float, 'F9: Float');
    await typeText(page, '2000');
    await page.keyboard.press('Enter');
    await page.getByText(t.shift_opened(formatKes(200_000))).waitFor();
    // The float's form gives way to the open shift's: the cursor is in its first field (pay in).
    await stepDone('shift-open', page.getByLabel(t.field_amount).first(), 'pay in: amount');
    await page.keyboard.press('F2');
    await expectFocused(search, 'F2: search box');

    // 2. A sale: scans (a repeat counts up), 3* before a scan, a name found by typing (arrows,
    //    Enter), Del on the selected line. The owner's new price is on the next scan once synced.
    // A price in cents, so this sale has a rounding line.
    const newPrice = shop.e.unit_price + (language === 'en' ? 50 : 150);
    await changePriceAndWaitForIndex(page, shop.e, newPrice);
    await scan(page, shop.a.barcode);
    await scan(page, shop.b.barcode);
    await scan(page, shop.a.barcode);
    await typeText(page, '3*');
    await page.keyboard.press('Enter');
    await scan(page, shop.c.barcode);
    await scan(page, shop.e.barcode);
    // "Nothing found" is about that search only: it goes when the cashier types the next one.
    await typeText(page, 'zzqxw');
    await page.keyboard.press('Enter');
    const nothing = page.getByText(t.not_found('zzqxw'));
    await nothing.waitFor();
    await typeText(page, shop.d.name);
    await page.getByRole('listbox', { name: t.search_results }).getByRole('option', { name: new RegExp(escape(shop.d.name)) }).waitFor();
    expect(await nothing.count()).toBe(0);
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    const row = (product: Product) => cart.getByRole('row').filter({ hasText: product.name });
    await row(shop.d).waitFor();
    await expect.poll(() => row(shop.a).getByRole('cell').nth(1).textContent()).toBe('2');
    await expect.poll(() => row(shop.c).getByRole('cell').nth(1).textContent()).toBe('3');
    await expect.poll(() => row(shop.e).getByRole('cell').nth(2).textContent()).toBe(formatKes(newPrice));
    await stepDone('cart', search, 'search box');
    // The name-found line is the selected one: Del takes it off.
    await page.keyboard.press('Delete');
    await expect.poll(() => row(shop.d).count()).toBe(0);
    const cartTotal = 2 * shop.a.unit_price + shop.b.unit_price + 3 * shop.c.unit_price + newPrice;
    // The total to pay is in whole shillings (DESIGN §3); the rule itself is shared's and tested there.
    await expect.poll(async () => Math.abs(parseKesText((await page.getByTestId('cart-total').textContent()) ?? '') - cartTotal) < 100).toBe(true);
    expect(await page.getByTestId('vat-total').textContent()).toMatch(/^KSh /);
    await stepDone('line-removed', search, 'search box');

    // 3–4. Cash: what the customer gave, the change, the receipt with rounding.
    await page.keyboard.press('F4');
    const cashGiven = page.getByLabel(t.field_cash_given);
    await expectFocused(cashGiven, 'F4: cash given');
    // The help (F1) over the pay screen, then Esc: the cursor is back in the cash given.
    await page.keyboard.press('F1');
    const help = page.getByRole('dialog', { name: t.help_title });
    await help.waitFor();
    await page.keyboard.press('Escape');
    await expect.poll(() => help.count()).toBe(0);
    await expectFocused(cashGiven, 'after the help: cash given');
    const payable = parseKesText((await page.getByTestId('pay-total').textContent()) ?? '');
    expect(payable % 100).toBe(0);
    expect(Math.abs(payable - cartTotal)).toBeLessThan(100);
    const given = Math.ceil((payable + 1) / 100_000) * 100_000;
    await typeText(page, String(given / 100));
    await page.getByTestId('change-due').waitFor();
    await stepDone('cash-given', cashGiven, 'cash given');
    await page.keyboard.press('Enter');
    await page.getByTestId('receipt-no').waitFor();
    const cashReceipt = await receiptNo();
    let texts = await receiptTexts();
    expectReceiptHead(texts, cashReceipt);
    for (const product of [shop.a, shop.b, shop.c, shop.e]) expect(texts).toContain(product.name);
    expect(texts).not.toContain(shop.d.name);
    pair(texts, t.subtotal, formatKes(cartTotal));
    pair(texts, t.rounding, formatKes(payable - cartTotal));
    pair(texts, t.total, formatKes(payable));
    pair(texts, t.receipt_cash_given, formatKes(given));
    pair(texts, t.change, formatKes(given - payable));
    expect(await page.getByTestId('receipt-change').textContent()).toBe(formatKes(given - payable));
    // The change in large digits is on the screen, not scrolled away by a long receipt.
    expect(await inViewport(page.getByTestId('receipt-change')), 'the big change on screen').toBe(true);
    await stepDone('cash-receipt', nextSale, 'Next sale');
    await startNextSale();

    // M-Pesa STK: the receipt carries M-Pesa's receipt number.
    await scan(page, shop.a.barcode);
    await row(shop.a).waitFor();
    await page.keyboard.press('F4');
    await expectFocused(cashGiven, 'F4: cash given');
    await payWith('mpesa');
    const mpesaCode = await payByMpesa();
    await page.getByTestId('receipt-no').waitFor();
    texts = await receiptTexts();
    expectReceiptHead(texts, await receiptNo());
    pair(texts, t.tender_kind.mpesa, formatKes(shop.a.unit_price));
    expect(texts).toContain(`${t.mpesa_receipt_no}: ${mpesaCode}`);
    await stepDone('mpesa-receipt', nextSale, 'Next sale');
    await startNextSale();

    // Credit: pick the customer (F3 from the credit tab), the receipt names them and the new balance.
    const before = await tillRpc(stack.tillUrl, 'customerStatement', { customer_id: shop.customer.customer_id, limit: 1 });
    await scan(page, shop.b.barcode);
    await row(shop.b).waitFor();
    await page.keyboard.press('F4');
    await expectFocused(cashGiven, 'F4: cash given');
    await payWith('credit');
    const pick = page.getByRole('button', { name: `${t.pick_customer} (F3)` });
    await expectFocused(pick, 'credit: pick a customer');
    await page.keyboard.press('Enter');
    const find = page.getByLabel(t.field_customer_find);
    await expectFocused(find, 'customers: find');
    await typeText(page, shop.customer.name);
    await page.keyboard.press('Enter');
    await pressOn(page, page.getByRole('listitem').filter({ hasText: shop.customer.name }).getByRole('button', { name: t.use_for_sale }), 'use for this sale');
    await expectFocused(cashGiven, 'back on pay: cash given');
    await payWith('credit');
    const putOnCredit = page.getByRole('button', { name: t.put_on_credit(formatKes(shop.b.unit_price)) });
    await stepDone('credit', putOnCredit, 'put on credit');
    await page.keyboard.press('Enter');
    await page.getByTestId('receipt-no').waitFor();
    texts = await receiptTexts();
    expectReceiptHead(texts, await receiptNo());
    pair(texts, t.tender_kind.credit, formatKes(shop.b.unit_price));
    pair(texts, t.customer, shop.customer.name);
    pair(texts, t.credit_new_balance, formatKes(before.customer.balance + shop.b.unit_price));
    await stepDone('credit-receipt', nextSale, 'Next sale');
    await startNextSale();

    // Split: part in cash, the rest by M-Pesa; the receipt shows both.
    await scan(page, shop.c.barcode);
    await scan(page, shop.c.barcode);
    await expect.poll(() => row(shop.c).getByRole('cell').nth(1).textContent()).toBe('2');
    await page.keyboard.press('F4');
    await expectFocused(cashGiven, 'F4: cash given');
    const splitTotal = 2 * shop.c.unit_price;
    const cashPart = Math.floor(splitTotal / 200) * 100;
    await typeText(page, String(cashPart / 100));
    await page.keyboard.press('Enter');
    const splitCode = await payByMpesa();
    await page.getByTestId('receipt-no').waitFor();
    texts = await receiptTexts();
    expectReceiptHead(texts, await receiptNo());
    // Cash that needed no change prints as the tender itself.
    expect(texts).toContain(`${t.tender_kind.cash} ${formatKes(cashPart)}`);
    pair(texts, t.tender_kind.mpesa, formatKes(splitTotal - cashPart));
    expect(texts).toContain(`${t.mpesa_receipt_no}: ${splitCode}`);
    await stepDone('split-receipt', nextSale, 'Next sale');
    await startNextSale();

    // F6 puts the cart aside (confirmed, counted in the strip); F6 on an empty cart brings it back.
    const strip = page.getByRole('status', { name: t.status });
    await scan(page, shop.a.barcode);
    await row(shop.a).waitFor();
    await page.keyboard.press('F6');
    await page.getByText(t.cart_held(1)).waitFor();
    await strip.getByText(t.parked_count(1)).waitFor();
    await stepDone('held', search, 'search box');
    await page.keyboard.press('F6');
    const parked = page.getByRole('dialog', { name: t.parked_sales });
    await expectFocused(parked.getByRole('button', { name: new RegExp(escape(t.held_cart(1, formatKes(shop.a.unit_price)))) }), 'the held cart');
    await page.keyboard.press('Enter');
    await row(shop.a).waitFor();
    await page.getByText(t.cart_resumed).waitFor();
    await stepDone('resumed', search, 'search box');
    await page.keyboard.press('F4');
    await expectFocused(cashGiven, 'F4: cash given');
    await page.keyboard.press('Enter');
    await page.getByTestId('receipt-no').waitFor();
    await startNextSale();

    // 4. A reprint from history: COPY, and no big change panel.
    await page.keyboard.press('F8');
    const findReceipt = page.getByLabel(t.field_receipt_no);
    await expectFocused(findReceipt, 'F8: receipt number');
    await typeText(page, cashReceipt);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: new RegExp(`^${cashReceipt} `) }).waitFor();
    await pressOn(page, page.getByRole('button', { name: t.reprint }), 'reprint');
    await page.getByTestId('receipt-no').waitFor();
    texts = await receiptTexts();
    expect(texts[0]).toBe(t.receipt_copy);
    expect(texts.at(-1)).toBe(t.receipt_copy);
    expectReceiptHead(texts, cashReceipt);
    expect(await page.getByTestId('receipt-change').count()).toBe(0);
    await stepDone('reprint', nextSale, 'Next sale');
    await startNextSale();

    // 5. A refund: quantities checked before the manager is asked, a running total, the manager's
    //    PIN, then what was refunded and what is left per line; "All" means what is left.
    await page.keyboard.press('F8');
    await expectFocused(findReceipt, 'F8: receipt number');
    await typeText(page, cashReceipt);
    await page.keyboard.press('Enter');
    const quantityOf = (product: Product) => page.getByLabel(`${t.refund_quantity}: ${product.name}`);
    const refundButton = page.getByRole('button', { name: t.refund, exact: true });
    await expectFocused(quantityOf(shop.a), 'sale detail: the first line’s refund quantity');
    await tabTo(page, quantityOf(shop.b), 'refund: second line');
    await typeText(page, '5');
    await pressOn(page, refundButton, 'refund');
    await page.getByRole('alert').filter({ hasText: t.refund_too_many(shop.b.name, '1') }).waitFor();
    expect(await page.getByRole('dialog', { name: t.approval_title }).count(), 'no manager prompt before the check').toBe(0);
    await stepDone('refund-too-many', refundButton, 'refund');
    await tabTo(page, quantityOf(shop.b), 'refund: second line', 'back');
    await page.keyboard.press('Backspace');
    await tabTo(page, quantityOf(shop.a), 'refund: first line', 'back');
    await typeText(page, '1');
    await expect.poll(() => page.getByTestId('refund-total').textContent()).toBe(`${t.refund_total}: ${formatKes(shop.a.unit_price)}`);
    await tabTo(page, page.getByLabel(t.field_reason), 'refund: reason');
    await typeText(page, language === 'en' ? 'Damaged packet' : 'Pakiti imeharibika');
    await pressOn(page, refundButton, 'refund');
    const approval = page.getByRole('dialog', { name: t.approval_title });
    await expectFocused(approval.getByLabel(t.approval_pin), 'the manager’s PIN');
    await typeText(page, stack.logins.manager_pin);
    await page.keyboard.press('Enter');
    await page.getByText(t.refunded(formatKes(shop.a.unit_price), t.refund_tender.cash)).waitFor();
    const sale = await tillRpc(stack.tillUrl, 'getSale', { receipt_no: cashReceipt });
    const lineA = sale.sale.lines.find((line) => line.product_id === shop.a.product_id)!;
    await expect.poll(() => page.getByTestId(`refunded-${lineA.line_id}`).textContent()).toBe('1');
    expect(await page.getByTestId(`left-${lineA.line_id}`).textContent()).toBe('1');
    await pressOn(page, page.getByRole('row').filter({ hasText: shop.a.name }).getByRole('button', { name: t.all }), 'All', 'back');
    await expect.poll(() => quantityOf(shop.a).inputValue()).toBe('1');
    await expect.poll(() => page.getByTestId('refund-total').textContent()).toBe(`${t.refund_total}: ${formatKes(shop.a.unit_price)}`);
    await stepDone('refunded', page.getByRole('row').filter({ hasText: shop.a.name }).getByRole('button', { name: t.all }), 'All');
    await page.keyboard.press('Escape');

    // 6. Customers: found by phone, the statement, a payment recorded in cash.
    await page.keyboard.press('F3');
    await expectFocused(find, 'F3: find a customer');
    await typeText(page, formatPhoneKe(shop.customer.phone!));
    await page.keyboard.press('Enter');
    const found = page.getByRole('listitem').filter({ hasText: shop.customer.name });
    await found.waitFor();
    await pressOn(page, found.getByRole('button', { name: t.statement }), 'statement');
    const amount = page.getByLabel(t.field_amount);
    await expectFocused(amount, 'statement: amount');
    const owed = (await tillRpc(stack.tillUrl, 'customerStatement', { customer_id: shop.customer.customer_id, limit: 1 })).customer.balance;
    await typeText(page, '100');
    await page.keyboard.press('Enter');
    await page.getByText(t.payment_recorded(formatKes(10_000), formatKes(owed - 10_000))).waitFor();
    await stepDone('credit-payment', amount, 'amount');
    await page.keyboard.press('Escape');

    // 7. Stock: a delivery received by scanning (a repeat scan adds one), then saved.
    await pressOn(page, page.getByRole('navigation').getByRole('button', { name: t.screen_name.stock }), 'the Stock screen', 'back');
    const stockScan = page.getByRole('region', { name: t.stock_tab.receive }).getByRole('textbox').first();
    await expectFocused(stockScan, 'stock: scan');
    await scan(page, shop.d.barcode);
    await scan(page, shop.d.barcode);
    await expect.poll(() => page.getByLabel(`${shop.d.name} ${t.field_quantity}`).inputValue()).toBe('2');
    await pressOn(page, page.getByRole('button', { name: t.save }), 'save the delivery');
    await approveIfAsked(page, t, page.getByText(t.stock_received(1)));
    // Saved: Save is disabled again, and the cursor is back where the next delivery is scanned.
    await stepDone('delivery', stockScan, 'stock: scan');

    // 9. Always visible: online, synced, nothing waiting, once the sync agent has pushed.
    await expect.poll(async () => strip.innerText(), { timeout: 30_000 }).toContain(t.waiting_to_sync(0));
    expect(await strip.innerText()).toContain(t.online);
    await stepDone('status', stockScan, 'stock: scan');

    // 8. End of shift: a blind count (the expected cash is not shown first), then the Z-report.
    await page.keyboard.press('F9');
    const counted = page.getByLabel(t.field_cash_counted);
    await tabTo(page, counted, 'cash counted');
    expect(await page.getByText(t.z_report).count()).toBe(0);
    await typeText(page, '2500');
    await page.keyboard.press('Enter');
    await approveIfAsked(page, t, page.getByText(t.z_report_till(shop.profile.shop_name, shop.profile.till_label, shop.cashier.name)));
    expect(await page.locator('main').innerText()).toContain(t.variance);
    step += 1;
    await browser.screenshot(`journey-${language}-${String(step).padStart(2, '0')}-z-report`);
    expect(await screenMessageFaults(page)).toEqual([]);
  }

  /** The owner changes a price; the till's sync brings it; the renderer's barcode index reads it. */
  async function changePriceAndWaitForIndex(page: Page, product: Product, price: number): Promise<void> {
    await owner.patch(`/v1/products/${product.product_id}`, { price_cents: price });
    await waitFor(async () => ((await tillRpc(stack.tillUrl, 'lookupBarcode', { barcode: product.barcode })).product?.unit_price === price ? true : null), 30_000);
    // The ledger's last change number now; the index must read up to it.
    const indexed = async () => Number((await page.locator('.till').getAttribute('data-catalog-change-no')) ?? '0');
    let latest = await indexed();
    for (let more = true; more; ) {
      const answer = await tillRpc(stack.tillUrl, 'barcodeIndex', { since: latest });
      latest = answer.change_no;
      more = answer.more;
    }
    await expect.poll(indexed, { timeout: 10_000 }).toBeGreaterThanOrEqual(latest);
  }

  /** What a manager would do if the till asks: their PIN in the prompt. Then the outcome shows. */
  async function approveIfAsked(page: Page, t: Words, outcome: Locator): Promise<void> {
    const prompt = page.getByRole('dialog', { name: t.approval_title });
    await outcome.or(prompt).first().waitFor();
    if (await prompt.isVisible()) {
      await expectFocused(prompt.getByLabel(t.approval_pin), 'the manager’s PIN');
      await typeText(page, stack.logins.manager_pin);
      await page.keyboard.press('Enter');
    }
    await outcome.waitFor();
  }
});

/** Wholly inside the 1366×768 window, as the page is scrolled now. */
async function inViewport(target: Locator): Promise<boolean> {
  const box = await target.boundingBox();
  const size = target.page().viewportSize();
  return box !== null && size !== null && box.y >= 0 && box.x >= 0 && box.y + box.height <= size.height && box.x + box.width <= size.width;
}

/** "KSh 1,234.50" as cents. */
function parseKesText(text: string): number {
  const match = /^KSh ([\d,]+)\.(\d\d)$/.exec(text.trim());
  if (match === null) throw new Error(`not an amount in KSh: ${text}`);
  return Number(match[1]!.replace(/,/g, '')) * 100 + Number(match[2]);
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
