/**
 * M-Pesa claims (DESIGN §7 C2B): a code the cashier typed for a payment made straight to the
 * till number, often while offline. The server matches it by TransID; the till records it and
 * says at once when this till has seen the same code before (a forwarded SMS).
 */
import { PaymeError, type TillOutput } from '@payme/shared';
import { runCommand } from './commands.js';
import { sql, type LedgerContext } from './context.js';
import { parseCommandInput } from './inputs.js';

export function recordMpesaClaim(ctx: LedgerContext, actor_id: string, raw: unknown): TillOutput<'recordMpesaClaim'> {
  const input = parseCommandInput('recordMpesaClaim', raw);
  return runCommand(ctx, 'recordMpesaClaim', { ...input, actor_id }, () => {
    if (sql(ctx, 'SELECT 1 FROM mpesa_claims WHERE claim_id = ?').get(input.claim_id) !== undefined) {
      throw new PaymeError('invalid_input', 'claim_id: this claim was already recorded', 'claim_id');
    }
    if (input.sale_id !== undefined) {
      const known =
        sql(ctx, 'SELECT 1 FROM sales WHERE sale_id = ?').get(input.sale_id) ?? sql(ctx, 'SELECT 1 FROM parked_sales WHERE sale_id = ?').get(input.sale_id);
      if (known === undefined) throw new PaymeError('not_found', 'sale_id: no sale with this id on this till', 'sale_id');
    }
    const duplicate = sql(ctx, 'SELECT 1 FROM mpesa_claims WHERE code = ?').get(input.code) !== undefined;
    const matched = sql(ctx, "SELECT 1 FROM payments WHERE mpesa_receipt = ? AND state = 'succeeded'").get(input.code) !== undefined;
    const payload: { claim_id: string; code: string; amount: number; sale_id?: string; phone?: string } = {
      claim_id: input.claim_id,
      code: input.code,
      amount: input.amount,
    };
    if (input.sale_id !== undefined) payload.sale_id = input.sale_id;
    if (input.phone !== undefined) payload.phone = input.phone;
    return {
      event: { type: 'mpesa_claim_recorded', payload },
      result: () => ({ claim_id: input.claim_id, status: duplicate ? ('duplicate' as const) : matched ? ('matched' as const) : ('recorded' as const) }),
    };
  });
}
