/**
 * Valid sample payloads and envelopes for every event type, consistent with the amount
 * conventions of event-payloads.ts, plus samples of every till API input and Daraja payload and
 * the mutation helpers the schema tests walk them with. Other workspaces' tests may reuse them
 * (the package does not export this file yet: import it by relative path).
 */
import { PaymeError } from '../src/errors.js';
import { genesis_hash, recordHash } from '../src/hash-chain.js';
import { splitVat } from '../src/money.js';
import type { EventOf, EventPayload, EventType } from '../src/schemas/events.js';
import type { TillInput, TillMethod } from '../src/schemas/till-api.js';

/** Deterministic lowercase UUIDv7-shaped ids: `fixtureId(1)`, `fixtureId(2)`, … */
export function fixtureId(n: number): string {
  const tail = n.toString(16).padStart(12, '0');
  return `0190a1b2-c3d4-7e5f-8a9b-${tail}`;
}

export const ids = {
  till: fixtureId(1),
  cashier: fixtureId(2),
  manager: fixtureId(3),
  sale: fixtureId(10),
  shift: fixtureId(11),
  customer: fixtureId(12),
  product_sugar: fixtureId(20),
  product_soda: fixtureId(21),
  line_sugar: fixtureId(30),
  line_soda: fixtureId(31),
  payment: fixtureId(40),
  refund: fixtureId(41),
  entry: fixtureId(42),
  claim: fixtureId(43),
  receipt: fixtureId(44),
  count: fixtureId(45),
  reversal: fixtureId(46),
} as const;

/**
 * A two-line sale: 1.5 kg of loose sugar at KSh 180/kg (standard VAT) and 2 sodas at KSh 60
 * (standard), with a 10 % discount on the sodas, paid partly in cash and partly by M-Pesa.
 */
function saleCompleted(): EventPayload<'sale_completed'> {
  const sugarGross = 27_000; // 180.00 × 1.5
  const sodaBefore = 12_000;
  const sodaDiscount = 1_200;
  const sodaGross = sodaBefore - sodaDiscount;
  const sugarVat = splitVat(sugarGross, 'standard');
  const sodaVat = splitVat(sodaGross, 'standard');
  const subtotal = sugarGross + sodaBefore;
  const total = subtotal - sodaDiscount; // 378.00, already whole shillings
  return {
    sale_id: ids.sale,
    receipt_no: 'T3-000123',
    shift_id: ids.shift,
    lines: [
      { line_id: ids.line_sugar, product_id: ids.product_sugar, name: 'Sugar (loose)', sku: 'SUG-LOOSE', unit: 'gram', quantity: 1_500, unit_price: 18_000, discount: 0, gross: sugarGross, vat_class: 'standard', vat: sugarVat.vat, net: sugarVat.net },
      { line_id: ids.line_soda, product_id: ids.product_soda, name: 'Soda 500ml', unit: 'piece', quantity: 2, unit_price: 6_000, discount: sodaDiscount, gross: sodaGross, vat_class: 'standard', vat: sodaVat.vat, net: sodaVat.net, override_approved_by: ids.manager },
    ],
    subtotal,
    discount: sodaDiscount,
    vat_total: sugarVat.vat + sodaVat.vat,
    rounding: 0,
    total,
    tenders: [
      { kind: 'cash', amount: total - 20_000, tendered: 20_000, change: 20_000 - (total - 20_000) },
      { kind: 'mpesa', amount: 20_000, payment_id: ids.payment, mpesa_receipt: 'SKL4ABCD12' },
    ],
  };
}

