/**
 * The server's own database, read after `payme-server` has stopped (embedded PGlite is one
 * process's at a time): what the owner's figures are computed from.
 */
import path from 'node:path';
import { openDb, type Db } from '@payme/sync-server/db';

export async function withStoppedServerDb<T>(serverData: string, read: (db: Db) => Promise<T>): Promise<T> {
  const db = await openDb({ dataDir: path.join(serverData, 'pglite'), databaseUrl: '' });
  try {
    return await read(db);
  } finally {
    await db.close();
  }
}
