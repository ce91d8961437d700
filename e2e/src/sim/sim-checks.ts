/**
 * The simulation's verdict, after faults stop and sync quiesces (issue 5):
 * - every sale completed on any till exists exactly once on the server, with identical totals,
 *   and the server has no sale no till completed;
 * - server stock per product = initial (0) + Σ every till's movements; each till's on-hand
 *   equals the server's level (local views converge);
 * - credit balances on the server equal the sum of its entries, equal the sum of every till's
 *   entries, and every till shows the server's balance;
 * - nothing quarantined; every till's journal reached the server intact; the server's audit
 *   chain and checkpoints verify, and every till's `verifyLedger()` is clean.
 */
import { rawDb } from '@payme/till/ledger/raw-db';
import type { Db } from '@payme/sync-server/db';
import { verifyAudit } from '@payme/sync-server/audit';
import type { SigningKey } from '@payme/sync-server/signing-key';
import type { SimBusiness } from './sim-server.js';
import type { SimTill } from './sim-till.js';
import type { Oracle } from './sim-workload.js';

function sums(rows: { id: string; total: number | string }[]): Map<string, number> {
  return new Map(rows.map((row) => [row.id, Number(row.total)]));
}

function tillSums(tills: readonly SimTill[], sql: string): Map<string, number> {
  const total = new Map<string, number>();
  for (const till of tills) {
    for (const row of rawDb(till.ledger).prepare(sql).all() as { id: string; total: number }[]) {
      total.set(row.id, (total.get(row.id) ?? 0) + row.total);
    }
  }
  return total;
}

function compareMaps(label: string, expected: Map<string, number>, actual: Map<string, number>, failures: string[]): void {
  for (const id of new Set([...expected.keys(), ...actual.keys()])) {
    const want = expected.get(id) ?? 0;
    const got = actual.get(id) ?? 0;
    if (want !== got) failures.push(`${label} ${id}: expected ${want}, got ${got}`);
  }
}