const builders: { [T in EventType]: () => EventPayload<T> } = {
  sale_completed: saleCompleted,
  sale_parked: () => {
    const { lines, total } = saleCompleted();
    // The soda line was discounted 10 % by the cashier; 100.00 in cash came before the STK request.
    return {
      sale_id: ids.sale,
      payment_id: ids.payment,
      shift_id: ids.shift,
      lines,
      total,
      phone: '254712345678',
      discount_bp: 0,
      line_terms: [{}, { discount_bp: 1_000, catalog_unit_price: 6_500 }],
      tenders: [{ kind: 'cash', amount: 10_000, tendered: 10_000, change: 0 }],
    };
  },
  sale_abandoned: () => ({ sale_id: ids.sale, reason: 'Customer left without paying' }),
  sale_voided: () => ({ sale_id: ids.sale, reason: 'Rang up the wrong customer' }),
  sale_refunded: () => ({
    refund_id: ids.refund,
    sale_id: ids.sale,
    lines: [{ line_id: ids.line_soda, product_id: ids.product_soda, quantity: 1, amount: 5_400 }],
    total: 5_400,
    tenders: [{ kind: 'cash', amount: 5_400 }],
    reason: 'Soda was flat',
  }),
  mpesa_reversal_requested: () => ({
    reversal_id: ids.reversal,
    sale_id: ids.sale,
    refund_id: ids.refund,
    payment_id: ids.payment,
    mpesa_receipt: 'SKL4ABCD12',
    amount: 20_000,
  }),
  stock_received: () => ({
    receipt_id: ids.receipt,
    supplier: 'Mumias Distributors',
    lines: [{ product_id: ids.product_sugar, quantity: 50_000, unit_cost: 15_000 }],
  }),
  stock_adjusted: () => ({ product_id: ids.product_soda, delta: -3, reason: 'Crate dropped', reason_code: 'damaged' }),
  stock_counted: () => ({ count_id: ids.count, lines: [{ product_id: ids.product_soda, expected: 40, counted: 38 }] }),
  customer_created: () => ({ customer_id: ids.customer, name: 'Mama Wanjiku', phone: '254712345678', credit_limit: 500_000 }),
  customer_updated: () => ({ customer_id: ids.customer, name: 'Mama Wanjiku Kamau', credit_limit: 800_000 }),
  credit_payment_recorded: () => ({ entry_id: ids.entry, customer_id: ids.customer, amount: 150_000, tender: 'cash' }),
  credit_adjusted: () => ({ entry_id: ids.entry, customer_id: ids.customer, delta: -25_000, reason: 'Written off after moving away', reason_code: 'write_off' }),
  shift_opened: () => ({ shift_id: ids.shift, float: 200_000 }),
  shift_paid_in: () => ({ shift_id: ids.shift, entry_id: ids.entry, amount: 100_000, reason: 'Change from the bank' }),
  shift_paid_out: () => ({ shift_id: ids.shift, entry_id: ids.entry, amount: 30_000, reason: 'Paid the water vendor' }),
  shift_closed: () => ({
    shift_id: ids.shift,
    counted: [{ tender: 'cash', amount: 415_000 }],
    expected: [{ tender: 'cash', amount: 417_800 }, { tender: 'mpesa', amount: 20_000 }],
    variance: [{ tender: 'cash', amount: -2_800 }, { tender: 'mpesa', amount: -20_000 }],
    sales_count: 1,
    refunds_total: 5_400,
    voids_count: 0,
  }),
  mpesa_claim_recorded: () => ({ claim_id: ids.claim, sale_id: ids.sale, code: 'SKM9ZXCV34', amount: 50_000, phone: '254712345678' }),
};

/** A fresh valid payload for the type (a new object each call, safe to mutate). */
export function samplePayload<T extends EventType>(type: T): EventPayload<T> {
  return builders[type]();
}

/**
 * A valid, correctly hashed envelope for the type. `seq` 1 chains from the genesis hash unless
 * `prev_hash` is given.
 */
export function sampleEvent<T extends EventType>(
  type: T,
  options: { seq?: number; prev_hash?: string; payload?: EventPayload<T>; approver_id?: string } = {},
): EventOf<T> {
  const seq = options.seq ?? 1;
  const unhashed = {
    event_id: fixtureId(1_000 + seq),
    till_id: ids.till,
    seq,
    type,
    v: 1,
    occurred_at: '2026-11-26T09:30:00.000Z',
    actor_id: ids.cashier,
    ...(options.approver_id === undefined ? {} : { approver_id: options.approver_id }),
    payload: options.payload ?? samplePayload(type),
    prev_hash: options.prev_hash ?? genesis_hash,
  };
  return { ...unhashed, hash: recordHash(unhashed) } as EventOf<T>;
}

// ---- Till API inputs ------------------------------------------------------------------------


const approvalSample = { manager_id: ids.manager, pin: '2468' };

