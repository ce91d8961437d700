/**
 * Voids and refunds (DESIGN §4): new events that reverse a sale, never edits. Both need a
 * manager. A void reverses a whole sale that has not been refunded (an M-Pesa sale is refunded
 * instead, because its money can only come back by cash or reversal). A refund returns lines,
 * in full or part, to the original tender: credit back onto the customer's account, cash from
 * the drawer, or an M-Pesa reversal request the server carries out.
 */
import { PaymeError, divideRounded, type SaleCompletedPayload, type TillOutput } from '@payme/shared';
import { runCommand } from './commands.js';
import { sql, type LedgerContext } from './context.js';
import { parseCommandInput } from './inputs.js';
import { tenderSum } from './projector-sales.js';
import { requireOpenShift } from './shifts.js';

interface SaleRow {
  sale_id: string;
  voided_seq: number | null;
  payload: string;
  customer_id: string | null;
}

function requireSale(ctx: LedgerContext, sale_id: string): { row: SaleRow; sale: SaleCompletedPayload } {
  const row = sql(ctx, 'SELECT sale_id, voided_seq, payload, customer_id FROM sales WHERE sale_id = ?').get(sale_id) as SaleRow | undefined;
  if (row === undefined) throw new PaymeError('not_found', 'sale_id: no sale with this id on this till', 'sale_id');
  if (row.voided_seq !== null) throw new PaymeError('sale_not_refundable', 'sale_id: this sale was voided', 'sale_id');
  return { row, sale: JSON.parse(row.payload) as SaleCompletedPayload };
}

export function voidSale(ctx: LedgerContext, actor_id: string, raw: unknown): TillOutput<'voidSale'> {
  const input = parseCommandInput('voidSale', raw);
  return runCommand(ctx, 'voidSale', { ...input, actor_id }, (auth) => {
    const { sale } = requireSale(ctx, input.sale_id);
    if (sql(ctx, 'SELECT 1 FROM refunds WHERE sale_id = ?').get(input.sale_id) !== undefined) {
      throw new PaymeError('sale_not_refundable', 'sale_id: this sale was already partly refunded; refund the rest instead', 'sale_id');
    }
    if (tenderSum(sale, 'mpesa') > 0) {
      throw new PaymeError('sale_not_refundable', 'sale_id: an M-Pesa sale is refunded, not voided', 'sale_id');
    }
    const approver_id = auth.requireManager('Voiding a sale');
    requireOpenShift(ctx);
    return {
      event: { type: 'sale_voided', payload: { sale_id: input.sale_id, reason: input.reason }, approver_id },
      result: () => ({ sale_id: input.sale_id, voided: true as const }),
    };
  });
}

interface LineRow {
  line_id: string;
  product_id: string;
  quantity: number;
  gross: number;
  refunded_quantity: number;
  refunded_amount: number;
}

type RefundTender = 'cash' | 'credit' | 'mpesa_reversal';

