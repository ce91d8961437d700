/**
 * Reading the feed for `GET /v1/sync/pull` and the SSE stream.
 *
 * The acked_seq a till gets is its own as of the returned cursor (DESIGN §4: the till shows
 * `level at cursor + own movements after acked_seq`, so both must describe the same instant).
 * Two facts make that cheap and exact:
 * - feed change_seqs are allocated under the business row's lock and committed in order, so
 *   the visible feed is always a prefix: what lies at or before a cursor never changes;
 * - every push writes its till's `till_state` change (with acked_seq) in the same transaction as
 *   its levels, and a page never ends inside one transaction's changes (tx_id, 002_ingest.sql).
 * So when a page reaches the end of the feed, the tills' acked_seqs read in the same snapshot are
 * the ones at the cursor; when it stops short, the till's last till_state change at or before the
 * cursor says it.
 *
 * When a push wakes hundreds of long-polls of one business, they all ask for the same page:
 * `FeedReader` lets concurrent identical reads share one database read.
 */
import { PaymeError, type ChangeKind, type PullChange } from '@payme/shared';
import type { Db } from '../db/db.js';
import { latestCheckpoint, type Checkpoint } from '../audit/audit-log.js';

/** Changes per response before the page is closed at the end of the transaction it is in. */
export const pull_changes_max = 1_000;


export interface FeedPage {
  changes: PullChange[];
  cursor: string;
  acked_seq?: number;
  checkpoint?: Checkpoint;
}

/** One business's page after one cursor, the same for every reader of it. */
interface SharedPage {
  changes: PullChange[];
  cursor: number;
  /** Each till's acked_seq at `cursor`, when the page reached the end of the feed. */
  acked_at_head: Map<string, number> | null;
  checkpoint: Checkpoint | null;
}

interface ChangeRow {
  change_seq: number;
  /** Written only through FeedChangeInput, so one of shared's change kinds. */
  kind: ChangeKind;
  entity_id: string;
  data: PullChange['data'];
  tx_id: string;
}

/** A cursor is the decimal change_seq of the last change seen ("0" before the first). */
export function parseCursor(text: string, field = 'after'): number {
  if (!/^\d{1,15}$/.test(text)) throw new PaymeError('invalid_input', `${field}: must be a cursor from the last pull`, field);
  return Number(text);
}

const select_changes = `SELECT change_seq, kind, entity_id, data, tx_id::text AS tx_id FROM feed_changes
  WHERE business_id = $1 AND change_seq > $2 ORDER BY change_seq LIMIT $3`;

/**
 * The whole page in one statement (one snapshot, so as consistent as the transaction below): the
 * head, the changes after the cursor, every till's acked_seq and the latest checkpoint. When a
 * push wakes hundreds of long-polls this is the one read they share, and on PGlite (one
 * connection) it is one turn of the connection instead of six.
 */
const select_page = `SELECT b.feed_seq AS head,
    (SELECT COALESCE(json_agg(json_build_object('change_seq', c.change_seq, 'kind', c.kind, 'entity_id', c.entity_id, 'data', c.data, 'tx_id', c.tx_id::text)
                              ORDER BY c.change_seq), '[]'::json)
       FROM (SELECT change_seq, kind, entity_id, data, tx_id FROM feed_changes
              WHERE business_id = b.id AND change_seq > (CASE WHEN $2 > b.feed_seq THEN 0 ELSE $2 END)
              ORDER BY change_seq LIMIT $3) c) AS changes,
    (SELECT COALESCE(json_agg(json_build_object('id', t.id::text, 'acked_seq', t.acked_seq)), '[]'::json) FROM tills t WHERE t.business_id = b.id) AS tills,
    (SELECT json_build_object('business_id', k.business_id::text, 'seq', k.seq, 'hash', k.hash, 'signature', k.signature, 'key_id', k.key_id, 'created_at', k.created_at)
       FROM audit_checkpoints k WHERE k.business_id = b.id ORDER BY k.seq DESC LIMIT 1) AS checkpoint
  FROM businesses b WHERE b.id = $1`;

interface PageRow {
  head: number;
  changes: ChangeRow[];
  tills: { id: string; acked_seq: number }[];
  checkpoint: (Omit<Checkpoint, 'created_at'> & { created_at: string }) | null;
}