const tillInputs: { [M in TillMethod]: () => TillInput<M> } = {
  login: () => ({ staff_id: ids.cashier, pin: '1357' }),
  lock: () => ({}),
  unlockStaff: () => ({ command_id: fixtureId(500), staff_id: ids.cashier, approval: approvalSample }),
  searchProducts: () => ({ query: 'sugar', limit: 20 }),
  lookupBarcode: () => ({ barcode: '6161101600019' }),
  barcodeIndex: () => ({ since: 41, limit: 500 }),
  favouriteProducts: () => ({ limit: 12 }),
  completeSale: () => ({
    command_id: fixtureId(501),
    sale_id: ids.sale,
    lines: [
      { product_id: ids.product_sugar, quantity: 1_500 },
      { product_id: ids.product_soda, quantity: 2, unit_price: 5_500, discount_bp: 1_000 },
    ],
    discount_bp: 500,
    customer_id: ids.customer,
    tenders: [
      { kind: 'cash', amount: 20_000, tendered: 50_000 },
      { kind: 'mpesa', amount: 17_000, payment_id: ids.payment },
    ],
    approval: approvalSample,
  }),
  parkSale: () => ({
    command_id: fixtureId(502),
    sale_id: ids.sale,
    payment_id: ids.payment,
    lines: [{ product_id: ids.product_soda, quantity: 2 }],
    phone: '254712345678',
    tenders: [{ kind: 'cash', amount: 5_000, tendered: 5_000 }],
  }),
  resumeParkedSale: () => ({ sale_id: ids.sale }),
  abandonParkedSale: () => ({ command_id: fixtureId(503), sale_id: ids.sale, reason: 'Customer left' }),
  listParkedSales: () => ({}),
  voidSale: () => ({ command_id: fixtureId(504), sale_id: ids.sale, reason: 'Wrong customer', approval: approvalSample }),
  refundSale: () => ({
    command_id: fixtureId(505),
    refund_id: ids.refund,
    sale_id: ids.sale,
    lines: [{ line_id: ids.line_soda, quantity: 1 }],
    tender: 'cash',
    reason: 'Flat soda',
    approval: approvalSample,
  }),
  receiveStock: () => ({
    command_id: fixtureId(506),
    receipt_id: ids.receipt,
    supplier: 'Mumias Distributors',
    lines: [{ product_id: ids.product_sugar, quantity: 50_000, unit_cost: 15_000 }],
  }),
  adjustStock: () => ({ command_id: fixtureId(507), product_id: ids.product_soda, delta: -3, reason: 'Crate dropped', reason_code: 'damaged', approval: approvalSample }),
  countStock: () => ({ command_id: fixtureId(508), count_id: ids.count, lines: [{ product_id: ids.product_soda, expected: 40, counted: 38 }] }),
  createCustomer: () => ({ command_id: fixtureId(509), customer_id: ids.customer, name: 'Mama Wanjiku', phone: '254712345678', credit_limit: 500_000 }),
  updateCustomer: () => ({ command_id: fixtureId(510), customer_id: ids.customer, name: 'Mama Wanjiku Kamau', phone: null, credit_limit: 800_000, approval: approvalSample }),
  searchCustomers: () => ({ query: 'wanjiku', limit: 10 }),
  customerStatement: () => ({ customer_id: ids.customer, limit: 50 }),
  recordCreditPayment: () => ({ command_id: fixtureId(511), entry_id: ids.entry, customer_id: ids.customer, amount: 150_000, tender: 'mpesa', payment_id: ids.payment, mpesa_receipt: 'SKL4ABCD12' }),
  adjustCredit: () => ({ command_id: fixtureId(512), entry_id: ids.entry, customer_id: ids.customer, delta: -25_000, reason: 'Write-off', reason_code: 'write_off', approval: approvalSample }),
  openShift: () => ({ command_id: fixtureId(513), shift_id: ids.shift, float: 200_000 }),
  payIn: () => ({ command_id: fixtureId(514), entry_id: ids.entry, amount: 100_000, reason: 'Change from the bank' }),
  payOut: () => ({ command_id: fixtureId(515), entry_id: ids.entry, amount: 30_000, reason: 'Water vendor', approval: approvalSample }),
  closeShift: () => ({ command_id: fixtureId(516), counted: [{ tender: 'cash', amount: 415_000 }], approval: approvalSample }),
  currentShift: () => ({}),
  recordMpesaClaim: () => ({ command_id: fixtureId(517), claim_id: ids.claim, code: 'SKM9ZXCV34', amount: 50_000, sale_id: ids.sale, phone: '254712345678' }),
  requestMpesaPayment: () => ({ command_id: fixtureId(518), payment_id: ids.payment, sale_id: ids.sale, phone: '254712345678', amount: 20_000 }),
  getPayment: () => ({ payment_id: ids.payment }),
  todaySales: () => ({ limit: 100 }),
  getSale: () => ({ sale_id: ids.sale }),
  stockOnHand: () => ({ product_ids: [ids.product_soda] }),
  syncStatus: () => ({}),
  tillProfile: () => ({}),
  enroll: () => ({ server_url: 'https://sync.duka.example.co.ke', code: 'K7QM-2XPD-9WRT', name: 'Till 1' }),
};

