/**
 * Helpers for end-to-end tests on real till ledgers (SimTill) and the real sync server in-process
 * (SimServer): a cash or credit sale, stepping every till's push and pull loops until they rest,
 * and the check that the server and every till agree (each sale once, stock and credit sums, each
 * till's chain whole on the server, the audit log verifying).
 */
import { rawDb } from '@payme/till/ledger/raw-db';
import { expect } from 'vitest';
import { lineAmount, roundToShilling, type ManualClock } from '@payme/shared';
import type { Db } from '@payme/sync-server/db';
import { verifyAudit } from '@payme/sync-server/audit';
import type { SimBusiness } from '../sim/sim-server.js';
import type { SimTill } from '../sim/sim-till.js';

export interface SaleWorld {
  clock: ManualClock;
  business: SimBusiness;
  /** Every sale any till completed: id → total. */
  sales: Map<string, number>;
}

export function sell(w: SaleWorld, till: SimTill, quantity: number, customer_id?: string): { sale_id: string; receipt_no: string; total: number } {
  w.clock.advance(1_000);
  const product = w.business.products[0]!;
  const total = roundToShilling(lineAmount(product.price_cents, quantity, product.unit)).payable;
  const sale_id = till.id();
  const result = till.ledger.completeSale(w.business.cashier_id, {
    command_id: till.id(),
    sale_id,
    lines: [{ product_id: product.id, quantity }],
    tenders: customer_id === undefined ? [{ kind: 'cash', amount: total, tendered: total }] : [{ kind: 'credit', amount: total }],
    ...(customer_id === undefined ? {} : { customer_id }),
  });
  w.sales.set(sale_id, result.total);
  return { sale_id, receipt_no: result.receipt_no, total: result.total };
}

export async function settle(tills: readonly SimTill[]): Promise<void> {
  for (let round = 0; round < 4; round += 1) {
    for (const till of tills) for (let step = 0; step < 20 && !['idle', 'blocked'].includes((await till.agent.pushStep()).kind); step += 1);
    for (const till of tills) for (let step = 0; step < 20 && !['idle', 'blocked'].includes((await till.agent.pullStep(0)).kind); step += 1);
  }
}

/** What the server holds, checked against every till: each sale once, stock and credit sums; `keys` verify the audit log. */
export async function expectConverged(db: Db, w: SaleWorld, tills: readonly SimTill[], keys: ReadonlyMap<string, string>): Promise<void> {
  const b = w.business.business_id;
  const sales = await db.query<{ sale_id: string; total_cents: number }>('SELECT sale_id::text AS sale_id, total_cents FROM sales WHERE business_id = $1', [b]);
  expect(new Map(sales.map((sale) => [sale.sale_id, Number(sale.total_cents)]))).toEqual(w.sales);
  const applied = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM till_events WHERE business_id = $1 AND type = 'sale_completed' AND status = 'applied'`,
    [b],
  );
  expect(applied[0]?.n).toBe(w.sales.size);
  const product = w.business.products[0]!.id;
  const level = await db.query<{ on_hand: number }>('SELECT on_hand FROM stock_levels WHERE business_id = $1 AND product_id = $2', [b, product]);
  const moved = await db.query<{ total: number }>('SELECT coalesce(sum(delta), 0)::int AS total FROM stock_movements WHERE business_id = $1 AND product_id = $2', [b, product]);
  expect(Number(level[0]?.on_hand)).toBe(Number(moved[0]?.total));
  const balances = await db.query<{ id: string; balance: number; entries: number }>(
    `SELECT b.customer_id::text AS id, b.balance_cents AS balance,
            (SELECT coalesce(sum(delta_cents), 0)::int FROM credit_entries e WHERE e.business_id = b.business_id AND e.customer_id = b.customer_id) AS entries
       FROM customer_balances b WHERE b.business_id = $1`,
    [b],
  );
  for (const row of balances) expect(Number(row.balance)).toBe(Number(row.entries));
  for (const till of tills) {
    expect(till.agent.status()).toMatchObject({ unsynced_count: 0, alarm: null, quarantined_count: 0 });
    expect(till.ledger.verifyLedger()).toEqual([]);
    expect(till.ledger.stockOnHand({ product_ids: [product] }).levels[0]?.on_hand).toBe(Number(level[0]?.on_hand));
    for (const row of balances) {
      const local = rawDb(till.ledger).prepare('SELECT balance FROM customers WHERE customer_id = ?').get(row.id) as { balance: number } | undefined;
      expect(local?.balance).toBe(Number(row.balance));
    }
    const head = till.ledger.chainHead();
    const stored = await db.query<{ n: number; hash: string | null }>(
      'SELECT count(*)::int AS n, (SELECT hash FROM till_events WHERE business_id = $1 AND till_id = $2 ORDER BY seq DESC LIMIT 1) AS hash FROM till_events WHERE business_id = $1 AND till_id = $2',
      [b, till.till_id],
    );
    expect({ n: stored[0]?.n, hash: stored[0]?.hash }).toEqual({ n: head.seq, hash: head.hash });
  }
  const audit = await verifyAudit(db, b, new Map(keys));
  expect(audit.ok).toBe(true);
}
