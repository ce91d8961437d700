/**
 * Writes rollup deltas: one upsert per rollup table that adds each delta row to the stored row
 * (`ON CONFLICT … DO UPDATE SET x = x + excluded.x`). Each statement follows the push's batch
 * convention (write-projections.ts): `$1` is the business id and `$rows` the JSON array of rows,
 * so the push adds them to the one statement it writes its plain rows with, at no extra round
 * trip; `writeRollups` runs them on their own. Rows are sorted by key, so two writers that touch
 * the same rows (the products of one store) take their locks in the same order.
 */
import type { Db } from '../db/db.js';
import { isZero, product_measures, sales_measures, type RollupDeltas } from './rollup-fold.js';

export interface RollupStatement {
  statement: string;
  rows: object[];
}

const measureColumns = (measures: readonly string[]) => measures.map((name) => `${name} bigint`).join(', ');
const measureNames = (measures: readonly string[]) => measures.join(', ');
const measureSums = (measures: readonly string[]) => measures.map((name) => `${name} = r.${name} + excluded.${name}`).join(', ');

function upsert(table: string, keys: string, keyTypes: string, measures: readonly string[]): string {
  return `INSERT INTO ${table} AS r (business_id, ${keys}, ${measureNames(measures)})
    SELECT $1, ${keys}, ${measureNames(measures)} FROM json_to_recordset($rows::json) AS x(${keyTypes}, ${measureColumns(measures)})
    ON CONFLICT (business_id, ${keys}) DO UPDATE SET ${measureSums(measures)}`;
}

const hourly_sql = upsert(
  'sales_rollup_hourly',
  'business_day, hour, store_id, till_id, cashier_id, tender',
  'business_day date, hour smallint, store_id uuid, till_id uuid, cashier_id uuid, tender text',
  sales_measures,
);
const daily_sql = upsert(
  'sales_rollup_daily',
  'business_day, store_id, till_id, cashier_id, tender',
  'business_day date, store_id uuid, till_id uuid, cashier_id uuid, tender text',
  sales_measures,
);
const products_sql = upsert('product_rollup_daily', 'business_day, store_id, product_id', 'business_day date, store_id uuid, product_id uuid', product_measures);

function sortedRows<T extends object>(rows: Map<string, T>, measures: readonly string[]): T[] {
  return [...rows.entries()]
    .filter(([, row]) => !isZero(row as Record<string, unknown>, measures))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, row]) => row);
}

/** The statements for `deltas`, nothing for a table with no change. */
export function rollupStatements(deltas: RollupDeltas): RollupStatement[] {
  const out: RollupStatement[] = [];
  const hourly = sortedRows(deltas.hourly, sales_measures);
  if (hourly.length > 0) out.push({ statement: hourly_sql, rows: hourly });
  const daily = sortedRows(deltas.daily, sales_measures);
  if (daily.length > 0) out.push({ statement: daily_sql, rows: daily });
  const products = sortedRows(deltas.products, product_measures);
  if (products.length > 0) out.push({ statement: products_sql, rows: products });
  return out;
}

/** Runs the statements on their own, as one statement of CTEs. */
export async function writeRollups(tx: Db, businessId: string, deltas: RollupDeltas): Promise<void> {
  const statements = rollupStatements(deltas);
  if (statements.length === 0) return;
  const params: unknown[] = [businessId];
  const ctes = statements.map(({ statement, rows }, index) => {
    params.push(JSON.stringify(rows));
    return `r${index} AS (${statement.replaceAll('$rows', `$${params.length}`)})`;
  });
  await tx.query(`WITH ${ctes.join(',\n')}\nSELECT 1`, params);
}