/** A fresh valid input for a till API method. */
export function sampleTillInput<M extends TillMethod>(method: M): TillInput<M> {
  return tillInputs[method]();
}

// ---- Mutation walking -----------------------------------------------------------------------

export type JsonPath = (string | number)[];

/** Every leaf (string, number, boolean, null) of a JSON value, with its path. */
export function leaves(value: unknown, path: JsonPath = []): { path: JsonPath; value: unknown }[] {
  if (Array.isArray(value)) return value.flatMap((item, index) => leaves(item, [...path, index]));
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, item]) => leaves(item, [...path, key]));
  }
  return [{ path, value }];
}

/** Every object key (at any depth) with its path: the candidates for "delete a field". */
export function keyPaths(value: unknown, path: JsonPath = []): JsonPath[] {
  if (Array.isArray(value)) return value.flatMap((item, index) => keyPaths(item, [...path, index]));
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, item]) => [[...path, key], ...keyPaths(item, [...path, key])]);
  }
  return [];
}

/** A deep copy with the value at `path` replaced (or deleted when `replacement` is `deleteField`). */
export const deleteField = Symbol('delete');
export function mutateAt<T>(value: T, path: JsonPath, replacement: unknown): T {
  const copy = structuredClone(value) as Record<string | number, unknown>;
  let parent: Record<string | number, unknown> = copy;
  for (const part of path.slice(0, -1)) parent = parent[part] as Record<string | number, unknown>;
  const last = path[path.length - 1] as string | number;
  if (replacement === deleteField) delete parent[last];
  else parent[last] = replacement;
  return copy as T;
}

/** Dotted field name of a path, as error bodies carry it. */
export function dotted(path: JsonPath): string {
  return path.join('.');
}

// ---- Daraja payloads ------------------------------------------------------------------------

