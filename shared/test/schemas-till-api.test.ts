import { describe, expect, it } from 'vitest';
import { PaymeError } from '../src/errors.js';
import { name_chars_max, reason_chars_max, sale_lines_max, unit_price_cents_max } from '../src/limits.js';
import { parseInput } from '../src/schemas/errors.js';
import { favourite_products_max, isTillMethod, till_methods, tillApi, type TillMethod } from '../src/schemas/till-api.js';
import { deleteField, dotted, fixtureId, keyPaths, leaves, mutateAt, sampleTillInput, refusalOf } from './schemas-fixtures.js';

function refusal(method: TillMethod, input: unknown): PaymeError {
  return refusalOf(() => parseInput(tillApi[method].input, input), input);
}

const signed = new Set(['delta', 'expected']);
/** Keys in the samples that may be left out (defaults or optional). */
const optional = new Set(['limit', 'since', 'approval', 'unit_price', 'discount_bp', 'customer_id', 'tendered', 'payment_id', 'claim_code', 'phone', 'supplier', 'unit_cost', 'name', 'credit_limit', 'mpesa_receipt', 'sale_id', 'product_ids', 'query', 'tenders']);
/** Methods where a key in the optional list is nevertheless required. */
const requiredHere: Partial<Record<TillMethod, string[]>> = {
  completeSale: ['sale_id', 'tenders'],
  parkSale: ['sale_id', 'payment_id'],
  resumeParkedSale: ['sale_id'],
  abandonParkedSale: ['sale_id'],
  voidSale: ['sale_id'],
  refundSale: ['sale_id'],
  createCustomer: ['name', 'credit_limit'],
  requestMpesaPayment: ['sale_id', 'payment_id', 'phone'],
  getPayment: ['payment_id'],
  searchProducts: ['query'],
  searchCustomers: ['query'],
  enroll: ['name'],
};

describe('till API table', () => {
  it('has exactly the methods the cashier app and ledger rely on', () => {
    expect([...till_methods].sort()).toEqual(
      [
        'login', 'lock', 'unlockStaff', 'searchProducts', 'lookupBarcode', 'barcodeIndex', 'favouriteProducts', 'completeSale', 'parkSale', 'resumeParkedSale',
        'abandonParkedSale', 'listParkedSales', 'voidSale', 'refundSale', 'receiveStock', 'adjustStock', 'countStock',
        'createCustomer', 'updateCustomer', 'searchCustomers', 'customerStatement', 'recordCreditPayment', 'adjustCredit',
        'openShift', 'payIn', 'payOut', 'closeShift', 'currentShift', 'recordMpesaClaim', 'requestMpesaPayment', 'getPayment',
        'todaySales', 'getSale', 'stockOnHand', 'syncStatus', 'tillProfile', 'enroll',
      ].sort(),
    );
    expect(isTillMethod('completeSale')).toBe(true);
    expect(isTillMethod('toString')).toBe(false);
    expect(isTillMethod(3)).toBe(false);
  });

  it('every command that writes carries a command id', () => {
    // enroll writes once, before the till has a ledger identity: a second call is refused
    // (`already_enrolled`), so it needs no command id to be replay-safe.
    const reads = new Set(['enroll', 'tillProfile', 'login', 'lock', 'searchProducts', 'lookupBarcode', 'barcodeIndex', 'favouriteProducts', 'resumeParkedSale', 'listParkedSales', 'searchCustomers', 'customerStatement', 'currentShift', 'getPayment', 'todaySales', 'getSale', 'stockOnHand', 'syncStatus']);
    for (const method of till_methods.filter((m) => !reads.has(m))) {
      const input = sampleTillInput(method) as Record<string, unknown>;
      expect(input['command_id'], method).toBeDefined();
      expect(refusal(method, mutateAt(input, ['command_id'], deleteField)).field).toBe('command_id');
    }
  });
});

