/**
 * TEST DOUBLE — an in-memory till behind the TillTransport interface, for component tests and
 * nothing else. Every input is parsed with the shared till-API schema first (as the real host
 * does), so a screen that sends what the contract refuses fails its test; outputs are checked
 * again by the till client. It keeps just enough of the ledger's rules (DESIGN §4) to drive the
 * screens: pricing, approvals, credit limits, refunds, shifts, and M-Pesa payments the test
 * settles by hand.
 */
import {
  ManualClock,
  PaymeError,
  SeededRandom,
  isoAt,
  priceSale,
  schemaError,
  tillApi,
  uuidv7,
  creditEntryRecord,
  type CustomerRecord,
  type PaymentRecord,
  type ParkedSaleRecord,
  type ProductRecord,
  type SaleLinePayload,
  type SaleRecord,
  type ShiftRecord,
  type TenderKind,
  type TillInput,
  type TillMethod,
  type TillOutput,
  type TillParsedInput,
  type TillProfileRecord,
} from '@payme/shared';
import type { z } from 'zod';
import { errorFromBody, type TillTransport } from '../transport/transport.js';
import { fake_customers, fake_products, fake_staff, test_profile } from './fake-fixtures.js';

type Handlers = { [M in TillMethod]?: (input: TillParsedInput<M>) => TillOutput<M> };
type PaymentOutcome = Pick<PaymentRecord, 'state'> & Partial<Pick<PaymentRecord, 'mpesa_receipt' | 'result_code' | 'cashier_message'>>;

/** Cashiers may give up to 5 % discount alone (the ledger's `cashier_discount_bp_max`). */
const cashier_discount_bp_max = 500;

/** A sale priced as the ledger prices it: by shared's `priceSale`, from the fake's catalog. */
function priceFakeSale(
  products: readonly ProductRecord[],
  lines: readonly { product_id: string; quantity: number; unit_price?: number | undefined; discount_bp?: number | undefined }[],
  saleBp: number,
) {
  const priced = priceSale(
    lines.map((line, index) => {
      const product = products.find((p) => p.product_id === line.product_id);
      if (product === undefined) throw new PaymeError('not_found', `lines.${index}.product_id: not on sale here`, `lines.${index}.product_id`);
      return { ...line, product };
    }),
    saleBp,
  );
  const payloadLines = priced.lines.map(({ product, quantity, unit_price, discount, gross, vat, net }): Omit<SaleLinePayload, 'line_id'> => ({
    product_id: product.product_id,
    name: product.name,
    ...(product.sku !== undefined ? { sku: product.sku } : {}),
    unit: product.unit,
    quantity,
    unit_price,
    discount,
    gross,
    vat_class: product.vat_class,
    vat,
    net,
  }));
  return { ...priced, lines: payloadLines };
}

export class FakeTill implements TillTransport {
  readonly clock = new ManualClock(Date.UTC(2026, 10, 26, 7, 0, 0));
  readonly random = new SeededRandom(7);
  readonly calls: { method: TillMethod; input: unknown }[] = [];
  products: ProductRecord[] = structuredClone(fake_products);
  customers: CustomerRecord[] = structuredClone(fake_customers);
  sales: SaleRecord[] = [];
  payments = new Map<string, PaymentRecord>();
  parked = new Map<string, ParkedSaleRecord>();
  shift: ShiftRecord | null = null;
  online = true;
  unsynced = 0;
  /** What tillProfile answers; `new FakeTill({enrolled: false})` starts on the first-run screen. */
  profile: TillProfileRecord = structuredClone(test_profile);
  /** Enrollment codes the fake server accepts (each once), and whether it can be reached. */
  enrollmentCodes = new Set(['ABCD-EFGH-JKMN']);
  serverReachable = true;
  /** What syncStatus reports as the sync agent's alarm. */
  alarm: { code: string; message: string } | null = null;
  /** Set to make requestMpesaPayment fail as the till does when the server cannot be reached. */
  mpesaUnavailable = false;
  /** The catalogue's change number: a test that changes `products` bumps it (`changeCatalogue`). */
  catalogChangeNo = 1;
  private receiptCounter = 0;
  private creditEntries = new Map<string, z.infer<typeof creditEntryRecord>[]>();
  private failures = new Map<string, number>();

