/** TEST FIXTURES: report answers as the server sends them (each parses with shared's schema). */
import type { SaleListItem, CreditBookRow, CreditStatementResponse, MpesaReconciliationResponse, SalesTotals, SummaryResponse } from '@payme/shared';

export const store_id = '0190a000-0000-7000-8000-000000000101';
export const till_id = '0190a000-0000-7000-8000-000000000201';
export const cashier_id = '0190a000-0000-7000-8000-000000000301';
export const sale_id = '0190a000-0000-7000-8000-000000000401';

export function totalsOf(net_cents: number, sale_count: number, extra: Partial<SalesTotals> = {}): SalesTotals {
  return {
    gross_cents: net_cents,
    discount_cents: 0,
    refund_cents: 0,
    net_cents,
    vat_cents: Math.round(net_cents * 0.1379),
    rounding_cents: 0,
    cost_cents: 0,
    gross_profit_cents: 0,
    uncosted_cents: 0,
    sale_count,
    void_count: 0,
    refund_count: 0,
    average_basket_cents: sale_count === 0 ? 0 : Math.round(net_cents / sale_count),
    ...extra,
  };
}

/** Today, with cash and M-Pesa takings, sold at 09:00 and 10:00; last week took `previous_cents`. */
export function summaryOf(cash_cents: number, mpesa_cents: number, previous_cents = 100_000): SummaryResponse {
  const net = cash_cents + mpesa_cents;
  const totals = totalsOf(net, 3);
  return {
    from: '2026-11-26',
    to: '2026-11-26',
    currency: 'KES',
    time_zone: 'Africa/Nairobi',
    business_day_cutoff: '00:00',
    today: '2026-11-26',
    as_of: '2026-11-26T09:30:00.000Z',
    totals,
    by_tender: [
      { tender: 'cash', amount_cents: cash_cents, refund_cents: 0, net_cents: cash_cents },
      { tender: 'mpesa', amount_cents: mpesa_cents, refund_cents: 0, net_cents: mpesa_cents },
    ],
    by_store: [{ store_id, name: 'Duka Kuu', totals }],
    by_till: [{ till_id, store_id, name: 'Till 1', totals }],
    by_cashier: [{ cashier_id, name: 'Achieng', totals }],
    series: {
      by: 'hour',
      points: [
        { business_day: '2026-11-26', hour: 9, net_cents: cash_cents, sale_count: 2, gross_profit_cents: 0 },
        { business_day: '2026-11-26', hour: 10, net_cents: mpesa_cents, sale_count: 1, gross_profit_cents: 0 },
      ],
    },
    previous: { from: '2026-11-19', to: '2026-11-19', totals: totalsOf(previous_cents, 2), by_tender: [{ tender: 'cash', amount_cents: previous_cents, refund_cents: 0, net_cents: previous_cents }] },
  };
}

export function creditRowOf(n: number, name: string, balance_cents: number, overrides: Partial<CreditBookRow> = {}): CreditBookRow {
  return {
    customer_id: `0190a000-0000-7000-8000-0000000005${String(n).padStart(2, '0')}`,
    name,
    phone: '254722111222',
    credit_limit_cents: 500_000,
    balance_cents,
    over_limit: false,
    oldest_unpaid_day: '2026-11-16',
    age_days: 10,
    ageing: { days_0_30_cents: balance_cents, days_31_60_cents: 0, days_61_90_cents: 0, days_91_plus_cents: 0 },
    ...overrides,
  };
}

export function statementOf(customer: CreditBookRow): CreditStatementResponse {
  return {
    today: '2026-11-26',
    customer,
    entries: [
      { event_id: '0190a000-0000-7000-8000-000000000601', entry_no: 1, kind: 'sale', delta_cents: customer.balance_cents + 20_000, balance_after_cents: customer.balance_cents + 20_000, ref_id: sale_id, receipt_no: 'T1-000042', reason: null, till_id, occurred_at: '2026-11-16T08:00:00.000Z', business_day: '2026-11-16', unpaid_cents: customer.balance_cents },
      { event_id: '0190a000-0000-7000-8000-000000000602', entry_no: 2, kind: 'payment', delta_cents: -20_000, balance_after_cents: customer.balance_cents, ref_id: sale_id, receipt_no: null, reason: null, till_id, occurred_at: '2026-11-20T08:00:00.000Z', business_day: '2026-11-20', unpaid_cents: null },
    ],
    reminder: { en: `Hello ${customer.name}, a friendly reminder from Duka la Mfano.`, sw: `Habari ${customer.name}, ukumbusho wa kirafiki kutoka Duka la Mfano.` },
  };
}

export const unmatched_item_id = '0190a000-0000-7000-8000-000000000701';

export function reconciliationOf(open: boolean): MpesaReconciliationResponse {
  return {
    business_day: '2026-11-26',
    received: { count: 2, amount_cents: 150_000 },
    matched: { count: open ? 1 : 2, amount_cents: open ? 100_000 : 150_000 },
    unmatched: { count: open ? 1 : 0, amount_cents: open ? 50_000 : 0 },
    expected: { count: 1, amount_cents: 100_000 },
    difference_cents: 50_000,
    payments: [
      { source: 'stk', id: '0190a000-0000-7000-8000-000000000801', mpesa_receipt: 'SKA1B2C3D4', amount_cents: 100_000, received_at: '2026-11-26T07:10:00.000Z', state: 'matched', sale_id, receipt_no: 'T1-000043' },
      { source: 'c2b', id: 'SKZ9Y8X7W6', mpesa_receipt: 'SKZ9Y8X7W6', amount_cents: 50_000, received_at: '2026-11-26T07:40:00.000Z', state: open ? 'unmatched' : 'matched', sale_id: open ? null : sale_id, receipt_no: open ? null : 'T1-000044' },
    ],
    queue: open
      ? [{ item_id: unmatched_item_id, kind: 'c2b_unmatched', subject: 'SKZ9Y8X7W6', amount_cents: 50_000, details: { msisdn: '254722111222', bill_ref: 'T1' }, created_at: '2026-11-26T07:40:00.000Z', resolved_at: null, resolution: null, actions: ['matched_to_sale', 'refunded_to_customer', 'dismissed'] }]
      : [],
    unverified_claims: open ? [{ claim_id: '0190a000-0000-7000-8000-000000000901', code: 'SKQ1W2E3R4', amount_cents: 30_000, sale_id, receipt_no: 'T1-000045', till_id, occurred_at: '2026-11-26T08:00:00.000Z' }] : [],
    pending: { count: 0, amount_cents: 0 },
  };
}

export function saleListItemOf(receipt_no: string, total_cents: number, id = sale_id): SaleListItem {
  return {
    sale_id: id,
    receipt_no,
    status: 'completed',
    store_id,
    till_id,
    till_name: 'Till 1',
    cashier_id,
    cashier_name: 'Achieng',
    customer_id: null,
    customer_name: null,
    sold_at: '2026-11-26T07:39:00.000Z',
    business_day: '2026-11-26',
    total_cents,
    discount_cents: 0,
    vat_cents: Math.round(total_cents * 0.1379),
    refunded_cents: 0,
    tenders: [{ kind: 'mpesa', amount_cents: total_cents }],
  };
}
