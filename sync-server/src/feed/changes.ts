/**
 * The change feed's write side: every authoritative change (catalog, staff, customers, stock
 * levels, settings, acked seqs, checkpoints…) gets the business's next gapless `change_seq`, in
 * the same transaction as the change itself. Pullers read `feed_changes` after their cursor.
 *
 * Wake-ups: after COMMIT the writer calls `notifier.notifyFeed(businessId)`. Listeners in this
 * process are told at once; on PostgreSQL a NOTIFY also reaches the other server instances
 * (DESIGN §6), each of which tells its own listeners. A wake-up is only a hint to re-read the
 * table, so a duplicate or a lost one costs a query or a long-poll timeout, never data.
 */
import { isoAt, type ChangeKind } from '@payme/shared';
import type { Db } from '../db/db.js';

/** One change as written: a kind and a record the pull carries as shared's `PullChange`. */
export interface FeedChangeInput {
  kind: ChangeKind;
  entity_id: string;
  /** The record (an object; null for a deletion), read back as `PullChange['data']`. */
  data: object | null;
}

export interface FeedChangeRow {
  business_id: string;
  change_seq: number;
  kind: string;
  entity_id: string;
  data: unknown;
  created_at: Date;
}

/**
 * Appends one change under the business row's lock (the `UPDATE … RETURNING` serialises writers
 * of one business and leaves others alone). Returns the new change_seq. `at` is the clock time
 * to record; without it the database's transaction time is used.
 */
export async function appendFeedChange(tx: Db, businessId: string, change: FeedChangeInput, at?: number): Promise<number> {
  const rows = await tx.query<{ feed_seq: number }>(
    'UPDATE businesses SET feed_seq = feed_seq + 1 WHERE id = $1 RETURNING feed_seq',
    [businessId],
  );
  const seq = rows[0]?.feed_seq;
  if (seq === undefined) throw new Error(`appendFeedChange: no business ${businessId}`);
  await tx.query(
    `INSERT INTO feed_changes (business_id, change_seq, kind, entity_id, data, created_at)
     VALUES ($1, $2, $3, $4, $5, COALESCE($6::timestamptz, now()))`,
    [businessId, seq, change.kind, change.entity_id, JSON.stringify(change.data ?? null), at === undefined ? null : isoAt(at)],
  );
  return seq;
}

/** Reads the changes after `afterSeq`, oldest first, at most `limit`. */
export async function readFeedChanges(db: Db, businessId: string, afterSeq: number, limit: number): Promise<FeedChangeRow[]> {
  return db.query<FeedChangeRow>(
    `SELECT business_id, change_seq, kind, entity_id, data, created_at
       FROM feed_changes WHERE business_id = $1 AND change_seq > $2
      ORDER BY change_seq LIMIT $3`,
    [businessId, afterSeq, limit],
  );
}

/** The business's latest change_seq (0 before the first change). */
export async function feedHead(db: Db, businessId: string): Promise<number> {
  const rows = await db.query<{ feed_seq: number }>('SELECT feed_seq FROM businesses WHERE id = $1', [businessId]);
  return rows[0]?.feed_seq ?? 0;
}

export type FeedListener = (businessId: string) => void;

export const feed_channel = 'payme_feed';

/** In-process fan-out of "business X has new changes", bridged over LISTEN/NOTIFY on PostgreSQL. */
export class FeedNotifier {
  private readonly listeners = new Set<FeedListener>();
  private unlisten: (() => Promise<void>) | null = null;
  /** Tags our own NOTIFYs so this instance does not wake its listeners twice. */
  private readonly instanceId: string;

  constructor(
    private readonly db: Db,
    instanceId: string,
  ) {
    this.instanceId = instanceId;
  }

  /** Subscribes to wake-ups; returns the unsubscribe function. */
  onFeedChange(listener: FeedListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  get listenerCount(): number {
    return this.listeners.size;
  }

  /** Call after the transaction that appended changes has committed. */
  notifyFeed(businessId: string): void {
    this.emit(businessId);
    if (this.db.kind === 'postgres') {
      // Fire and forget: a lost cross-instance wake-up only delays a long-poll until its timeout.
      this.db.query('SELECT pg_notify($1, $2)', [feed_channel, `${this.instanceId}:${businessId}`]).catch(() => undefined);
    }
  }

  /** On PostgreSQL, listens for other instances' changes. Idempotent. */
  async start(): Promise<void> {
    if (this.db.kind !== 'postgres' || this.unlisten) return;
    this.unlisten = await this.db.listen(feed_channel, (payload) => {
      const colon = payload.indexOf(':');
      if (colon < 0 || payload.slice(0, colon) === this.instanceId) return;
      this.emit(payload.slice(colon + 1));
    });
  }

  async close(): Promise<void> {
    const unlisten = this.unlisten;
    this.unlisten = null;
    this.listeners.clear();
    if (unlisten) await unlisten();
  }

  private emit(businessId: string): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(businessId);
      } catch {
        // One faulty listener must not stop the others from waking.
      }
    }
  }
}
