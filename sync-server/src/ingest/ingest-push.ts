/**
 * `POST /v1/sync/push` (DESIGN §5): one transaction per push. The till row is locked first, so
 * identical pushes sent at once take turns and all but the first find their events stored
 * (`duplicate`). Pushes of different tills of one business overlap until their last steps: the
 * stock levels and balances they share (row locks, sorted), then the audit chain and the feed
 * (the business row's lock, taken by the first audit append and held to commit). Lock order is
 * always till → customers → levels → balances → business, so pushes never deadlock each other.
 * Everything that needs no database — parsing, hashing, schema checks — happens before the
 * transaction, to keep the locks short.
 */
import { PaymeError, isoAt, type Clock } from '@payme/shared';
import { sqlState, type Db } from '../db/db.js';
import type { AuditEntryInput } from '../audit/audit-log.js';
import type { FeedChangeInput } from '../feed/changes.js';
import { appendFeedChanges } from '../feed/feed-batch.js';
import { HttpError } from '../http/errors.js';
import { appendAuditEntries } from './audit-batch.js';
import { planChain, type StoredLinks } from './chain-check.js';
import { loadProjectionState } from './load-state.js';
import { checkEvent, foldEvents, type CheckedEvent, type FoldVerdict } from './project-events.js';
import { parsePushRequest, type PushedEvent } from './push-request.js';
import { jsonDepthExceeds, unstorablePath, event_depth_max } from './storable-json.js';
import { writeProjections, type WrittenState } from './write-projections.js';

export interface PushResult {
  seq: number;
  event_id: string;
  status: 'applied' | 'duplicate' | 'quarantined';
  reason?: string;
}

export interface PushResponse {
  acked_seq: number;
  head_hash: string;
  results: PushResult[];
}

export interface PushCaller {
  business_id: string;
  till_id: string;
}

export interface IngestDeps {
  db: Db;
  clock: Clock;
}

interface TillRow {
  store_id: string;
  acked_seq: number;
  head_hash: string;
  epoch: number;
  fenced: boolean;
}

/** 409s of the producer rules carry their details (seq, expected_seq, epoch) as the body. */
function asConflict(error: unknown): unknown {
  if (error instanceof PaymeError && !(error instanceof HttpError) && ['chain_conflict', 'seq_gap', 'till_fenced'].includes(error.code)) {
    return new HttpError(409, error.code, error.message, error.field, { ...error.details });
  }
  return error;
}

export async function lockTill(tx: Db, caller: PushCaller): Promise<TillRow> {
  const rows = await tx.query<TillRow>(
    'SELECT store_id::text AS store_id, acked_seq, head_hash, epoch, fenced FROM tills WHERE business_id = $1 AND id = $2 FOR UPDATE',
    [caller.business_id, caller.till_id],
  );
  const till = rows[0];
  if (!till) throw new HttpError(401, 'invalid_token', 'This till is no longer enrolled; enroll it again');
  return { ...till, acked_seq: Number(till.acked_seq) };
}

function checkEpoch(till: TillRow, epoch: number): void {
  if (till.fenced || epoch < till.epoch) {
    throw new HttpError(409, 'till_fenced', 'This till was fenced by a recovery; recover or enroll it again', 'epoch', { epoch: till.epoch });
  }
  if (epoch > till.epoch) {
    throw new HttpError(400, 'invalid_input', `epoch: the server never issued epoch ${epoch} to this till`, 'epoch', { epoch: till.epoch });
  }
}

async function storedLinks(tx: Db, caller: PushCaller, till: TillRow, events: readonly PushedEvent[]): Promise<StoredLinks> {
  const first = events[0]?.seq ?? 1;
  const last = Math.min(events[events.length - 1]?.seq ?? 0, till.acked_seq);
  const hashBySeq = new Map<number, string>();
  if (first <= last) {
    const rows = await tx.query<{ seq: number; hash: string }>(
      'SELECT seq, hash FROM till_events WHERE business_id = $1 AND till_id = $2 AND seq BETWEEN $3 AND $4',
      [caller.business_id, caller.till_id, first, last],
    );
    for (const row of rows) hashBySeq.set(Number(row.seq), row.hash);
  }
  const fresh = events.filter((event) => event.seq > till.acked_seq).map((event) => event.event_id);
  const hashByEventId = new Map<string, string>();
  if (fresh.length > 0) {
    const rows = await tx.query<{ event_id: string; hash: string }>(
      'SELECT event_id::text AS event_id, hash FROM till_events WHERE business_id = $1 AND event_id = ANY($2::uuid[])',
      [caller.business_id, fresh],
    );
    for (const row of rows) hashByEventId.set(row.event_id, row.hash);
  }
  return { hashBySeq, hashByEventId };
}

