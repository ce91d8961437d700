/**
 * `POST /v1/sync/recover` (DESIGN §5, diverged history): a till restored from a backup or cloned
 * learns what the server holds after its last common seq, the server's head for it, the highest
 * receipt number the server has seen from it, and a new epoch; pushes under any older epoch are
 * refused as `till_fenced` from then on. The epoch bump, its audit entry and the till_state feed
 * change commit together.
 */
import { isoAt, parseInput, recoverRequestSchema, type Clock } from '@payme/shared';
import type { Db } from '../db/db.js';
import { appendAudit } from '../audit/audit-log.js';
import { appendFeedChanges } from '../feed/feed-batch.js';
import { HttpError } from '../http/errors.js';
import { lockTill, type PushCaller } from './ingest-push.js';

/** Events returned per recover call; a till further behind calls again from the last one it got. */
export const recover_events_max = 1_000;

export interface RecoverResponse {
  epoch: number;
  common_seq: number;
  head: { seq: number; hash: string };
  events: Record<string, unknown>[];
  /** True when more events follow `events` (call recover again with the last seq received). */
  has_more: boolean;
  receipt_counter: number;
}

export async function recoverTill(deps: { db: Db; clock: Clock }, caller: PushCaller, body: unknown): Promise<RecoverResponse> {
  const request = parseInput(recoverRequestSchema, body);
  if (request.till_id !== caller.till_id) {
    throw new HttpError(403, 'forbidden', 'till_id: a till may recover only itself', 'till_id');
  }
  return deps.db.transaction(async (tx) => {
    const till = await lockTill(tx, caller);
    if (till.fenced) throw new HttpError(409, 'till_fenced', 'This till was retired; enroll it again', 'till_id', { epoch: till.epoch });
    const commonSeq = Math.min(request.last_common_seq ?? 0, till.acked_seq);
    const rows = await tx.query<{ seq: number; envelope: Record<string, unknown> | null; envelope_text: string | null }>(
      `SELECT seq, envelope, envelope_text FROM till_events
        WHERE business_id = $1 AND till_id = $2 AND seq > $3 ORDER BY seq LIMIT $4`,
      [caller.business_id, caller.till_id, commonSeq, recover_events_max + 1],
    );
    const counter = await tx.query<{ counter: number | null }>(
      `SELECT max(CASE WHEN envelope->'payload'->>'receipt_no' ~ '^[A-Z0-9]{1,8}-[0-9]{6,10}$'
                       THEN split_part(envelope->'payload'->>'receipt_no', '-', 2)::bigint END) AS counter
         FROM till_events WHERE business_id = $1 AND till_id = $2 AND type IN ('sale_completed')`,
      [caller.business_id, caller.till_id],
    );
    await tx.query('SELECT 1 FROM businesses WHERE id = $1 FOR UPDATE', [caller.business_id]);
    const bumped = await tx.query<{ epoch: number }>('UPDATE tills SET epoch = epoch + 1 WHERE business_id = $1 AND id = $2 RETURNING epoch', [
      caller.business_id,
      caller.till_id,
    ]);
    const epoch = Number(bumped[0]?.epoch);
    const now = deps.clock.now();
    await appendAudit(tx, caller.business_id, {
      kind: 'till_recovered',
      actor: `till:${caller.till_id}`,
      subject: caller.till_id,
      data: { till_id: caller.till_id, old_epoch: till.epoch, epoch, common_seq: commonSeq, head_seq: till.acked_seq },
      occurred_at: isoAt(now),
    });
    await appendFeedChanges(
      tx,
      caller.business_id,
      [{ kind: 'till_state', entity_id: caller.till_id, data: { till_id: caller.till_id, acked_seq: till.acked_seq, head_hash: till.head_hash, epoch } }],
      now,
    );
    const events = rows.slice(0, recover_events_max).map((row) => row.envelope ?? (JSON.parse(row.envelope_text ?? 'null') as Record<string, unknown>));
    return {
      epoch,
      common_seq: commonSeq,
      head: { seq: till.acked_seq, hash: till.head_hash },
      events,
      has_more: rows.length > recover_events_max,
      receipt_counter: Number(counter[0]?.counter ?? 0),
    };
  });
}
