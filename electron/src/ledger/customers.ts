/**
 * Customers and their credit ("deni") as a ledger of entries (DESIGN §4): credit sales raise
 * what a customer owes, payments and write-offs lower it; the balance is derived and cached in
 * the same transaction. Setting or raising a credit limit is a manager's decision.
 */
import { PaymeError, type CustomerRecord, type TillOutput } from '@payme/shared';
import { runCommand } from './commands.js';
import { sql, type LedgerContext } from './context.js';
import { parseCommandInput } from './inputs.js';
import { requireOpenShift } from './shifts.js';
import { customerRow, type CustomerRow } from './tenders.js';

export function customerRecord(row: CustomerRow): CustomerRecord {
  const record: CustomerRecord = { customer_id: row.customer_id, name: row.name, credit_limit: row.credit_limit, balance: row.balance };
  if (row.phone !== null) record.phone = row.phone;
  if (row.active === 0) record.active = false;
  return record;
}

function requireCustomer(ctx: LedgerContext, customer_id: string): CustomerRow {
  const row = customerRow(ctx, customer_id);
  if (row === undefined) throw new PaymeError('not_found', 'customer_id: no customer with this id', 'customer_id');
  return row;
}

export function createCustomer(ctx: LedgerContext, actor_id: string, raw: unknown): CustomerRecord {
  const input = parseCommandInput('createCustomer', raw);
  return runCommand(ctx, 'createCustomer', { ...input, actor_id }, (auth) => {
    if (customerRow(ctx, input.customer_id) !== undefined) throw new PaymeError('invalid_input', 'customer_id: this customer already exists', 'customer_id');
    const approver_id = input.credit_limit > 0 ? auth.requireManager('Giving a customer credit') : undefined;
    const payload: { customer_id: string; name: string; credit_limit: number; phone?: string } = {
      customer_id: input.customer_id,
      name: input.name,
      credit_limit: input.credit_limit,
    };
    if (input.phone !== undefined) payload.phone = input.phone;
    return {
      event: { type: 'customer_created', payload, approver_id },
      result: () => customerRecord(requireCustomer(ctx, input.customer_id)),
    };
  });
}

export function updateCustomer(ctx: LedgerContext, actor_id: string, raw: unknown): CustomerRecord {
  const input = parseCommandInput('updateCustomer', raw);
  if (input.name === undefined && input.phone === undefined && input.credit_limit === undefined) {
    throw new PaymeError('invalid_input', 'name: change at least one of name, phone or credit_limit', 'name');
  }
  return runCommand(ctx, 'updateCustomer', { ...input, actor_id }, (auth) => {
    const current = requireCustomer(ctx, input.customer_id);
    const approver_id =
      input.credit_limit !== undefined && input.credit_limit !== current.credit_limit ? auth.requireManager('Changing a credit limit') : undefined;
    const payload: { customer_id: string; name?: string; phone?: string | null; credit_limit?: number } = { customer_id: input.customer_id };
    if (input.name !== undefined) payload.name = input.name;
    if (input.phone !== undefined) payload.phone = input.phone;
    if (input.credit_limit !== undefined) payload.credit_limit = input.credit_limit;
    return {
      event: { type: 'customer_updated', payload, approver_id },
      result: () => customerRecord(requireCustomer(ctx, input.customer_id)),
    };
  });
}

export function recordCreditPayment(ctx: LedgerContext, actor_id: string, raw: unknown): TillOutput<'recordCreditPayment'> {
  const input = parseCommandInput('recordCreditPayment', raw);
  if (input.tender === 'cash' && (input.payment_id !== undefined || input.mpesa_receipt !== undefined)) {
    throw new PaymeError('invalid_input', 'payment_id: a cash payment carries no M-Pesa payment', 'payment_id');
  }
  return runCommand(ctx, 'recordCreditPayment', { ...input, actor_id }, () => {
    requireCustomer(ctx, input.customer_id);
    requireOpenShift(ctx);
    const payload: { entry_id: string; customer_id: string; amount: number; tender: 'cash' | 'mpesa'; payment_id?: string; mpesa_receipt?: string } = {
      entry_id: input.entry_id,
      customer_id: input.customer_id,
      amount: input.amount,
      tender: input.tender,
    };
    if (input.payment_id !== undefined) payload.payment_id = input.payment_id;
    if (input.mpesa_receipt !== undefined) payload.mpesa_receipt = input.mpesa_receipt;
    return {
      event: { type: 'credit_payment_recorded', payload },
      result: () => ({ entry_id: input.entry_id, customer_id: input.customer_id, balance: requireCustomer(ctx, input.customer_id).balance }),
    };
  });
}