/** Refusals that need no database: body shape, till id, nesting depth. */
export function preparePush(caller: PushCaller, body: unknown) {
  const request = parsePushRequest(body);
  if (request.till_id !== caller.till_id) {
    throw new HttpError(403, 'forbidden', 'till_id: a till may push only its own events', 'till_id');
  }
  request.events.forEach((event, index) => {
    if (jsonDepthExceeds(event.raw)) {
      throw new HttpError(400, 'invalid_input', `events.${index}: nests deeper than ${event_depth_max} levels`, `events.${index}`);
    }
  });
  return request;
}

/** Schema and storability per event: an event failing either is quarantined, not refused. */
export function checkPushedEvent(event: PushedEvent): CheckedEvent & { storable: boolean } {
  const unstorable = unstorablePath(event.raw);
  if (unstorable !== null) {
    return { ok: false, storable: false, reason: { code: 'unstorable_text', message: `${unstorable}: contains a NUL character or broken UTF-16`, field: unstorable } };
  }
  return { ...checkEvent(event.raw), storable: true };
}

function reasonText(verdict: FoldVerdict): string | undefined {
  if (!verdict.reason) return undefined;
  return `${verdict.reason.code}: ${verdict.reason.message}`.slice(0, 2_000);
}

/**
 * Two tills of one business may race to store the same event id or create the same customer; the
 * loser's unique violation means "someone else just did it": running the push again sees the
 * stored row and answers as the rules say (chain_conflict, customer_exists).
 */
const unique_violation_attempts_max = 3;

export async function ingestPush(deps: IngestDeps, caller: PushCaller, body: unknown): Promise<PushResponse & { changed: boolean }> {
  const request = preparePush(caller, body);
  const checked = new Map(request.events.map((event) => [event.seq, checkPushedEvent(event)]));
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await applyPush(deps, caller, request, checked);
    } catch (error) {
      if (sqlState(error) === '23505' && attempt < unique_violation_attempts_max) continue;
      throw asConflict(error);
    }
  }
}

async function applyPush(
  deps: IngestDeps,
  caller: PushCaller,
  request: ReturnType<typeof preparePush>,
  checked: ReadonlyMap<number, CheckedEvent & { storable: boolean }>,
): Promise<PushResponse & { changed: boolean }> {
  return deps.db.transaction(async (tx) => {
    const till = await lockTill(tx, caller);
    checkEpoch(till, request.epoch);
    const plan = planChain(till, request.events, await storedLinks(tx, caller, till, request.events));
    const results: PushResult[] = plan.duplicates.map((event) => ({ seq: event.seq, event_id: event.event_id, status: 'duplicate' }));
    const last = plan.fresh[plan.fresh.length - 1];
    if (last === undefined) return { acked_seq: till.acked_seq, head_hash: till.head_hash, results, changed: false };

    const now = deps.clock.now();
    const receivedAt = isoAt(now);
    const inputs = plan.fresh.map((event) => ({ seq: event.seq, event_id: event.event_id, checked: checked.get(event.seq) as CheckedEvent }));
    const valid = inputs.flatMap((input) => (input.checked.ok ? [input.checked.event] : []));
    const scope = { business_id: caller.business_id, store_id: till.store_id, till_id: caller.till_id };
    const state = await loadProjectionState(tx, scope, valid);
    const fold = foldEvents(state, inputs, receivedAt);

    await storeEvents(tx, caller, request.epoch, plan.fresh, fold.verdicts, checked, receivedAt);
    // The till row is ours already; the shared rows (levels, balances, then the business) last.
    await tx.query('UPDATE tills SET acked_seq = $3, head_hash = $4 WHERE business_id = $1 AND id = $2', [
      caller.business_id,
      caller.till_id,
      last.seq,
      last.hash,
    ]);
    const written = await writeProjections(tx, scope, fold.rows, receivedAt);
    await appendAuditEntries(tx, caller.business_id, auditEntries(caller, plan.fresh, fold.verdicts, receivedAt));
    const tillState = { till_id: caller.till_id, acked_seq: last.seq, head_hash: last.hash, epoch: till.epoch };
    await appendFeedChanges(tx, caller.business_id, feedChanges(scope.store_id, written, tillState), now);
    for (const verdict of fold.verdicts) {
      const reason = reasonText(verdict);
      results.push({ seq: verdict.seq, event_id: verdict.event_id, status: verdict.status, ...(reason === undefined ? {} : { reason }) });
    }
    return { acked_seq: last.seq, head_hash: last.hash, results, changed: true };
  });
}