describe.each(till_methods)('%s input', (method) => {
  const input = sampleTillInput(method);

  it('accepts the sample and refuses an unknown key, naming it', () => {
    expect(() => parseInput(tillApi[method].input, input)).not.toThrow();
    expect(refusal(method, { ...input, colour: 1 }).field).toBe('colour');
  });

  it('refuses fractions, huge values and (unless signed) negatives in every number, naming the field', () => {
    for (const { path, value } of leaves(input)) {
      if (typeof value !== 'number') continue;
      const mutations: unknown[] = [1.5, 1e15, -1e15, '7'];
      if (!signed.has(String(path[path.length - 1]))) mutations.push(-1);
      for (const bad of mutations) expect(refusal(method, mutateAt(input, path, bad)).field, `${dotted(path)}=${String(bad)}`).toBe(dotted(path));
    }
  });

  it('refuses over-long text and wrong types in every string, naming the field', () => {
    for (const { path, value } of leaves(input)) {
      if (typeof value !== 'string') continue;
      for (const bad of ['x'.repeat(reason_chars_max + 1), 42]) expect(refusal(method, mutateAt(input, path, bad)).field, dotted(path)).toBe(dotted(path));
    }
  });

  it('refuses a missing required field, naming it', () => {
    for (const path of keyPaths(input)) {
      const key = String(path[path.length - 1]);
      if (optional.has(key) && !(requiredHere[method] ?? []).includes(key)) continue;
      expect(refusal(method, mutateAt(input, path, deleteField)).field, dotted(path)).toBe(dotted(path));
    }
  });
});

describe('till API specifics', () => {
  it('trims typed names and reasons, then applies the limits', () => {
    const parsed = tillApi.createCustomer.input.parse({ ...sampleTillInput('createCustomer'), name: '  Mama Mboga  ' });
    expect(parsed.name).toBe('Mama Mboga');
    expect(refusal('createCustomer', { ...sampleTillInput('createCustomer'), name: '   ' }).field).toBe('name');
    expect(refusal('createCustomer', { ...sampleTillInput('createCustomer'), name: 'n'.repeat(name_chars_max + 1) }).field).toBe('name');
    expect(refusal('voidSale', { ...sampleTillInput('voidSale'), reason: 'r'.repeat(reason_chars_max + 1) }).field).toBe('reason');
  });

  it('fills defaults for search limits', () => {
    expect(tillApi.searchProducts.input.parse({ query: 'soda' }).limit).toBe(20);
    expect(tillApi.favouriteProducts.input.parse({}).limit).toBe(12);
    expect(refusal('favouriteProducts', { limit: favourite_products_max + 1 }).field).toBe('limit');
    expect(tillApi.customerStatement.input.parse({ customer_id: fixtureId(1) }).limit).toBe(100);
  });

  it('refuses a cart over the line limit, an override over the price limit, a discount over 100 %', () => {
    const sale = sampleTillInput('completeSale');
    const many = Array.from({ length: sale_lines_max + 1 }, () => sale.lines[0]!);
    expect(refusal('completeSale', { ...sale, lines: many }).field).toBe('lines');
    expect(refusal('completeSale', mutateAt(sale, ['lines', 1, 'unit_price'], unit_price_cents_max + 1)).field).toBe('lines.1.unit_price');
    expect(refusal('completeSale', mutateAt(sale, ['lines', 1, 'discount_bp'], 10_001)).field).toBe('lines.1.discount_bp');
    expect(refusal('completeSale', { ...sale, tenders: [] }).field).toBe('tenders');
  });

  it('a parked sale may carry the tenders taken before it, but not empty or too many', () => {
    const parked = sampleTillInput('parkSale');
    expect(tillApi.parkSale.input.parse(parked).tenders).toEqual([{ kind: 'cash', amount: 5_000, tendered: 5_000 }]);
    expect(refusal('parkSale', { ...parked, tenders: [] }).field).toBe('tenders');
    expect(refusal('parkSale', { ...parked, tenders: Array.from({ length: 10 }, () => parked.tenders![0]) }).field).toBe('tenders');
  });

  it('an approval needs a valid manager id and a 4-6 digit PIN', () => {
    const voided = sampleTillInput('voidSale');
    expect(refusal('voidSale', { ...voided, approval: { manager_id: fixtureId(3), pin: '12' } }).field).toBe('approval.pin');
    expect(refusal('voidSale', { ...voided, approval: { manager_id: fixtureId(3), pin: '1234567' } }).field).toBe('approval.pin');
    expect(refusal('voidSale', { ...voided, approval: { pin: '1234' } }).field).toBe('approval.manager_id');
  });

  it('getSale takes a sale id or a receipt number', () => {
    expect(tillApi.getSale.input.parse({ receipt_no: 'T3-000123' })).toEqual({ receipt_no: 'T3-000123' });
    expect(refusal('getSale', {}).field).toBe('sale_id');
    expect(refusal('getSale', { sale_id: fixtureId(10), receipt_no: 'T3-000123' }).field).toBe('sale_id');
    expect(refusal('getSale', { receipt_no: 'nope' }).field).toBe('receipt_no');
  });

  it('M-Pesa requests are whole shillings within 1..250,000 KES', () => {
    const request = sampleTillInput('requestMpesaPayment');
    expect(refusal('requestMpesaPayment', { ...request, amount: 10_050 }).field).toBe('amount');
    expect(refusal('requestMpesaPayment', { ...request, amount: 25_000_100 }).field).toBe('amount');
    expect(refusal('requestMpesaPayment', { ...request, phone: '0712345678' }).field).toBe('phone');
  });
});