export async function checkConvergence(db: Db, business: SimBusiness, tills: readonly SimTill[], oracle: Oracle, signingKey: SigningKey): Promise<string[]> {
  const failures: string[] = [];
  const b = business.business_id;

  for (const till of tills) {
    const status = till.agent.status();
    if (status.unsynced_count !== 0) failures.push(`till ${till.index}: ${status.unsynced_count} events never synced`);
    if (status.alarm !== null) failures.push(`till ${till.index}: alarm ${status.alarm.code}: ${status.alarm.message}`);
    if (status.quarantined_count !== 0) failures.push(`till ${till.index}: ${status.quarantined_count} events quarantined`);
    const differences = till.ledger.verifyLedger();
    if (differences.length > 0) failures.push(`till ${till.index}: verifyLedger: ${JSON.stringify(differences.slice(0, 3))}`);
    const head = till.ledger.chainHead();
    const stored = await db.query<{ seq: number; hash: string }>('SELECT seq, hash FROM till_events WHERE business_id = $1 AND till_id = $2 ORDER BY seq DESC LIMIT 1', [b, till.till_id]);
    const count = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM till_events WHERE business_id = $1 AND till_id = $2', [b, till.till_id]);
    if (Number(stored[0]?.seq ?? 0) !== head.seq || (head.seq > 0 && stored[0]?.hash !== head.hash) || Number(count[0]?.n ?? 0) !== head.seq) {
      failures.push(`till ${till.index}: journal head ${head.seq} but the server holds ${count[0]?.n ?? 0} events up to ${stored[0]?.seq ?? 0}`);
    }
  }

  const serverSales = await db.query<{ sale_id: string; total_cents: number; till_id: string }>(
    "SELECT sale_id::text AS sale_id, total_cents, till_id::text AS till_id FROM sales WHERE business_id = $1 AND status <> 'parked'",
    [b],
  );
  const byId = new Map(serverSales.map((sale) => [sale.sale_id, sale]));
  for (const sale of oracle.sales.values()) {
    const found = byId.get(sale.sale_id);
    if (found === undefined) failures.push(`sale ${sale.sale_id} of till ${sale.till} is missing on the server`);
    else if (Number(found.total_cents) !== sale.total) failures.push(`sale ${sale.sale_id}: total ${sale.total} on the till, ${found.total_cents} on the server`);
  }
  for (const sale of serverSales) if (!oracle.sales.has(sale.sale_id)) failures.push(`the server has sale ${sale.sale_id} that no till completed`);
  const doubled = await db.query<{ sale_id: string; n: number }>(
    `SELECT envelope->'payload'->>'sale_id' AS sale_id, count(*)::int AS n FROM till_events
      WHERE business_id = $1 AND type = 'sale_completed' GROUP BY 1 HAVING count(*) > 1`,
    [b],
  );
  for (const row of doubled) failures.push(`sale ${row.sale_id} arrived ${row.n} times`);

  const serverLevels = sums(await db.query('SELECT product_id::text AS id, on_hand AS total FROM stock_levels WHERE business_id = $1 AND store_id = $2', [b, business.store_id]));
  const serverMovements = sums(await db.query('SELECT product_id::text AS id, sum(delta) AS total FROM stock_movements WHERE business_id = $1 GROUP BY 1', [b]));
  const tillMovements = tillSums(tills, 'SELECT product_id AS id, sum(delta) AS total FROM stock_movements GROUP BY product_id');
  compareMaps('server stock level vs every till\'s movements, product', tillMovements, serverLevels, failures);
  compareMaps('server stock level vs its own movements, product', serverMovements, serverLevels, failures);
  for (const till of tills) {
    const local = sums(rawDb(till.ledger).prepare('SELECT product_id AS id, on_hand AS total FROM products').all() as { id: string; total: number }[]);
    compareMaps(`till ${till.index} on-hand vs server level, product`, serverLevels, local, failures);
  }

  const serverBalances = sums(await db.query('SELECT customer_id::text AS id, balance_cents AS total FROM customer_balances WHERE business_id = $1', [b]));
  const serverEntries = sums(await db.query('SELECT customer_id::text AS id, sum(delta_cents) AS total FROM credit_entries WHERE business_id = $1 GROUP BY 1', [b]));
  const tillEntries = tillSums(tills, 'SELECT customer_id AS id, sum(delta) AS total FROM credit_entries GROUP BY customer_id');
  compareMaps('server credit balance vs its entries, customer', serverEntries, serverBalances, failures);
  compareMaps('server credit balance vs every till\'s entries, customer', tillEntries, serverBalances, failures);
  for (const till of tills) {
    const local = sums(rawDb(till.ledger).prepare('SELECT customer_id AS id, balance AS total FROM customers').all() as { id: string; total: number }[]);
    compareMaps(`till ${till.index} credit balance vs server, customer`, serverBalances, local, failures);
  }

  const quarantined = await db.query<{ till_id: string; seq: number; type: string; reason_code: string; reason: string }>(
    `SELECT q.till_id::text AS till_id, q.seq, e.type, q.reason_code, q.reason FROM quarantined_events q
       JOIN till_events e ON e.business_id = q.business_id AND e.till_id = q.till_id AND e.seq = q.seq
      WHERE q.business_id = $1 ORDER BY q.received_at, q.seq`,
    [b],
  );
  for (const row of quarantined) failures.push(`server quarantined ${row.type} seq ${row.seq} of till ${row.till_id}: ${row.reason_code}: ${row.reason}`);

  const audit = await verifyAudit(db, b, new Map([[signingKey.key_id, signingKey.publicKeyHex]]));
  if (!audit.ok) failures.push(`audit chain broken at ${audit.broken_seq}: ${audit.problem} ${audit.message}`);
  return failures;
}