/** Daraja payloads as Safaricom sends or expects them (sandbox shortcode 174379). */
export const darajaSamples = {
  token: () => ({ access_token: 'c9SQxWWhmdVRlyh0zh8gZDTkubVF', expires_in: '3599' }),
  stkPushRequest: () => ({
    BusinessShortCode: '174379',
    Password: 'MTc0Mzc5YmZiMjc5ZjlhYTliZGJjZjE1OGU5N2RkNzFhNDY3Y2QyZTBjODkzMDU5YjEwZjc4ZTZiNzJhZGExZWQyYzkxOTIwMjYxMTI2MDkzMDAw',
    Timestamp: '20261126093000',
    TransactionType: 'CustomerBuyGoodsOnline' as const,
    Amount: 200,
    PartyA: '254712345678',
    PartyB: '174379',
    PhoneNumber: '254712345678',
    CallBackURL: 'https://pay.example.co.ke/v1/mpesa/secret123/stk',
    AccountReference: 'T3-000123',
    TransactionDesc: 'Duka sale',
  }),
  stkPushResponse: () => ({
    MerchantRequestID: '29115-34620561-1',
    CheckoutRequestID: 'ws_CO_191220191020363925',
    ResponseCode: '0',
    ResponseDescription: 'Success. Request accepted for processing',
    CustomerMessage: 'Success. Request accepted for processing',
  }),
  stkCallbackSuccess: () => ({
    Body: {
      stkCallback: {
        MerchantRequestID: '29115-34620561-1',
        CheckoutRequestID: 'ws_CO_191220191020363925',
        ResultCode: 0,
        ResultDesc: 'The service request is processed successfully.',
        CallbackMetadata: {
          Item: [
            { Name: 'Amount', Value: 200.0 },
            { Name: 'MpesaReceiptNumber', Value: 'NLJ7RT61SV' },
            { Name: 'Balance' },
            { Name: 'TransactionDate', Value: 20261126093012 },
            { Name: 'PhoneNumber', Value: 254712345678 },
          ],
        },
      },
    },
  }),
  stkCallbackCancelled: () => ({
    Body: { stkCallback: { MerchantRequestID: '29115-34620561-1', CheckoutRequestID: 'ws_CO_191220191020363925', ResultCode: 1032, ResultDesc: 'Request cancelled by user' } },
  }),
  stkQueryRequest: () => ({ BusinessShortCode: '174379', Password: 'MTc0Mzc5', Timestamp: '20261126093100', CheckoutRequestID: 'ws_CO_191220191020363925' }),
  stkQueryResponse: () => ({
    ResponseCode: '0',
    ResponseDescription: 'The service request has been accepted successsfully',
    MerchantRequestID: '29115-34620561-1',
    CheckoutRequestID: 'ws_CO_191220191020363925',
    ResultCode: '0',
    ResultDesc: 'The service request is processed successfully.',
  }),
  c2bRegisterUrl: () => ({ ShortCode: '600984', ResponseType: 'Completed' as const, ConfirmationURL: 'https://pay.example.co.ke/v1/mpesa/secret123/c2b/confirm', ValidationURL: 'https://pay.example.co.ke/v1/mpesa/secret123/c2b/validate' }),
  c2bConfirmation: () => ({
    TransactionType: 'Pay Bill',
    TransID: 'RKTQDM7W6S',
    TransTime: '20261126093512',
    TransAmount: '500.00',
    BusinessShortCode: '600984',
    BillRefNumber: 'T3',
    InvoiceNumber: '',
    OrgAccountBalance: '49197.00',
    ThirdPartyTransID: '',
    MSISDN: '2547 ***** 126',
    FirstName: 'JOHN',
  }),
  transactionStatusRequest: () => ({
    Initiator: 'testapi',
    SecurityCredential: 'ClONZiMYBpc65lmpJ7nvnrDmUe0WvHvA5QbOsPjEo92B1IGpQ==',
    CommandID: 'TransactionStatusQuery' as const,
    TransactionID: 'NLJ7RT61SV',
    PartyA: '174379',
    IdentifierType: '4' as const,
    ResultURL: 'https://pay.example.co.ke/v1/mpesa/secret123/status/result',
    QueueTimeOutURL: 'https://pay.example.co.ke/v1/mpesa/secret123/status/timeout',
    Remarks: 'Receipt lookup',
    Occasion: 'sale',
  }),
  reversalRequest: () => ({
    Initiator: 'testapi',
    SecurityCredential: 'ClONZiMYBpc65lmpJ7nvnrDmUe0WvHvA5QbOsPjEo92B1IGpQ==',
    CommandID: 'TransactionReversal' as const,
    TransactionID: 'NLJ7RT61SV',
    Amount: 200,
    ReceiverParty: '174379',
    RecieverIdentifierType: '11' as const,
    ResultURL: 'https://pay.example.co.ke/v1/mpesa/secret123/reversal/result',
    QueueTimeOutURL: 'https://pay.example.co.ke/v1/mpesa/secret123/reversal/timeout',
    Remarks: 'Customer refund',
  }),
  transactionStatusResult: () => ({
    Result: {
      ResultType: 0,
      ResultCode: 0,
      ResultDesc: 'The service request is processed successfully.',
      OriginatorConversationID: '10571-7910404-1',
      ConversationID: 'AG_20261126_00004e48cf7e3533f581',
      TransactionID: 'NLJ7RT61SV',
      ResultParameters: {
        ResultParameter: [
          { Key: 'ReceiptNo', Value: 'NLJ7RT61SV' },
          { Key: 'Amount', Value: 200 },
          { Key: 'DebitPartyName', Value: '254712345678 - JOHN DOE' },
          { Key: 'ReasonType' },
        ],
      },
      ReferenceData: { ReferenceItem: { Key: 'Occasion', Value: 'sale' } },
    },
  }),
};

/** Runs a parse that must fail and returns its PaymeError; any other outcome fails the test. */
export function refusalOf(parse: () => unknown, what: unknown): PaymeError {
  const shown = JSON.stringify(what)?.slice(0, 300);
  try {
    parse();
  } catch (error) {
    if (error instanceof PaymeError) return error;
    throw new Error(`expected a PaymeError refusing ${shown}, got ${String(error)}`, { cause: error });
  }
  throw new Error(`expected a refusal of ${shown}`);
}
