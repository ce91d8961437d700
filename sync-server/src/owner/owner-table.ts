/**
 * The two reads that products, staff and customers make alike: one page of the owner list, and
 * the row a patch is about to change. Kept in one place so the three lists page the same way and
 * the three patches lock the same way.
 */
import type { Db } from '../db/db.js';
import { notFound, parseInput } from '../http/errors.js';
import { listQuery } from './list-query.js';

/** A table the owner manages: its name, the columns its API returns, and the noun a 404 names. */
export interface OwnerTable {
  name: 'products' | 'staff' | 'customers';
  columns: string;
  noun: string;
}

/** A page of `?limit=&offset=` by name; the id breaks ties so that pages neither overlap nor skip. */
export function listPage<Row>(db: Db, table: OwnerTable, businessId: string, query: unknown): Promise<Row[]> {
  const { limit, offset } = parseInput(listQuery, query, 'query');
  return db.query<Row>(`SELECT ${table.columns} FROM ${table.name} WHERE business_id = $1 ORDER BY name, id LIMIT $2 OFFSET $3`, [businessId, limit, offset]);
}

/**
 * The row a patch changes, locked until the write commits so that two patches at once never both
 * start from the same old row (the audit entry's `from` values stay true). 404 when the id is not
 * one of this business's.
 */
export async function lockForPatch<Row>(tx: Db, table: OwnerTable, businessId: string, id: string): Promise<Row> {
  const rows = await tx.query<Row>(`SELECT ${table.columns} FROM ${table.name} WHERE business_id = $1 AND id = $2 FOR UPDATE`, [businessId, id]);
  const row = rows[0];
  if (!row) throw notFound(table.noun, 'id');
  return row;
}
