/**
 * Reads the ledger file a `payme-till restore` is about to replace, read-only and without
 * migrating it, for `importReplacedEvents` (DESIGN §5: the restore imports the unacknowledged
 * events of the database it replaces, when that file is readable). "Readable" is strict: SQLite's
 * quick check passes, it is an enrolled till ledger of the same till, and its journal's hash
 * chain verifies from the first event to the last — a damaged journal is never half-imported.
 */
import Database from 'better-sqlite3';
import { genesis_hash, isoAt, verifyChain, type ChainedRecord } from '@payme/shared';
import type { ImportReplacedEventsInput } from '../ledger/import-replaced.js';

export type ReplacedLedger =
  | {
      readable: true;
      /** Events after the replaced ledger's acknowledged seq (what only this file held). */
      unsynced: number;
      input: ImportReplacedEventsInput;
    }
  | { readable: false; reason: string };

interface JournalRow {
  seq: number;
  command_id: string;
  envelope: string;
  name: string | null;
  input_hash: string | null;
  result: string | null;
}

export function readReplacedLedger(file: string, till_id: string, now: number): ReplacedLedger {
  let db: Database.Database | null = null;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    const check = db.pragma('quick_check', { simple: true });
    if (check !== 'ok') return { readable: false, reason: `SQLite reports damage (${String(check)})` };
    const identity = db.prepare('SELECT till_id FROM till_identity WHERE id = 1').get() as { till_id: string } | undefined;
    if (identity === undefined) return { readable: false, reason: 'it holds no enrolled till' };
    if (identity.till_id !== till_id) return { readable: false, reason: `it belongs to till ${identity.till_id}, the backup to ${till_id}` };
    const state = db.prepare('SELECT acked_seq, chain_base, receipt_next FROM sync_state WHERE id = 1').get() as { acked_seq: number; chain_base: number; receipt_next: number };
    const rows = db
      .prepare(
        `SELECT o.seq, o.command_id, o.envelope, c.name, c.input_hash, c.result
           FROM outbox o LEFT JOIN commands c ON c.seq = o.seq WHERE o.seq > ? ORDER BY o.seq`,
      )
      .all(state.chain_base) as JournalRow[];
    const envelopes = rows.map((row) => JSON.parse(row.envelope) as Record<string, unknown>);
    const broken = verifyChain(envelopes as unknown as ChainedRecord[], 1, genesis_hash);
    if (broken !== null) return { readable: false, reason: `its journal breaks at seq ${broken.seq} (${broken.problem})` };
    const products = db.prepare('SELECT product_id, name, sku, barcode, unit, unit_price, vat_class, stock_policy, active FROM products').all() as ImportReplacedEventsInput['products'];
    const customers = db.prepare('SELECT customer_id, name, phone, credit_limit FROM customers').all() as ImportReplacedEventsInput['customers'];
    return {
      readable: true,
      unsynced: rows.filter((row) => row.seq > state.acked_seq).length,
      input: {
        events: rows.map((row, index) => ({
          envelope: envelopes[index]!,
          command_id: row.command_id,
          command: row.name === null || row.input_hash === null || row.result === null ? null : { name: row.name, input_hash: row.input_hash, result: row.result },
        })),
        products,
        customers,
        receipt_next: state.receipt_next,
        read_at: isoAt(now),
      },
    };
  } catch (error) {
    return { readable: false, reason: error instanceof Error ? error.message : String(error) };
  } finally {
    db?.close();
  }
}
