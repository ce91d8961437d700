/**
 * Writes rollup deltas: `payme_rollups_add` (migration 010) adds each delta row to the stored row
 * (`ON CONFLICT … DO UPDATE SET x = x + excluded.x`) for the three rollup tables, in one call.
 * A PL/pgSQL function because its statements are planned once per connection: the same three
 * upserts sent as SQL text were planned again on every push, which on PGlite cost the push about
 * a sixth of its time (server-ingest's rollups-on-off scenario measured it). Rows are sorted by
 * key, so two writers that touch the same rows take their locks in the same order.
 */
import type { Db } from '../db/db.js';
import { isZero, product_measures, sales_measures, type RollupDeltas } from './rollup-fold.js';

/** The delta rows of each rollup table, sorted by key, without rows that change nothing. */
export interface RollupRows {
  hourly: object[];
  daily: object[];
  products: object[];
}

function sortedRows<T extends object>(rows: Map<string, T>, measures: readonly string[]): T[] {
  return [...rows.entries()]
    .filter(([, row]) => !isZero(row as Record<string, unknown>, measures))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, row]) => row);
}

export function rollupRows(deltas: RollupDeltas): RollupRows {
  return {
    hourly: sortedRows(deltas.hourly, sales_measures),
    daily: sortedRows(deltas.daily, sales_measures),
    products: sortedRows(deltas.products, product_measures),
  };
}

export const no_rollup_rows: RollupRows = { hourly: [], daily: [], products: [] };

/** Adds the rows to the rollups inside the caller's transaction (nothing to do: no query). */
export async function writeRollupRows(tx: Db, businessId: string, rows: RollupRows): Promise<void> {
  if (rows.hourly.length === 0 && rows.daily.length === 0 && rows.products.length === 0) return;
  await tx.query('SELECT payme_rollups_add($1, $2::json, $3::json, $4::json)', [businessId, JSON.stringify(rows.hourly), JSON.stringify(rows.daily), JSON.stringify(rows.products)]);
}

export async function writeRollups(tx: Db, businessId: string, deltas: RollupDeltas): Promise<void> {
  await writeRollupRows(tx, businessId, rollupRows(deltas));
}