describe('first-run enrollment input', () => {
  it('trims the address and code, and takes only http(s) addresses up to 300 characters', () => {
    const sample = sampleTillInput('enroll');
    expect(tillApi.enroll.input.parse({ ...sample, server_url: '  http://127.0.0.1:8787  ', code: ' ABCDEF ' })).toMatchObject({ server_url: 'http://127.0.0.1:8787', code: 'ABCDEF' });
    expect(refusal('enroll', { ...sample, server_url: 'ftp://sync.example.com' }).field).toBe('server_url');
    expect(refusal('enroll', { ...sample, server_url: `https://${'a'.repeat(300)}.ke` }).field).toBe('server_url');
    expect(refusal('enroll', { ...sample, code: '12345' }).field).toBe('code');
    expect(refusal('enroll', { ...sample, code: 'c'.repeat(65) }).field).toBe('code');
  });
});

describe('till API outputs', () => {
  it('the till profile says whether the till is enrolled and who may log in', () => {
    const profile = { enrolled: true, shop_name: 'Duka la Mama', till_label: 'Till 1 (T1)', staff: [{ staff_id: fixtureId(2), name: 'Amina', role: 'cashier' }], server_url: 'http://127.0.0.1:8787' };
    expect(tillApi.tillProfile.output.parse(profile)).toEqual(profile);
    expect(() => tillApi.tillProfile.output.parse({ ...profile, enrolled: undefined })).toThrow();
    expect(() => tillApi.enroll.output.parse({ till_id: fixtureId(3), receipt_prefix: 't1', shop_name: 'Duka' })).toThrow();
  });

  it('syncStatus and a completed sale have the shapes the UI shows', () => {
    expect(
      tillApi.syncStatus.output.parse({ online: false, last_push_at: null, last_pull_at: '2026-11-26T09:30:00.000Z', unsynced_count: 3, quarantined_count: 0, alarm: null }),
    ).toMatchObject({ unsynced_count: 3 });
    expect(() => tillApi.syncStatus.output.parse({ online: true })).toThrow();
    const result = { sale_id: fixtureId(10), receipt_no: 'T3-000123', subtotal: 39_000, discount: 1_200, vat_total: 5_214, rounding: 0, total: 37_800, change: 2_200 };
    expect(tillApi.completeSale.output.parse(result)).toEqual(result);
  });
});