export function refundSale(ctx: LedgerContext, actor_id: string, raw: unknown): TillOutput<'refundSale'> {
  const input = parseCommandInput('refundSale', raw);
  return runCommand(ctx, 'refundSale', { ...input, actor_id }, (auth) => {
    const { sale } = requireSale(ctx, input.sale_id);
    if (sql(ctx, 'SELECT 1 FROM refunds WHERE refund_id = ?').get(input.refund_id) !== undefined) {
      throw new PaymeError('invalid_input', 'refund_id: this refund was already recorded', 'refund_id');
    }
    const seen = new Set<string>();
    const lines = input.lines.map((wanted, index) => {
      const field = `lines.${index}`;
      const line = sql(
        ctx,
        'SELECT line_id, product_id, quantity, gross, refunded_quantity, refunded_amount FROM sale_lines WHERE line_id = ? AND sale_id = ?',
      ).get(wanted.line_id, input.sale_id) as LineRow | undefined;
      if (line === undefined || seen.has(wanted.line_id)) {
        throw new PaymeError('invalid_input', `${field}.line_id: not a line of this sale, or named twice`, `${field}.line_id`);
      }
      seen.add(wanted.line_id);
      const left = line.quantity - line.refunded_quantity;
      if (wanted.quantity > left) {
        throw new PaymeError('sale_not_refundable', `${field}.quantity: only ${left} left to refund on this line`, `${field}.quantity`, { left });
      }
      // The last units take what is left of the line, so a line refunded in parts adds up exactly.
      const amount = wanted.quantity === left ? line.gross - line.refunded_amount : divideRounded(line.gross * wanted.quantity, line.quantity);
      return { line_id: line.line_id, product_id: line.product_id, quantity: wanted.quantity, amount, left_after: left - wanted.quantity };
    });
    // The quantities are checked first: a manager is not asked to approve a refund that cannot be (issue 17).
    const approver_id = auth.requireManager('A refund');
    requireOpenShift(ctx);
    const refundedBefore = refundTotals(ctx, input.sale_id);
    const linesLeft = (sql(ctx, 'SELECT count(*) AS n FROM sale_lines WHERE sale_id = ? AND refunded_quantity < quantity').get(input.sale_id) as { n: number }).n;
    const closesSale = lines.filter((line) => line.left_after === 0).length === linesLeft;
    const linesTotal = lines.reduce((sum, line) => sum + line.amount, 0);
    // The refund that empties the sale also returns its rounding, so all refunds add up to the total.
    const total = closesSale ? Math.max(0, sale.total - refundedBefore.all) : linesTotal;
    checkRefundTender(sale, input.tender, total, refundedBefore);
    const payload = {
      refund_id: input.refund_id,
      sale_id: input.sale_id,
      lines: lines.map(({ line_id, product_id, quantity, amount }) => ({ line_id, product_id, quantity, amount })),
      total,
      tenders: [{ kind: input.tender, amount: total }],
      reason: input.reason,
    };
    return {
      event: { type: 'sale_refunded', payload, approver_id },
      result: () => ({ refund_id: input.refund_id, sale_id: input.sale_id, total, tenders: payload.tenders }),
    };
  });
}

function refundTotals(ctx: LedgerContext, sale_id: string): Record<RefundTender | 'all', number> {
  const rows = sql(ctx, 'SELECT tender, sum(total) AS total FROM refunds WHERE sale_id = ? GROUP BY tender').all(sale_id) as {
    tender: RefundTender;
    total: number;
  }[];
  const totals = { cash: 0, credit: 0, mpesa_reversal: 0, all: 0 };
  for (const row of rows) {
    totals[row.tender] = row.total;
    totals.all += row.total;
  }
  return totals;
}

/**
 * Money goes back the way it came: credit only onto the account of a credit sale (never cash for
 * goods taken on credit), a reversal only for what was paid by M-Pesa, and cash for what was paid
 * in cash or by M-Pesa (an M-Pesa sale may be refunded in cash, DESIGN §7).
 */
function checkRefundTender(sale: SaleCompletedPayload, tender: RefundTender, total: number, before: Record<RefundTender, number>): void {
  const paidCash = tenderSum(sale, 'cash');
  const paidMpesa = tenderSum(sale, 'mpesa');
  const cashOrMpesaLeft = paidCash + paidMpesa - before.cash - before.mpesa_reversal;
  const left =
    tender === 'credit'
      ? tenderSum(sale, 'credit') - before.credit
      : tender === 'mpesa_reversal'
        ? Math.min(paidMpesa - before.mpesa_reversal, cashOrMpesaLeft)
        : cashOrMpesaLeft;
  if (total > left) {
    const how = tender === 'credit' ? 'on credit' : tender === 'mpesa_reversal' ? 'by M-Pesa' : 'in cash or by M-Pesa';
    throw new PaymeError('sale_not_refundable', `tender: only ${Math.max(0, left)} cents of this sale were paid ${how} and not yet refunded`, 'tender', {
      left: Math.max(0, left),
    });
  }
}
