/**
 * The end of a push: the projection rows, then everything other pushes of the business wait for.
 *
 * Pushes of one business share rows: the stock levels of what they sell, and the business row
 * (audit and feed sequences). Whoever holds those locks holds up every other till of the shop, and
 * in a Node server each round trip made under them also waits its turn on the event loop behind
 * other requests' work. So the plain rows go first, in one statement, and then — in the usual
 * case, a push that moved no credit — ONE call (`payme_push_tail`, 006_audit_append.sql) adds the
 * stock changes to the levels, flags oversold sales, writes the anomalies, chains the audit
 * entries and appends the feed — and, on PostgreSQL, COMMIT goes in the same round trip
 * (Db.commitWith), so the locks are released the moment the database is done, not when this
 * process next gets to read the answer. Nothing may run in the push's transaction after this.
 * A push that moved credit takes the longer road (levels, then balances, then the audit call),
 * keeping the one lock order every writer uses: till → customers → levels → balances → business.
 */
import type { Db } from '../db/db.js';
import { appendChained, type PreparedAudit } from './audit-batch.js';
import type { ProjectionRows } from './projection-state.js';
import { oversoldCandidates } from './stock-anomalies.js';
import { customerChange, tillStateChange, writtenChanges, type TillState } from './push-records.js';
import { writePlainRows, writeSharedRows } from './write-projections.js';
import { no_rollup_rows, type RollupRows } from '../reports/rollup-write.js';

export async function finishPush(
  tx: Db,
  scope: { business_id: string; store_id: string },
  rows: ProjectionRows,
  receivedAt: string,
  now: number,
  audit: PreparedAudit,
  tillState: TillState,
  rollups: RollupRows = no_rollup_rows,
): Promise<void> {
  const customers = await writePlainRows(tx, scope, rows, rollups);
  if (rows.balance_deltas.size > 0) {
    const written = await writeSharedRows(tx, scope, rows, receivedAt);
    const changes = [...writtenChanges(scope.store_id, { customers, ...written }), tillStateChange(tillState)];
    await appendChained(tx, scope.business_id, audit, changes, now, written.anomalies, true);
    return;
  }
  // Sorted so two writers of one business take the level rows' locks in the same order.
  const deltas = [...rows.stock_deltas].sort(([a], [b]) => (a < b ? -1 : 1)).map(([product_id, delta]) => ({ product_id, delta }));
  const sql = 'SELECT last_audit_seq FROM payme_push_tail($1, $2, $3, $4::json, $5::json, $6::json, $7::json, $8::json, $9::json)';
  const params = [
      scope.business_id,
      scope.store_id,
      receivedAt,
      JSON.stringify(deltas),
      JSON.stringify(oversoldCandidates(rows)),
      JSON.stringify(rows.anomalies),
      audit.json,
      JSON.stringify(customers.map(customerChange)),
      JSON.stringify([tillStateChange(tillState)]),
  ];
  await (tx.commitWith ? tx.commitWith(sql, params) : tx.query(sql, params));
}