  constructor(options: { enrolled?: boolean; serverUrlHint?: string } = {}) {
    if (options.enrolled === false) {
      this.profile = { enrolled: false, shop_name: 'PayMe', till_label: 'Not enrolled', staff: [], ...(options.serverUrlHint !== undefined ? { server_url: options.serverUrlHint } : {}) };
    }
  }

  /** A price, name or stock change the sync agent applied: the barcode index reads it next time. */
  changeCatalogue(change: (products: ProductRecord[]) => void): void {
    change(this.products);
    this.catalogChangeNo += 1;
  }

  /** The sync agent's first pull after enrollment: the staff list arrives. */
  deliverStaff(): void {
    this.profile = { ...this.profile, staff: fake_staff.map(({ staff_id, name, role }) => ({ staff_id, name, role })) };
  }

  async call<M extends TillMethod>(method: M, input: TillInput<M>): Promise<TillOutput<M>> {
    this.calls.push({ method, input: structuredClone(input) });
    try {
      const parsed = tillApi[method].input.safeParse(input);
      if (!parsed.success) throw schemaError(parsed.error);
      const handler = (this.handlers as Record<string, ((value: unknown) => unknown) | undefined>)[method];
      if (handler === undefined) throw new PaymeError('internal', `the fake till does not implement ${method}`);
      // A JSON round trip, like both real transports: no shared references leak to the screen.
      return JSON.parse(JSON.stringify(handler(parsed.data))) as TillOutput<M>;
    } catch (error) {
      if (error instanceof PaymeError) throw errorFromBody(error.toBody(), error.message);
      throw error;
    }
  }

  callsOf<M extends TillMethod>(method: M): TillParsedInput<M>[] {
    return this.calls.filter((call) => call.method === method).map((call) => call.input as TillParsedInput<M>);
  }

  /** Settles every payment still waiting, as the server's feed would report it. */
  settlePayments(outcome: PaymentOutcome): void {
    for (const [id, payment] of this.payments) {
      if (payment.state === 'requested') this.payments.set(id, { ...payment, ...outcome, updated_at: isoAt(this.clock.now()) });
    }
  }

  private now(): string {
    return isoAt(this.clock.now());
  }
  private id(): string {
    return uuidv7(this.clock, this.random);
  }

  /** A manager approval, when given, must carry a manager's right PIN. */
  private approver(approval: { manager_id: string; pin: string } | undefined, why: string): string {
    if (approval === undefined) throw new PaymeError('approval_required', `${why} needs a manager PIN`, 'approval');
    const manager = fake_staff.find((person) => person.staff_id === approval.manager_id && person.role !== 'cashier');
    if (manager === undefined) throw new PaymeError('forbidden', 'approval.manager_id: only a manager can approve this', 'approval.manager_id');
    if (manager.pin !== approval.pin) throw new PaymeError('pin_invalid', 'approval.pin: the manager PIN is wrong', 'approval.pin');
    return manager.staff_id;
  }

  private customer(customer_id: string): CustomerRecord {
    const customer = this.customers.find((c) => c.customer_id === customer_id);
    if (customer === undefined) throw new PaymeError('not_found', 'customer_id: no such customer', 'customer_id');
    return customer;
  }

