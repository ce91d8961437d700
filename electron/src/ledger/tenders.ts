/**
 * Tender checks for a sale (DESIGN §3/§4): the tenders add up to the payable total exactly;
 * cash may be overpaid and gives change; an M-Pesa tender is a confirmed payment (one payment
 * pays at most one sale) or a code the cashier typed; credit needs a customer and stays within
 * the limit unless a manager overrides.
 */
import {
  PaymeError,
  cents_per_shilling,
  type SaleTenderPayload,
  type TillParsedInput,
} from '@payme/shared';
import { sql, type LedgerContext } from './context.js';
import { isManager, type CommandAuth } from './staff.js';

type TenderInput = TillParsedInput<'completeSale'>['tenders'][number];

export interface CustomerRow {
  customer_id: string;
  name: string;
  phone: string | null;
  credit_limit: number;
  balance: number;
  /** 0: the owner closed the account (no new credit). */
  active: number;
}

export function customerRow(ctx: LedgerContext, customer_id: string): CustomerRow | undefined {
  return sql(ctx, 'SELECT customer_id, name, phone, credit_limit, balance, active FROM customers WHERE customer_id = ?').get(customer_id) as
    | CustomerRow
    | undefined;
}

export interface CheckedTenders {
  tenders: SaleTenderPayload[];
  change: number;
  credit: number;
  credit_override?: { credit_limit: number; balance_before: number; approved_by: string };
}

export function checkTenders(
  ctx: LedgerContext,
  sale: { sale_id: string; total: number; tenders: readonly TenderInput[]; customer: CustomerRow | undefined },
  auth: CommandAuth,
): CheckedTenders {
  const sum = sale.tenders.reduce((total, tender) => total + tender.amount, 0);
  if (sum !== sale.total) {
    throw new PaymeError('invalid_amount', `tenders: the tenders add up to ${sum} cents but the sale is ${sale.total}`, 'tenders', {
      total: sale.total,
      tendered: sum,
    });
  }
  let change = 0;
  let credit = 0;
  let creditField = 'tenders';
  const payments = new Set<string>();
  const tenders = sale.tenders.map((tender, index): SaleTenderPayload => {
    const field = `tenders.${index}`;
    const out: SaleTenderPayload = { kind: tender.kind, amount: tender.amount };
    if (tender.kind !== 'cash' && tender.tendered !== undefined) {
      throw new PaymeError('invalid_input', `${field}.tendered: only cash is tendered`, `${field}.tendered`);
    }
    if (tender.kind !== 'mpesa' && (tender.payment_id !== undefined || tender.claim_code !== undefined)) {
      throw new PaymeError('invalid_input', `${field}.payment_id: only M-Pesa tenders carry a payment`, `${field}.payment_id`);
    }
    if (tender.kind === 'cash' && tender.tendered !== undefined) {
      if (tender.tendered < tender.amount) {
        throw new PaymeError('invalid_amount', `${field}.tendered: less cash was handed over than the amount`, `${field}.tendered`);
      }
      out.tendered = tender.tendered;
      out.change = tender.tendered - tender.amount;
      change += out.change;
    }
    if (tender.kind === 'mpesa') checkMpesa(ctx, tender, field, sale.sale_id, payments, out);
    if (tender.kind === 'credit') {
      credit += tender.amount;
      creditField = `${field}.amount`;
    }
    return out;
  });
  const checked: CheckedTenders = { tenders, change, credit };
  if (credit > 0) {
    if (sale.customer === undefined) throw new PaymeError('invalid_input', 'customer_id: a credit sale needs a customer', 'customer_id');
    if (sale.customer.active === 0) {
      throw new PaymeError('customer_inactive', `${sale.customer.name}'s credit account is closed; take another payment`, 'customer_id');
    }
    const after = sale.customer.balance + credit;
    if (after > sale.customer.credit_limit) {
      if (auth.approver_id === undefined && !isManager(auth.actor.role)) {
        throw new PaymeError('credit_limit_exceeded', `${sale.customer.name} would owe more than the credit limit; a manager can approve`, creditField, {
          balance: sale.customer.balance,
          credit_limit: sale.customer.credit_limit,
          requested: credit,
          override_allowed: true,
        });
      }
      checked.credit_override = {
        credit_limit: sale.customer.credit_limit,
        balance_before: sale.customer.balance,
        approved_by: auth.requireManager('Credit over the limit'),
      };
    }
  }
  return checked;
}

function checkMpesa(ctx: LedgerContext, tender: TenderInput, field: string, sale_id: string, seen: Set<string>, out: SaleTenderPayload): void {
  if (tender.amount % cents_per_shilling !== 0 || tender.amount === 0) {
    throw new PaymeError('invalid_amount', `${field}.amount: M-Pesa amounts are whole shillings above zero`, `${field}.amount`);
  }
  if (tender.claim_code !== undefined) out.claim_code = tender.claim_code;
  if (tender.payment_id === undefined) {
    if (tender.claim_code === undefined) {
      throw new PaymeError('invalid_input', `${field}.payment_id: an M-Pesa tender needs a payment or a typed code`, `${field}.payment_id`);
    }
    return;
  }
  const paymentField = `${field}.payment_id`;
  const payment = sql(ctx, 'SELECT state, amount, mpesa_receipt, sale_id FROM payments WHERE payment_id = ?').get(tender.payment_id) as
    | { state: string; amount: number; mpesa_receipt: string | null; sale_id: string | null }
    | undefined;
  if (payment === undefined || payment.state !== 'succeeded') {
    throw new PaymeError('payment_failed', `${paymentField}: this M-Pesa payment is not confirmed as paid`, paymentField, {
      state: payment?.state ?? 'unknown',
    });
  }
  const used = sql(ctx, 'SELECT sale_id FROM sale_tenders WHERE payment_id = ?').get(tender.payment_id) as { sale_id: string } | undefined;
  if (seen.has(tender.payment_id) || used !== undefined || (payment.sale_id !== null && payment.sale_id !== sale_id)) {
    throw new PaymeError('payment_already_used', `${paymentField}: this payment already paid another sale`, paymentField, {
      sale_id: used?.sale_id ?? payment.sale_id,
    });
  }
  if (payment.amount !== tender.amount) {
    throw new PaymeError('invalid_amount', `${field}.amount: the payment was for ${payment.amount} cents`, `${field}.amount`);
  }
  seen.add(tender.payment_id);
  out.payment_id = tender.payment_id;
  if (payment.mpesa_receipt !== null) out.mpesa_receipt = payment.mpesa_receipt;
}
