/**
 * Shifts (DESIGN §4): open with a float, pay in / pay out, blind close with the counted amounts
 * per tender, and a Z-report of expected vs counted with the variance. Sales, refunds and voids
 * book their money into the open shift's entries, from which "expected" is summed.
 */
import { PaymeError, type ShiftRecord, type ShiftReport, type TenderKind, type TillParsedInput } from '@payme/shared';
import { runCommand } from './commands.js';
import { sql, type LedgerContext } from './context.js';
import { parseCommandInput } from './inputs.js';

export type ShiftEntryKind = 'sale' | 'refund' | 'void' | 'pay_in' | 'pay_out' | 'credit_payment';

interface ShiftRow {
  shift_id: string;
  opened_by: string;
  opened_at: string;
  float: number;
}

export function openShiftRow(ctx: LedgerContext): ShiftRow | undefined {
  return sql(ctx, 'SELECT shift_id, opened_by, opened_at, float FROM shifts WHERE closed_seq IS NULL').get() as ShiftRow | undefined;
}

export function requireOpenShift(ctx: LedgerContext): ShiftRow {
  const shift = openShiftRow(ctx);
  if (shift === undefined) throw new PaymeError('shift_not_open', 'Open a shift (count the float) before taking money');
  return shift;
}

export function addShiftEntry(ctx: LedgerContext, seq: number, shift_id: string, tender: TenderKind, kind: ShiftEntryKind, amount: number): void {
  if (amount === 0) return;
  sql(ctx, 'INSERT INTO shift_entries (seq, shift_id, tender, kind, amount) VALUES (?, ?, ?, ?, ?)').run(seq, shift_id, tender, kind, amount);
}

function shiftTotals(ctx: LedgerContext, shift_id: string): { paid_in: number; paid_out: number } {
  const row = sql(
    ctx,
    `SELECT coalesce(sum(CASE WHEN kind = 'pay_in' THEN amount END), 0) AS paid_in,
            coalesce(-sum(CASE WHEN kind = 'pay_out' THEN amount END), 0) AS paid_out
     FROM shift_entries WHERE shift_id = ?`,
  ).get(shift_id) as { paid_in: number; paid_out: number };
  return row;
}

export function currentShift(ctx: LedgerContext): ShiftRecord | null {
  const shift = openShiftRow(ctx);
  if (shift === undefined) return null;
  return { ...shift, ...shiftTotals(ctx, shift.shift_id) };
}

/** Expected per tender: the float plus every cash entry for cash, the entries for the others. */
function expectedByTender(ctx: LedgerContext, shift: ShiftRow): Record<TenderKind, number> {
  const rows = sql(ctx, 'SELECT tender, sum(amount) AS amount FROM shift_entries WHERE shift_id = ? GROUP BY tender').all(shift.shift_id) as {
    tender: TenderKind;
    amount: number;
  }[];
  const expected: Record<TenderKind, number> = { cash: shift.float, mpesa: 0, credit: 0 };
  for (const row of rows) expected[row.tender] += row.amount;
  return expected;
}

export function openShift(ctx: LedgerContext, actor_id: string, raw: unknown): ShiftRecord {
  const input = parseCommandInput('openShift', raw);
  return runCommand(ctx, 'openShift', { ...input, actor_id }, () => {
    if (openShiftRow(ctx) !== undefined) throw new PaymeError('shift_already_open', 'A shift is already open on this till; close it first');
    if (sql(ctx, 'SELECT 1 FROM shifts WHERE shift_id = ?').get(input.shift_id) !== undefined) {
      throw new PaymeError('invalid_input', 'shift_id: this shift was already opened', 'shift_id');
    }
    return {
      event: { type: 'shift_opened', payload: { shift_id: input.shift_id, float: input.float } },
      result: (appended): ShiftRecord => ({ shift_id: input.shift_id, opened_at: appended.occurred_at, opened_by: actor_id, float: input.float, paid_in: 0, paid_out: 0 }),
    };
  });
}

function cashMovement(ctx: LedgerContext, actor_id: string, input: TillParsedInput<'payIn'> | TillParsedInput<'payOut'>, out: boolean) {
  return runCommand(ctx, out ? 'payOut' : 'payIn', { ...input, actor_id }, (auth) => {
    const shift = requireOpenShift(ctx);
    const approver_id = out ? auth.requireManager('A pay-out') : undefined;
    if (out && expectedByTender(ctx, shift).cash < input.amount) {
      throw new PaymeError('invalid_amount', 'amount: there is not that much cash in the drawer', 'amount');
    }
    const payload = { shift_id: shift.shift_id, entry_id: input.entry_id, amount: input.amount, reason: input.reason };
    return {
      event: { type: out ? ('shift_paid_out' as const) : ('shift_paid_in' as const), payload, approver_id },
      result: () => ({ entry_id: input.entry_id, shift_id: shift.shift_id }),
    };
  });
}

export function payIn(ctx: LedgerContext, actor_id: string, raw: unknown) {
  return cashMovement(ctx, actor_id, parseCommandInput('payIn', raw), false);
}

export function payOut(ctx: LedgerContext, actor_id: string, raw: unknown) {
  return cashMovement(ctx, actor_id, parseCommandInput('payOut', raw), true);
}

const tender_order: readonly TenderKind[] = ['cash', 'mpesa', 'credit'];

/**
 * Blind close: the counted amounts come in before the till shows what it expected. A tender
 * the cashier did not count (credit is never in the drawer) is taken as expected.
 */
export function closeShift(ctx: LedgerContext, actor_id: string, raw: unknown): ShiftReport {
  const input = parseCommandInput('closeShift', raw);
  const seen = new Set<string>();
  input.counted.forEach((row, index) => {
    if (seen.has(row.tender)) throw new PaymeError('invalid_input', `counted.${index}.tender: counted twice`, `counted.${index}.tender`);
    seen.add(row.tender);
  });
  if (!seen.has('cash')) throw new PaymeError('invalid_input', 'counted: count the cash in the drawer', 'counted');
  return runCommand(ctx, 'closeShift', { ...input, actor_id }, () => {
    const shift = requireOpenShift(ctx);
    const expectedMap = expectedByTender(ctx, shift);
    const expected = tender_order.map((tender) => ({ tender, amount: Math.max(0, expectedMap[tender]) }));
    const counted = tender_order.map((tender) => ({
      tender,
      amount: input.counted.find((row) => row.tender === tender)?.amount ?? Math.max(0, expectedMap[tender]),
    }));
    const variance = tender_order.map((tender, index) => ({ tender, amount: counted[index]!.amount - expected[index]!.amount }));
    const stats = sql(
      ctx,
      `SELECT (SELECT count(*) FROM sales WHERE shift_id = @id) AS sales_count,
              (SELECT count(*) FROM sales WHERE shift_id = @id AND voided_seq IS NOT NULL) AS voids_count,
              (SELECT coalesce(-sum(amount), 0) FROM shift_entries WHERE shift_id = @id AND kind = 'refund') AS refunds_total`,
    ).get({ id: shift.shift_id }) as { sales_count: number; voids_count: number; refunds_total: number };
    const payload = { shift_id: shift.shift_id, counted, expected, variance, ...stats };
    return {
      event: { type: 'shift_closed', payload },
      result: (appended): ShiftReport => ({ ...payload, opened_at: shift.opened_at, closed_at: appended.occurred_at, float: shift.float }),
    };
  });
}
