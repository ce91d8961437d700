/**
 * Stock and credit as ledgers with derived, cached balances (DESIGN §4):
 *   on_hand = server_level_at_cursor + Σ own movements with seq > feed_acked_seq
 *   balance = server_balance_at_cursor + Σ own credit entries with seq > feed_acked_seq
 * A command adds its movement and moves the cache by the same amount in one transaction; a
 * server batch recomputes the affected rows from the formula itself.
 */
import { PaymeError } from '@payme/shared';
import { sql, type LedgerContext } from './context.js';

export type StockMovementKind = 'sale' | 'refund' | 'void' | 'receive' | 'adjust' | 'count';
export type CreditEntryKind = 'sale' | 'payment' | 'adjustment' | 'refund' | 'void';

export function addStockMovement(ctx: LedgerContext, seq: number, product_id: string, delta: number, kind: StockMovementKind): void {
  if (delta === 0) return;
  sql(ctx, 'INSERT INTO stock_movements (seq, product_id, delta, kind) VALUES (?, ?, ?, ?)').run(seq, product_id, delta, kind);
  sql(ctx, 'UPDATE products SET on_hand = on_hand + ? WHERE product_id = ?').run(delta, product_id);
}

const value_rows = new Map<string, string>();

/** `(?, ?, ?, ?), …` for a multi-row INSERT of `rows` rows of `columns` values. */
export function valueRows(rows: number, columns: number): string {
  const key = `${rows}x${columns}`;
  let text = value_rows.get(key);
  if (text === undefined) {
    const row = `(${Array.from({ length: columns }, () => '?').join(', ')})`;
    text = Array.from({ length: rows }, () => row).join(', ');
    value_rows.set(key, text);
  }
  return text;
}

/**
 * Several movements of one command: one multi-row INSERT (one statement per row count, cached)
 * instead of one per line, then each product's cached on-hand, exactly as `addStockMovement`.
 */
export function addStockMovements(ctx: LedgerContext, seq: number, movements: readonly { product_id: string; delta: number }[], kind: StockMovementKind): void {
  const moving = movements.filter((movement) => movement.delta !== 0);
  if (moving.length === 0) return;
  const values: (string | number)[] = [];
  for (const movement of moving) values.push(seq, movement.product_id, movement.delta, kind);
  sql(ctx, `INSERT INTO stock_movements (seq, product_id, delta, kind) VALUES ${valueRows(moving.length, 4)}`).run(values);
  const update = sql(ctx, 'UPDATE products SET on_hand = on_hand + ? WHERE product_id = ?');
  for (const movement of moving) update.run(movement.delta, movement.product_id);
}

export interface CreditEntry {
  seq: number;
  customer_id: string;
  delta: number;
  kind: CreditEntryKind;
  entry_id: string;
  occurred_at: string;
  ref_id?: string | undefined;
  reason?: string | undefined;
}

/** Records a credit entry and returns the customer's new balance. */
export function addCreditEntry(ctx: LedgerContext, entry: CreditEntry): number {
  sql(
    ctx,
    `INSERT INTO credit_entries (seq, customer_id, delta, kind, ref_id, entry_id, reason, occurred_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(entry.seq, entry.customer_id, entry.delta, entry.kind, entry.ref_id ?? null, entry.entry_id, entry.reason ?? null, entry.occurred_at);
  const row = sql(ctx, 'UPDATE customers SET balance = balance + ? WHERE customer_id = ? RETURNING balance').get(entry.delta, entry.customer_id) as
    | { balance: number }
    | undefined;
  if (row === undefined) throw new PaymeError('not_found', 'customer_id: no customer with this id', 'customer_id');
  return row.balance;
}

export function feedAckedSeq(ctx: LedgerContext): number {
  return (sql(ctx, 'SELECT feed_acked_seq FROM sync_state WHERE id = 1').get() as { feed_acked_seq: number }).feed_acked_seq;
}

/** Sets each product's cached on-hand to exactly the formula. */
export function recomputeStock(ctx: LedgerContext, product_ids: Iterable<string>): void {
  const update = sql(
    ctx,
    `UPDATE products SET on_hand = server_level + coalesce((SELECT sum(delta) FROM stock_movements m
       WHERE m.product_id = products.product_id AND m.seq > (SELECT feed_acked_seq FROM sync_state WHERE id = 1)), 0)
     WHERE product_id = ?`,
  );
  for (const id of product_ids) update.run(id);
}

export function recomputeCredit(ctx: LedgerContext, customer_ids: Iterable<string>): void {
  const update = sql(
    ctx,
    `UPDATE customers SET balance = server_balance + coalesce((SELECT sum(delta) FROM credit_entries e
       WHERE e.customer_id = customers.customer_id AND e.seq > (SELECT feed_acked_seq FROM sync_state WHERE id = 1)), 0)
     WHERE customer_id = ?`,
  );
  for (const id of customer_ids) update.run(id);
}

export interface BalanceDifference {
  kind: 'stock' | 'credit';
  id: string;
  cached: number;
  expected: number;
}

/** Every product and customer whose cached figure differs from the formula. */
export function balanceDifferences(ctx: LedgerContext): BalanceDifference[] {
  const stock = ctx.db
    .prepare(
      `SELECT product_id AS id, on_hand AS cached, server_level + coalesce((SELECT sum(delta) FROM stock_movements m
         WHERE m.product_id = p.product_id AND m.seq > (SELECT feed_acked_seq FROM sync_state WHERE id = 1)), 0) AS expected
       FROM products p`,
    )
    .all() as Omit<BalanceDifference, 'kind'>[];
  const credit = ctx.db
    .prepare(
      `SELECT customer_id AS id, balance AS cached, server_balance + coalesce((SELECT sum(delta) FROM credit_entries e
         WHERE e.customer_id = c.customer_id AND e.seq > (SELECT feed_acked_seq FROM sync_state WHERE id = 1)), 0) AS expected
       FROM customers c`,
    )
    .all() as Omit<BalanceDifference, 'kind'>[];
  return [
    ...stock.filter((row) => row.cached !== row.expected).map((row) => ({ kind: 'stock' as const, ...row })),
    ...credit.filter((row) => row.cached !== row.expected).map((row) => ({ kind: 'credit' as const, ...row })),
  ];
}
