/**
 * Stock commands (DESIGN §4): receive, adjust (reason required, manager approval) and count.
 * A count records expected and counted and applies their difference, so counts taken on two
 * tills compose instead of the last one winning.
 */
import { PaymeError, type TillOutput } from '@payme/shared';
import { runCommand } from './commands.js';
import { sql, type LedgerContext } from './context.js';
import { parseCommandInput } from './inputs.js';
import { productRow, type ProductRow } from './pricing.js';

function requireProduct(ctx: LedgerContext, product_id: string, field: string): ProductRow {
  const product = productRow(ctx, product_id);
  if (product === undefined) throw new PaymeError('not_found', `${field}: no product with this id`, field);
  return product;
}

function onHand(ctx: LedgerContext, product_id: string): number {
  return (sql(ctx, 'SELECT on_hand FROM products WHERE product_id = ?').get(product_id) as { on_hand: number }).on_hand;
}

export function receiveStock(ctx: LedgerContext, actor_id: string, raw: unknown): TillOutput<'receiveStock'> {
  const input = parseCommandInput('receiveStock', raw);
  return runCommand(ctx, 'receiveStock', { ...input, actor_id }, () => {
    input.lines.forEach((line, index) => requireProduct(ctx, line.product_id, `lines.${index}.product_id`));
    const payload: { receipt_id: string; supplier?: string; lines: typeof input.lines } = {
      receipt_id: input.receipt_id,
      lines: input.lines,
    };
    if (input.supplier !== undefined) payload.supplier = input.supplier;
    return {
      event: { type: 'stock_received', payload },
      result: () => {
        const ids = [...new Set(input.lines.map((line) => line.product_id))];
        return { receipt_id: input.receipt_id, lines: ids.map((product_id) => ({ product_id, on_hand: onHand(ctx, product_id) })) };
      },
    };
  });
}

export function adjustStock(ctx: LedgerContext, actor_id: string, raw: unknown): TillOutput<'adjustStock'> {
  const input = parseCommandInput('adjustStock', raw);
  return runCommand(ctx, 'adjustStock', { ...input, actor_id }, (auth) => {
    requireProduct(ctx, input.product_id, 'product_id');
    const approver_id = auth.requireManager('A stock adjustment');
    const payload = { product_id: input.product_id, delta: input.delta, reason: input.reason, reason_code: input.reason_code };
    return {
      event: { type: 'stock_adjusted', payload, approver_id },
      result: () => ({ product_id: input.product_id, on_hand: onHand(ctx, input.product_id) }),
    };
  });
}

/**
 * `expected` is what the counter saw on screen when counting began; the difference to what was
 * counted is applied, so sales made during the count are not wiped out.
 */
export function countStock(ctx: LedgerContext, actor_id: string, raw: unknown): TillOutput<'countStock'> {
  const input = parseCommandInput('countStock', raw);
  const seen = new Set<string>();
  input.lines.forEach((line, index) => {
    if (seen.has(line.product_id)) {
      throw new PaymeError('invalid_input', `lines.${index}.product_id: counted twice in one count`, `lines.${index}.product_id`);
    }
    seen.add(line.product_id);
  });
  return runCommand(ctx, 'countStock', { ...input, actor_id }, () => {
    input.lines.forEach((line, index) => requireProduct(ctx, line.product_id, `lines.${index}.product_id`));
    return {
      event: { type: 'stock_counted', payload: { count_id: input.count_id, lines: input.lines } },
      result: () => ({
        count_id: input.count_id,
        lines: input.lines.map((line) => ({ product_id: line.product_id, on_hand: onHand(ctx, line.product_id), delta: line.counted - line.expected })),
      }),
    };
  });
}