async function storeEvents(
  tx: Db,
  caller: PushCaller,
  epoch: number,
  fresh: readonly PushedEvent[],
  verdicts: readonly FoldVerdict[],
  checked: ReadonlyMap<number, { storable: boolean }>,
  receivedAt: string,
): Promise<void> {
  const rows = fresh.map((event, index) => {
    const storable = checked.get(event.seq)?.storable ?? true;
    const type = event.raw['type'];
    const v = event.raw['v'];
    return {
      till_id: caller.till_id,
      seq: event.seq,
      event_id: event.event_id,
      type: typeof type === 'string' && storable && type.length <= 64 ? type : '(invalid)',
      v: typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 2_147_483_647 ? v : null,
      epoch,
      prev_hash: event.prev_hash,
      hash: event.hash,
      status: verdicts[index]?.status ?? 'quarantined',
      envelope: storable ? event.raw : null,
      // JSON.stringify escapes NUL and lone surrogates, so the text form is storable.
      envelope_text: storable ? null : JSON.stringify(event.raw),
      received_at: receivedAt,
    };
  });
  await tx.query(
    `INSERT INTO till_events (business_id, till_id, seq, event_id, type, v, epoch, prev_hash, hash, status, envelope, envelope_text, received_at)
     SELECT $1, x.till_id, x.seq, x.event_id, x.type, x.v, x.epoch, x.prev_hash, x.hash, x.status, x.envelope, x.envelope_text, x.received_at
       FROM jsonb_to_recordset($2::jsonb) AS x(till_id uuid, seq bigint, event_id uuid, type text, v integer, epoch integer,
            prev_hash text, hash text, status text, envelope jsonb, envelope_text text, received_at timestamptz)`,
    [caller.business_id, JSON.stringify(rows)],
  );
  const quarantined = verdicts.flatMap((verdict) =>
    verdict.status === 'quarantined' && verdict.reason
      ? [{
          till_id: caller.till_id,
          seq: verdict.seq,
          event_id: verdict.event_id,
          reason_code: verdict.reason.code,
          reason: verdict.reason.message.slice(0, 2_000),
          field: verdict.reason.field ?? null,
          received_at: receivedAt,
        }]
      : [],
  );
  if (quarantined.length > 0) {
    await tx.query(
      `INSERT INTO quarantined_events (business_id, till_id, seq, event_id, reason_code, reason, field, received_at)
       SELECT $1, x.till_id, x.seq, x.event_id, x.reason_code, x.reason, x.field, x.received_at
         FROM jsonb_to_recordset($2::jsonb) AS x(till_id uuid, seq bigint, event_id uuid, reason_code text, reason text, field text, received_at timestamptz)`,
      [caller.business_id, JSON.stringify(quarantined)],
    );
  }
}

function auditEntries(caller: PushCaller, fresh: readonly PushedEvent[], verdicts: readonly FoldVerdict[], receivedAt: string): AuditEntryInput[] {
  return fresh.map((event, index) => {
    const verdict = verdicts[index];
    const type = typeof event.raw['type'] === 'string' && verdict?.status === 'applied' ? (event.raw['type'] as string) : null;
    const actor = typeof event.raw['actor_id'] === 'string' && verdict?.status === 'applied' ? (event.raw['actor_id'] as string) : `till:${caller.till_id}`;
    return verdict?.status === 'applied'
      ? { kind: 'event_applied', actor, subject: event.event_id, data: { till_id: caller.till_id, seq: event.seq, type, hash: event.hash }, occurred_at: receivedAt }
      : {
          kind: 'event_quarantined',
          actor,
          subject: event.event_id,
          data: { till_id: caller.till_id, seq: event.seq, hash: event.hash, reason: verdict?.reason?.code ?? 'unknown' },
          occurred_at: receivedAt,
        };
  });
}

function feedChanges(
  storeId: string,
  written: WrittenState,
  tillState: { till_id: string; acked_seq: number; head_hash: string; epoch: number },
): FeedChangeInput[] {
  const changes: FeedChangeInput[] = [];
  for (const customer of written.customers) changes.push({ kind: 'customer', entity_id: customer.id, data: customer });
  for (const [productId, onHand] of written.stock_levels) {
    changes.push({ kind: 'stock_level', entity_id: `${storeId}:${productId}`, data: { store_id: storeId, product_id: productId, on_hand: onHand } });
  }
  for (const [customerId, balance] of written.balances) {
    changes.push({ kind: 'credit_balance', entity_id: customerId, data: { customer_id: customerId, balance_cents: balance } });
  }
  // Last, so a reader that stops mid-push never sees an acked_seq ahead of the levels it covers.
  changes.push({ kind: 'till_state', entity_id: tillState.till_id, data: tillState });
  return changes;
}
