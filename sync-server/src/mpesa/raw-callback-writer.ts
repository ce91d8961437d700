/**
 * Group commit for raw callbacks: callbacks that arrive while a write is in progress are stored
 * together by the next single multi-row INSERT. Every callback is still answered only after its
 * own row is committed; under load, one commit serves many answers instead of one each (PGlite
 * has one connection, so per-row commits queue behind each other).
 */
import { isoAt, uuidv7, type Clock, type Random } from '@payme/shared';
import type { Db } from '../db/db.js';
import type { CallbackRoute } from './callback-processor.js';

/** Rows per INSERT: 7 parameters each, far below PostgreSQL's 65,535 parameters. */
export const raw_callback_batch_rows_max = 500;
const columns = '(business_id, callback_id, route, body, body_bytes, source_ip, received_at)';
const per_row = 7;

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * The body as text, when PostgreSQL text can hold it (valid UTF-8 without NUL), for release N−1's
 * processor and for reading (migration 014); otherwise null. The bytes are always stored.
 */
export function storableText(bytes: Uint8Array): string | null {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return null;
  }
  return text.includes('\u0000') ? null : text;
}

interface Pending {
  params: unknown[];
  callback_id: string;
  resolve: (callbackId: string) => void;
  reject: (error: unknown) => void;
}

export class RawCallbackWriter {
  private queue: Pending[] = [];
  private writing = false;

  constructor(
    private readonly db: Db,
    private readonly env: { clock: Clock; random: Random },
  ) {}

  /**
   * Resolves with the callback id once the row is committed. The body is stored as the bytes
   * that arrived, before anything parses them (a string is taken as its UTF-8 bytes).
   */
  store(businessId: string, route: CallbackRoute, body: Uint8Array | string, sourceIp: string | null): Promise<string> {
    const callbackId = uuidv7(this.env.clock, this.env.random);
    const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
    const params = [businessId, callbackId, route, storableText(bytes), bytes, sourceIp, isoAt(this.env.clock.now())];
    const done = new Promise<string>((resolve, reject) => this.queue.push({ params, callback_id: callbackId, resolve, reject }));
    if (!this.writing) {
      this.writing = true;
      // After the poll phase: every request whose bytes arrived in this turn of the event loop
      // joins the same INSERT. Writing at once would commit each callback alone, since PGlite
      // runs the INSERT before the next socket is even read.
      setImmediate(() => void this.writeAll());
    }
    return done;
  }

  private async writeAll(): Promise<void> {
    // Ahead of the transactions waiting for PGlite's connection, and on PostgreSQL on a connection
    // kept for it, never queued behind pushes holding the pool: Daraja waits on this answer.
    const insert = (this.db.queryAhead ?? this.db.query).bind(this.db);
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, raw_callback_batch_rows_max);
        const values = batch.map((_, row) => `(${Array.from({ length: per_row }, (_, column) => `$${row * per_row + column + 1}`).join(', ')})`).join(', ');
        try {
          await insert(`INSERT INTO mpesa_callbacks ${columns} VALUES ${values}`, batch.flatMap((item) => item.params));
          for (const item of batch) item.resolve(item.callback_id);
        } catch (error) {
          // One bad row must not fail its neighbours: store them one by one instead.
          for (const item of batch) {
            try {
              await insert(`INSERT INTO mpesa_callbacks ${columns} VALUES ($1, $2, $3, $4, $5, $6, $7)`, item.params);
              item.resolve(item.callback_id);
            } catch (single) {
              item.reject(batch.length === 1 ? error : single);
            }
          }
        }
      }
    } finally {
      this.writing = false;
    }
  }
}