async function readSharedPage(db: Db, businessId: string, after: number, limit: number): Promise<SharedPage> {
  const row = (await db.query<PageRow>(select_page, [businessId, after, limit]))[0];
  const headSeq = Number(row?.head ?? 0);
  const rows = row?.changes ?? [];
  // A full page may end inside one push's changes: the transaction below completes it.
  if (rows.length < limit || headSeq <= Number(rows[rows.length - 1]?.change_seq ?? 0)) {
    const from = after > headSeq ? 0 : after;
    const cursor = rows.length > 0 ? Number((rows[rows.length - 1] as ChangeRow).change_seq) : from;
    const checkpoint = row?.checkpoint ?? null;
    return {
      changes: rows.map((change) => ({ cursor: String(change.change_seq), kind: change.kind, id: change.entity_id, data: change.data })),
      cursor,
      acked_at_head: cursor >= headSeq ? new Map((row?.tills ?? []).map((till) => [till.id, Number(till.acked_seq)])) : null,
      checkpoint: checkpoint ? { ...checkpoint, seq: Number(checkpoint.seq), created_at: new Date(checkpoint.created_at).toISOString() } : null,
    };
  }
  return readSharedPageInTransaction(db, businessId, after, limit);
}

async function readSharedPageInTransaction(db: Db, businessId: string, after: number, limit: number): Promise<SharedPage> {
  return db.transaction(async (tx) => {
    await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
    const head = await tx.query<{ feed_seq: number }>('SELECT feed_seq FROM businesses WHERE id = $1', [businessId]);
    const headSeq = Number(head[0]?.feed_seq ?? 0);
    // A cursor past the head (the server was restored from an older backup) starts over.
    const from = after > headSeq ? 0 : after;
    const rows = await tx.query<ChangeRow>(select_changes, [businessId, from, limit]);
    let last = rows[rows.length - 1];
    // Complete the transaction the page ended in: its changes come in one response or not at all.
    while (last !== undefined && rows.length >= limit && Number(last.change_seq) < headSeq) {
      const lastTx = last.tx_id;
      const more = await tx.query<ChangeRow>(select_changes, [businessId, Number(last.change_seq), limit]);
      let taken = 0;
      while (taken < more.length && more[taken]?.tx_id === lastTx) taken += 1;
      rows.push(...more.slice(0, taken));
      if (taken < more.length || more.length < limit) break;
      last = rows[rows.length - 1];
    }
    const cursor = rows.length > 0 ? Number((rows[rows.length - 1] as ChangeRow).change_seq) : from;
    let ackedAtHead: Map<string, number> | null = null;
    if (cursor >= headSeq) {
      const tills = await tx.query<{ id: string; acked_seq: number }>('SELECT id::text AS id, acked_seq FROM tills WHERE business_id = $1', [businessId]);
      ackedAtHead = new Map(tills.map((till) => [till.id, Number(till.acked_seq)]));
    }
    return {
      changes: rows.map((row) => ({ cursor: String(row.change_seq), kind: row.kind, id: row.entity_id, data: row.data })),
      cursor,
      acked_at_head: ackedAtHead,
      checkpoint: await latestCheckpoint(tx, businessId),
    };
  });
}

/** A till's acked_seq as of `cursor`: its last till_state change at or before it (0 if none). */
async function ackedAtCursor(db: Db, businessId: string, tillId: string, cursor: number): Promise<number> {
  const rows = await db.query<{ acked_seq: string | null }>(
    `SELECT data->>'acked_seq' AS acked_seq FROM feed_changes
      WHERE business_id = $1 AND kind = 'till_state' AND entity_id = $2 AND change_seq <= $3
      ORDER BY change_seq DESC LIMIT 1`,
    [businessId, tillId, cursor],
  );
  return Number(rows[0]?.acked_seq ?? 0);
}

/** Reads feed pages, sharing one database read among concurrent identical requests. */
export class FeedReader {
  private readonly inFlight = new Map<string, Promise<SharedPage>>();

  constructor(
    private readonly db: Db,
    private readonly limit: number = pull_changes_max,
  ) {}

  async read(businessId: string, after: number, tillId?: string): Promise<FeedPage> {
    const shared = await this.shared(businessId, after);
    const page: FeedPage = { changes: shared.changes, cursor: String(shared.cursor) };
    if (tillId !== undefined) {
      page.acked_seq = shared.acked_at_head?.get(tillId) ?? (await ackedAtCursor(this.db, businessId, tillId, shared.cursor));
    }
    if (shared.checkpoint) page.checkpoint = shared.checkpoint;
    return page;
  }

  private shared(businessId: string, after: number): Promise<SharedPage> {
    const key = `${businessId}:${after}`;
    const pending = this.inFlight.get(key);
    if (pending) return pending;
    const read = readSharedPage(this.db, businessId, after, this.limit).finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, read);
    return read;
  }
}

/** One read without sharing (tests, tools). */
export function readFeedPage(db: Db, businessId: string, after: number, options: { tillId?: string; limit?: number } = {}): Promise<FeedPage> {
  return new FeedReader(db, options.limit).read(businessId, after, options.tillId);
}
