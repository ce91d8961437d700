/**
 * `POST /v1/sync/recover` (DESIGN §5, diverged history): a till restored from a backup or cloned
 * learns what the server holds after its last common seq, the server's head for it, the highest
 * receipt number the server has seen from it, and a new epoch; pushes under any older epoch are
 * refused as `till_fenced` from then on. The epoch bump, its audit entry and the till_state feed
 * change commit together.
 *
 * The epoch moves only when the caller presents the till's current epoch. A repeat of the same
 * recover (a retried or duplicated request: same old epoch, the bump already done, nothing pushed
 * under the new epoch since) gets the same answer without a second bump, so a late duplicate cannot
 * fence the till that just recovered. Any other older epoch is a fenced clone: refused, because the
 * first to push keeps the identity (DESIGN §5).
 */
import { isoAt, recoverRequestSchema, type ChainedEvent, type Clock, type RecoverResponse } from '@payme/shared';
import type { Db } from '../db/db.js';
import { appendAudit } from '../audit/audit-log.js';
import { appendFeedChanges } from '../feed/feed-batch.js';
import { HttpError, parseInput } from '../http/errors.js';
import { lockTill, type PushCaller } from './ingest-push.js';
import { tillStateChange } from './push-records.js';

/** Events returned per recover call; a till further behind calls again from the last one it got. */
export const recover_events_max = 1_000;

export async function recoverTill(deps: { db: Db; clock: Clock }, caller: PushCaller, body: unknown): Promise<RecoverResponse> {
  const request = parseInput(recoverRequestSchema, body);
  if (request.till_id !== caller.till_id) {
    throw new HttpError(403, 'forbidden', 'till_id: a till may recover only itself', 'till_id');
  }
  return deps.db.transaction(async (tx) => {
    const till = await lockTill(tx, caller);
    if (till.fenced) throw new HttpError(409, 'till_fenced', 'This till was retired; enroll it again', 'till_id', { epoch: till.epoch });
    const commonSeq = Math.min(request.last_common_seq ?? 0, till.acked_seq);
    const repeat = request.epoch === undefined ? false : await isRepeatedRecover(tx, caller, till, request.epoch);
    const rows = await tx.query<{ seq: number; envelope: Record<string, unknown> | null; envelope_text: string | null }>(
      `SELECT seq, envelope, envelope_text FROM till_events
        WHERE business_id = $1 AND till_id = $2 AND seq > $3 ORDER BY seq LIMIT $4`,
      [caller.business_id, caller.till_id, commonSeq, recover_events_max + 1],
    );
    const counter = await tx.query<{ counter: number | null }>(
      // Only this till's own series: events a moved clone re-sent carry the old till's numbers (DESIGN §5).
      `SELECT max(CASE WHEN e.envelope->'payload'->>'receipt_no' ~ '^[A-Z0-9]{1,8}-[0-9]{6,10}$'
                        AND split_part(e.envelope->'payload'->>'receipt_no', '-', 1) = t.receipt_prefix
                       THEN split_part(e.envelope->'payload'->>'receipt_no', '-', 2)::bigint END) AS counter
         FROM till_events e JOIN tills t ON t.business_id = e.business_id AND t.id = e.till_id
        WHERE e.business_id = $1 AND e.till_id = $2 AND e.type IN ('sale_completed')`,
      [caller.business_id, caller.till_id],
    );
    const epoch = repeat ? till.epoch : await bumpEpoch(deps, tx, caller, till, commonSeq);
    // Every stored event passed the push's chain check (push-request.ts), so each is a ChainedEvent.
    const events = rows.slice(0, recover_events_max).map((row) => (row.envelope ?? JSON.parse(row.envelope_text ?? 'null')) as ChainedEvent);
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

interface LockedTill {
  acked_seq: number;
  head_hash: string;
  epoch: number;
}

/** Recover entries walked back when deciding whether an older epoch is a repeat. */
const repeat_lookback = 20;

/**
 * True when `epoch` is one the till's latest recovers bumped from with nothing pushed since (each
 * left the head where it is now): the request repeats one of them, e.g. a retried first page after
 * a later page already moved the epoch again. Throws `till_fenced` for any other older epoch and
 * `invalid_input` for an epoch never issued.
 */
async function isRepeatedRecover(tx: Db, caller: PushCaller, till: LockedTill, epoch: number): Promise<boolean> {
  if (epoch === till.epoch) return false;
  if (epoch > till.epoch) {
    throw new HttpError(400, 'invalid_input', `epoch: the server never issued epoch ${epoch} to this till`, 'epoch', { epoch: till.epoch });
  }
  const recent = await tx.query<{ data: { old_epoch?: number; epoch?: number; head_seq?: number } }>(
    `SELECT data FROM audit_log WHERE business_id = $1 AND kind = 'till_recovered' AND subject = $2 ORDER BY seq DESC LIMIT $3`,
    [caller.business_id, caller.till_id, repeat_lookback],
  );
  let expected = till.epoch;
  for (const { data } of recent) {
    if (Number(data.epoch) !== expected || Number(data.head_seq) !== till.acked_seq) break;
    if (Number(data.old_epoch) === epoch) return true;
    expected = Number(data.old_epoch);
  }
  throw new HttpError(409, 'till_fenced', 'This till was fenced by a recovery; enroll it again', 'epoch', { epoch: till.epoch });
}

/** Moves the till to a new epoch, with its audit entry and the till_state feed change. */
async function bumpEpoch(deps: { clock: Clock }, tx: Db, caller: PushCaller, till: LockedTill, commonSeq: number): Promise<number> {
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
    [tillStateChange({ till_id: caller.till_id, acked_seq: till.acked_seq, head_hash: till.head_hash, epoch })],
    now,
  );
  return epoch;
}