export function adjustCredit(ctx: LedgerContext, actor_id: string, raw: unknown): TillOutput<'adjustCredit'> {
  const input = parseCommandInput('adjustCredit', raw);
  return runCommand(ctx, 'adjustCredit', { ...input, actor_id }, (auth) => {
    requireCustomer(ctx, input.customer_id);
    const approver_id = auth.requireManager('A credit adjustment');
    const payload = { entry_id: input.entry_id, customer_id: input.customer_id, delta: input.delta, reason: input.reason, reason_code: input.reason_code };
    return {
      event: { type: 'credit_adjusted', payload, approver_id },
      result: () => ({ entry_id: input.entry_id, customer_id: input.customer_id, balance: requireCustomer(ctx, input.customer_id).balance }),
    };
  });
}

/**
 * A phone number as the cashier types it (the way the till shows it, `0722 111 222`, or
 * `+254 722…`), as the start of the stored form (`254722111222`); null when it is not one.
 */
export function phoneSearchPrefix(query: string): string | null {
  const typed = query.replace(/[\s-]/g, '');
  if (!/^\+?\d+$/.test(typed)) return null;
  const digits = typed.replace(/^\+/, '');
  return digits.startsWith('0') ? `254${digits.slice(1)}` : digits;
}

/** Name words or a phone number prefix; at most `limit` customers, by name. */
export function searchCustomers(ctx: LedgerContext, raw: unknown): TillOutput<'searchCustomers'> {
  const input = parseCommandInput('searchCustomers', raw);
  const escaped = input.query.replace(/[\\%_]/g, (char) => `\\${char}`);
  const rows = sql(
    ctx,
    `SELECT customer_id, name, phone, credit_limit, balance, active FROM customers
     WHERE name LIKE '%' || @q || '%' ESCAPE '\\' OR phone LIKE @q || '%' ESCAPE '\\' OR phone LIKE @phone || '%' ORDER BY name LIMIT @limit`,
  ).all({ q: escaped, phone: phoneSearchPrefix(input.query), limit: input.limit }) as CustomerRow[];
  return { customers: rows.map(customerRecord) };
}

type StatementEntry = TillOutput<'customerStatement'>['entries'][number];

/**
 * The newest entries this till recorded, newest first, with the balance after each, walked back
 * from the current balance (entries other tills recorded reach this till only as the balance).
 */
export function customerStatement(ctx: LedgerContext, raw: unknown): TillOutput<'customerStatement'> {
  const input = parseCommandInput('customerStatement', raw);
  const customer = requireCustomer(ctx, input.customer_id);
  const rows = sql(
    ctx,
    `SELECT e.entry_id, e.kind, e.delta, e.occurred_at, e.ref_id, e.reason, s.receipt_no
     FROM credit_entries e LEFT JOIN sales s ON s.sale_id = e.ref_id
     WHERE e.customer_id = ? ORDER BY e.seq DESC, e.entry_no DESC LIMIT ?`,
  ).all(input.customer_id, input.limit) as {
    entry_id: string;
    kind: string;
    delta: number;
    occurred_at: string;
    ref_id: string | null;
    reason: string | null;
    receipt_no: string | null;
  }[];
  let after = customer.balance;
  const entries = rows.map((row): StatementEntry => {
    const entry: StatementEntry = {
      entry_id: row.entry_id,
      kind: row.kind === 'void' ? 'refund' : (row.kind as StatementEntry['kind']),
      amount: row.delta,
      balance_after: after,
      occurred_at: row.occurred_at,
    };
    if (row.ref_id !== null) entry.sale_id = row.ref_id;
    if (row.receipt_no !== null) entry.receipt_no = row.receipt_no;
    if (row.reason !== null) entry.reason = row.reason;
    after -= row.delta;
    return entry;
  });
  return { customer: customerRecord(customer), entries };
}
