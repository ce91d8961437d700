/**
 * Planner statistics on PGlite. PostgreSQL's autovacuum keeps every table's statistics as rows
 * arrive; PGlite runs no autovacuum, so without this a server on PGlite plans its reports for the
 * empty tables it started with (the owner-dashboard benchmark's credit book, planned for ten
 * credit entries, joined thousands in nested loops). `payme-server serve` runs it at start and
 * every hour; on PostgreSQL it does nothing.
 */
import type { Db } from './db.js';

export const pglite_analyze_interval_ms = 60 * 60_000;

export async function refreshPlannerStatistics(db: Db): Promise<boolean> {
  if (db.kind !== 'pglite') return false;
  await db.exec('ANALYZE');
  return true;
}