  private readonly handlers: Handlers = {
    tillProfile: () => this.profile,
    enroll: ({ server_url, code, name }) => {
      if (this.profile.enrolled) throw new PaymeError('already_enrolled', 'This till is already enrolled; its data folder holds its identity');
      if (!this.serverReachable) throw new PaymeError('offline', `Could not reach the server at ${server_url}; check the address and the network`, 'server_url');
      if (!this.enrollmentCodes.delete(code)) throw new PaymeError('enrollment_code_invalid', 'This enrollment code is not valid; ask the owner for a new one', 'code');
      // As the host: enrolled at once, but the staff only come with the sync agent's first pull.
      this.profile = { enrolled: true, shop_name: 'Duka la Mama', till_label: `${name} (T1)`, staff: [], server_url };
      return { till_id: this.id(), receipt_prefix: 'T1', shop_name: 'Duka la Mama' };
    },
    login: ({ staff_id, pin }) => {
      const person = fake_staff.find((s) => s.staff_id === staff_id);
      if (person === undefined) throw new PaymeError('not_found', 'staff_id: no such person at this till', 'staff_id');
      const failures = this.failures.get(staff_id) ?? 0;
      if (failures >= 5) throw new PaymeError('pin_locked', 'pin: locked for 5 minutes after 5 wrong PINs', 'pin');
      if (person.pin !== pin) {
        this.failures.set(staff_id, failures + 1);
        throw new PaymeError('pin_invalid', `pin: wrong PIN, ${4 - failures} tries left`, 'pin');
      }
      this.failures.set(staff_id, 0);
      return { staff: { staff_id: person.staff_id, name: person.name, role: person.role } };
    },
    lock: () => ({ locked: true }),
    unlockStaff: ({ staff_id, approval }) => {
      this.approver(approval, 'Unlocking a name');
      this.failures.set(staff_id, 0);
      return { staff_id, unlocked: true };
    },
    // As the ledger: an empty query (no words to match) finds nothing.
    searchProducts: ({ query, limit }) => ({
      products: query.trim() === '' ? [] : this.products.filter((p) => p.name.toLowerCase().includes(query.toLowerCase()) || p.sku === query).slice(0, limit),
    }),
    // As the ledger: the products on the most (not voided) sales, ties by name; none before a sale.
    favouriteProducts: ({ limit }) => {
      const sales = new Map<string, number>();
      for (const record of this.sales.filter((s) => s.status !== 'voided')) {
        for (const product_id of new Set(record.sale.lines.map((line) => line.product_id))) sales.set(product_id, (sales.get(product_id) ?? 0) + 1);
      }
      const products = this.products.filter((p) => sales.has(p.product_id));
      products.sort((a, b) => sales.get(b.product_id)! - sales.get(a.product_id)! || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      return { products: products.slice(0, limit) };
    },
    lookupBarcode: ({ barcode }) => ({ product: this.products.find((p) => p.barcode === barcode) ?? null }),
    // Coarser than the ledger: any change sends the whole catalogue again, which the index takes as it would a page of changes.
    barcodeIndex: ({ since }) => ({
      products: since < this.catalogChangeNo ? this.products.map((p) => ({ ...p, active: true })) : [],
      change_no: this.catalogChangeNo,
      more: false,
      reset: since > this.catalogChangeNo,
    }),
    completeSale: (input) => {
      const existing = this.sales.find((s) => s.sale.sale_id === input.sale_id);
      if (existing !== undefined) return this.saleResult(existing);
      // As the ledger: a price is an override only when it differs from the catalog's.
      const overridden = (line: (typeof input.lines)[number]) => line.unit_price !== undefined && line.unit_price !== this.products.find((p) => p.product_id === line.product_id)?.unit_price;
      const needsApproval = input.lines.some((line) => overridden(line) || (line.discount_bp ?? 0) > cashier_discount_bp_max) || (input.discount_bp ?? 0) > cashier_discount_bp_max;
      if (needsApproval) this.approver(input.approval, 'A price change or a discount above 5 %');
      const priced = priceFakeSale(this.products, input.lines, input.discount_bp ?? 0);
      const sum = input.tenders.reduce((total, tender) => total + tender.amount, 0);
      if (sum !== priced.total) throw new PaymeError('invalid_amount', `tenders: the tenders add up to ${sum} cents but the sale is ${priced.total}`, 'tenders');
      const credit = input.tenders.filter((t) => t.kind === 'credit').reduce((total, t) => total + t.amount, 0);
      let credit_override: { credit_limit: number; balance_before: number; approved_by: string } | undefined;
      if (credit > 0) {
        if (input.customer_id === undefined) throw new PaymeError('invalid_input', 'customer_id: a credit sale needs a customer', 'customer_id');
        const customer = this.customer(input.customer_id);
        if (customer.balance + credit > customer.credit_limit) {
          credit_override = { credit_limit: customer.credit_limit, balance_before: customer.balance, approved_by: this.approver(input.approval, 'Credit over the customer limit') };
        }
        customer.balance += credit;
      }
      const tenders = input.tenders.map((tender) => {
        if (tender.kind === 'cash') return { kind: tender.kind, amount: tender.amount, ...(tender.tendered !== undefined ? { tendered: tender.tendered, change: tender.tendered - tender.amount } : {}) };
        if (tender.kind === 'mpesa') {
          const payment = tender.payment_id !== undefined ? this.payments.get(tender.payment_id) : undefined;
          if (tender.payment_id !== undefined && payment?.state !== 'succeeded') throw new PaymeError('payment_failed', 'tenders: this M-Pesa payment has not succeeded', 'tenders');
          return { kind: tender.kind, amount: tender.amount, ...(tender.payment_id ? { payment_id: tender.payment_id } : {}), ...(payment?.mpesa_receipt ? { mpesa_receipt: payment.mpesa_receipt } : {}), ...(tender.claim_code ? { claim_code: tender.claim_code } : {}) };
        }
        return { kind: tender.kind, amount: tender.amount };
      });
      this.receiptCounter += 1;
      const record: SaleRecord = {
        sale: {
          sale_id: input.sale_id,
          receipt_no: `T1-${String(this.receiptCounter).padStart(6, '0')}`,
          ...(input.customer_id !== undefined ? { customer_id: input.customer_id } : {}),
          lines: priced.lines.map((line) => ({ ...line, line_id: this.id() })),
          subtotal: priced.subtotal,
          discount: priced.discount,
          vat_total: priced.vat_total,
          rounding: priced.rounding,
          total: priced.total,
          tenders,
          ...(credit_override !== undefined ? { credit_override } : {}),
        },
        occurred_at: this.now(),
        cashier_id: fake_staff[0]?.staff_id ?? '',
        status: 'completed',
        refunded_total: 0,
      };
      this.sales.push(record);
      this.parked.delete(input.sale_id);
      this.unsynced += 1;
      return this.saleResult(record);
    },
    parkSale: (input) => {
      const priced = priceFakeSale(this.products, input.lines, input.discount_bp ?? 0);
      const payment = this.payments.get(input.payment_id);
      // As the ledger: the cart's terms and the tenders already taken are recorded with it.
      const taken = (input.tenders ?? []).reduce((sum, tender) => sum + tender.amount, 0);
      if (taken >= priced.total) throw new PaymeError('invalid_amount', 'tenders: nothing is left to pay by M-Pesa', 'tenders');
      const catalogPrice = (product_id: string) => this.products.find((p) => p.product_id === product_id)?.unit_price;
      this.parked.set(input.sale_id, {
        sale_id: input.sale_id,
        payment_id: input.payment_id,
        ...(input.customer_id !== undefined ? { customer_id: input.customer_id } : {}),
        lines: priced.lines.map((line) => ({ ...line, line_id: this.id() })),
        total: priced.total,
        ...(input.phone !== undefined ? { phone: input.phone } : {}),
        parked_at: this.now(),
        ...(payment !== undefined ? { payment_state: payment.state } : {}),
        discount_bp: input.discount_bp ?? 0,
        line_terms: input.lines.map((line) => {
          const catalog = catalogPrice(line.product_id);
          return {
            ...((line.discount_bp ?? 0) > 0 ? { discount_bp: line.discount_bp } : {}),
            ...(line.unit_price !== undefined && catalog !== undefined && line.unit_price !== catalog ? { catalog_unit_price: catalog } : {}),
          };
        }),
        ...(input.tenders !== undefined
          ? { tenders: input.tenders.map((t) => ({ ...t, ...(t.tendered !== undefined ? { change: t.tendered - t.amount } : {}) })) }
          : {}),
      });
      return { sale_id: input.sale_id, payment_id: input.payment_id, total: priced.total };
    },
    listParkedSales: () => ({ sales: [...this.parked.values()].map((sale) => ({ ...sale, ...this.parkedPaymentState(sale) })) }),
    resumeParkedSale: ({ sale_id }) => {
      const sale = this.parked.get(sale_id);
      if (sale === undefined) throw new PaymeError('not_found', 'sale_id: no parked sale with this id', 'sale_id');
      return { ...sale, ...this.parkedPaymentState(sale) };
    },
    requestMpesaPayment: (input) => {
      if (this.mpesaUnavailable) throw new PaymeError('mpesa_unavailable', 'M-Pesa cannot be reached: the till is offline');
      const payment: PaymentRecord = { payment_id: input.payment_id, state: 'requested', amount: input.amount, phone: input.phone, sale_id: input.sale_id, updated_at: this.now() };
      this.payments.set(input.payment_id, payment);
      return payment;
    },
    getPayment: ({ payment_id }) => {
      const payment = this.payments.get(payment_id);
      if (payment === undefined) throw new PaymeError('not_found', 'payment_id: no such payment', 'payment_id');
      return payment;
    },
    recordMpesaClaim: (input) => ({ claim_id: input.claim_id, status: 'recorded' }),
    getSale: ({ sale_id, receipt_no }) => {
      const record = this.sales.find((s) => s.sale.sale_id === sale_id || s.sale.receipt_no === receipt_no);
      if (record === undefined) throw new PaymeError('not_found', receipt_no !== undefined ? `receipt_no: no sale ${receipt_no} on this till` : 'sale_id: no such sale', receipt_no !== undefined ? 'receipt_no' : 'sale_id');
      return record;
    },
    todaySales: ({ limit }) => ({
      business_day: this.now().slice(0, 10),
      count: this.sales.length,
      total: this.sales.reduce((sum, s) => sum + s.sale.total, 0),
      by_tender: [],
      sales: this.sales.slice(0, limit).map((s) => ({ sale_id: s.sale.sale_id, receipt_no: s.sale.receipt_no, total: s.sale.total, occurred_at: s.occurred_at, cashier_id: s.cashier_id, status: s.status })),
    }),
    voidSale: ({ sale_id, approval }) => {
      this.approver(approval, 'Voiding a sale');
      const record = this.sales.find((s) => s.sale.sale_id === sale_id);
      if (record === undefined || record.status !== 'completed') throw new PaymeError('sale_not_refundable', 'sale_id: this sale cannot be voided', 'sale_id');
      record.status = 'voided';
      return { sale_id, voided: true };
    },
    refundSale: (input) => {
      const record = this.sales.find((s) => s.sale.sale_id === input.sale_id);
      if (record === undefined) throw new PaymeError('not_found', 'sale_id: no such sale', 'sale_id');
      // As the ledger: the quantities first, then the manager (issue 17).
      const refunded = record.refunded_lines ?? [];
      for (const [index, wanted] of input.lines.entries()) {
        const line = record.sale.lines.find((l) => l.line_id === wanted.line_id);
        const left = (line?.quantity ?? 0) - (refunded.find((done) => done.line_id === wanted.line_id)?.quantity ?? 0);
        if (line === undefined || wanted.quantity > left) throw new PaymeError('sale_not_refundable', `lines.${index}.quantity: only ${left} left to refund on this line`, `lines.${index}.quantity`, { left });
      }
      this.approver(input.approval, 'A refund');
      let total = 0;
      for (const wanted of input.lines) {
        const line = record.sale.lines.find((l) => l.line_id === wanted.line_id)!;
        const amount = Math.round((line.gross * wanted.quantity) / line.quantity);
        total += amount;
        const done = refunded.find((entry) => entry.line_id === wanted.line_id);
        if (done !== undefined) {
          done.quantity += wanted.quantity;
          done.amount += amount;
        } else refunded.push({ line_id: wanted.line_id, quantity: wanted.quantity, amount });
      }
      record.refunded_lines = refunded;
      record.refunded_total += total;
      record.status = record.refunded_total >= record.sale.total ? 'refunded' : 'partially_refunded';
      return { refund_id: input.refund_id, sale_id: input.sale_id, total, tenders: [{ kind: input.tender, amount: total }] };
    },
    searchCustomers: ({ query, limit }) => ({
      customers: this.customers.filter((c) => c.name.toLowerCase().includes(query.toLowerCase()) || (c.phone ?? '').includes(query)).slice(0, limit),
    }),
    createCustomer: (input) => {
      const customer: CustomerRecord = { customer_id: input.customer_id, name: input.name, ...(input.phone !== undefined ? { phone: input.phone } : {}), credit_limit: input.credit_limit, balance: 0 };
      this.customers.push(customer);
      return customer;
    },
    customerStatement: ({ customer_id, limit }) => ({ customer: this.customer(customer_id), entries: (this.creditEntries.get(customer_id) ?? []).slice(-limit) }),
    recordCreditPayment: (input) => {
      const customer = this.customer(input.customer_id);
      customer.balance -= input.amount;
      const entries = this.creditEntries.get(customer.customer_id) ?? [];
      entries.push({ entry_id: input.entry_id, kind: 'payment', amount: -input.amount, balance_after: customer.balance, occurred_at: this.now() });
      this.creditEntries.set(customer.customer_id, entries);
      return { entry_id: input.entry_id, customer_id: customer.customer_id, balance: customer.balance };
    },
    receiveStock: (input) => ({
      receipt_id: input.receipt_id,
      lines: input.lines.map((line) => {
        const product = this.products.find((p) => p.product_id === line.product_id);
        if (product === undefined) throw new PaymeError('not_found', 'lines.product_id: no such product', 'lines.product_id');
        product.on_hand += line.quantity;
        return { product_id: product.product_id, on_hand: product.on_hand };
      }),
    }),
    adjustStock: (input) => {
      // This fake's rule (the ledger decides by role): taking stock off the books needs a manager.
      if (input.delta < 0) this.approver(input.approval, 'Taking stock off');
      const product = this.products.find((p) => p.product_id === input.product_id);
      if (product === undefined) throw new PaymeError('not_found', 'product_id: no such product', 'product_id');
      product.on_hand += input.delta;
      return { product_id: product.product_id, on_hand: product.on_hand };
    },
    countStock: (input) => ({
      count_id: input.count_id,
      lines: input.lines.map((line) => {
        const product = this.products.find((p) => p.product_id === line.product_id);
        if (product === undefined) throw new PaymeError('not_found', 'lines.product_id: no such product', 'lines.product_id');
        const delta = line.counted - line.expected;
        product.on_hand += delta;
        return { product_id: product.product_id, on_hand: product.on_hand, delta };
      }),
    }),
    currentShift: () => ({ shift: this.shift }),
    payIn: (input) => {
      if (this.shift === null) throw new PaymeError('shift_not_open', 'No shift is open on this till');
      this.shift.paid_in += input.amount;
      return { entry_id: input.entry_id, shift_id: this.shift.shift_id };
    },
    payOut: (input) => {
      if (this.shift === null) throw new PaymeError('shift_not_open', 'No shift is open on this till');
      this.approver(input.approval, 'A pay-out');
      this.shift.paid_out += input.amount;
      return { entry_id: input.entry_id, shift_id: this.shift.shift_id };
    },
    openShift: (input) => {
      if (this.shift !== null) throw new PaymeError('shift_already_open', 'A shift is already open on this till');
      this.shift = { shift_id: input.shift_id, opened_at: this.now(), opened_by: fake_staff[0]?.staff_id ?? '', float: input.float, paid_in: 0, paid_out: 0 };
      return this.shift;
    },
    closeShift: (input) => {
      const shift = this.shift;
      if (shift === null) throw new PaymeError('shift_not_open', 'No shift is open on this till');
      if (!input.counted.some((row) => row.tender === 'cash')) throw new PaymeError('invalid_input', 'counted: count the cash in the drawer', 'counted');
      // As the ledger: expected per tender from the shift's sales; a tender not counted is taken as expected.
      const taken = (kind: TenderKind) => this.sales.filter((s) => s.status !== 'voided').flatMap((s) => s.sale.tenders).filter((t) => t.kind === kind).reduce((sum, t) => sum + t.amount, 0);
      const kinds = ['cash', 'mpesa', 'credit'] as const;
      const expected = kinds.map((tender) => ({ tender, amount: (tender === 'cash' ? shift.float + shift.paid_in - shift.paid_out : 0) + taken(tender) }));
      const counted = expected.map((row) => ({ tender: row.tender, amount: input.counted.find((c) => c.tender === row.tender)?.amount ?? row.amount }));
      this.shift = null;
      return {
        shift_id: shift.shift_id,
        opened_at: shift.opened_at,
        closed_at: this.now(),
        float: shift.float,
        counted,
        expected,
        variance: expected.map((row, index) => ({ tender: row.tender, amount: counted[index]!.amount - row.amount })),
        sales_count: this.sales.length,
        refunds_total: 0,
        voids_count: this.sales.filter((s) => s.status === 'voided').length,
      };
    },
    syncStatus: () => ({ online: this.online, last_push_at: this.now(), last_pull_at: null, unsynced_count: this.unsynced, quarantined_count: 0, alarm: this.alarm }),
  };

  private parkedPaymentState(sale: ParkedSaleRecord): Pick<ParkedSaleRecord, 'payment_state'> {
    const payment = this.payments.get(sale.payment_id);
    return payment !== undefined ? { payment_state: payment.state } : {};
  }

  private saleResult(record: SaleRecord): TillOutput<'completeSale'> {
    const { sale } = record;
    const change = sale.tenders.reduce((sum, tender) => sum + (tender.change ?? 0), 0);
    return { sale_id: sale.sale_id, receipt_no: sale.receipt_no, subtotal: sale.subtotal, discount: sale.discount, vat_total: sale.vat_total, rounding: sale.rounding, total: sale.total, change };
  }
}
