/**
 * What each till's pulls say about it (DESIGN §12 till health): when it last pulled, the feed
 * cursor it has applied (the owner's "has this till got the price yet"), and the outbox depth and
 * app version it reports. A pull is a read: writing a row for each of hundreds of long-polls
 * woken by one push would turn every wake-up into hundreds of write transactions. So the latest
 * note per till is kept in memory and written in ONE statement per flush interval. A crash loses
 * at most one interval of these notes, which the next pull writes again; nothing else depends on
 * them.
 */
import type { Db } from '../db/db.js';

export const till_health_flush_ms = 1_000;
/** Notes kept before a flush is forced (one per till). */
const notes_max = 10_000;

interface PullNote {
  business_id: string;
  till_id: string;
  pulled_at: string;
  feed_seq: number;
  outbox_depth: number | null;
  app_version: string | null;
}

export class TillHealthRecorder {
  private notes = new Map<string, PullNote>();
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: Db,
    private readonly onError: (error: unknown) => void,
  ) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.flush(), till_health_flush_ms);
    this.timer.unref();
  }

  note(pull: PullNote): void {
    const key = `${pull.business_id}:${pull.till_id}`;
    const before = this.notes.get(key);
    // A cursor never goes back; what the till reported last time stays unless it reports again.
    this.notes.set(key, {
      ...pull,
      feed_seq: Math.max(pull.feed_seq, before?.feed_seq ?? 0),
      outbox_depth: pull.outbox_depth ?? before?.outbox_depth ?? null,
      app_version: pull.app_version ?? before?.app_version ?? null,
    });
    if (this.notes.size >= notes_max) void this.flush();
  }

  /** Writes the notes gathered so far (tests call it instead of waiting for the timer). */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.write());
    return this.flushing;
  }

  private async write(): Promise<void> {
    if (this.notes.size === 0) return;
    const notes = [...this.notes.values()].sort((a, b) => (a.till_id < b.till_id ? -1 : 1));
    this.notes = new Map();
    try {
      await this.db.query(
        `UPDATE tills t SET last_pull_at = GREATEST(t.last_pull_at, x.pulled_at), feed_seq = GREATEST(t.feed_seq, x.feed_seq),
                outbox_depth = COALESCE(x.outbox_depth, t.outbox_depth),
                outbox_reported_at = CASE WHEN x.outbox_depth IS NULL THEN t.outbox_reported_at ELSE x.pulled_at END,
                app_version = COALESCE(x.app_version, t.app_version)
           FROM json_to_recordset($1::json) AS x(business_id uuid, till_id uuid, pulled_at timestamptz, feed_seq bigint, outbox_depth bigint, app_version text)
          WHERE t.business_id = x.business_id AND t.id = x.till_id`,
        [JSON.stringify(notes)],
      );
    } catch (error) {
      this.onError(error);
    }
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.flush();
  }
}
