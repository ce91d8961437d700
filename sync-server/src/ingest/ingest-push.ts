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
import { PaymeError, canonicalJson, isoAt, type Clock, type PushResponse, type PushResult } from '@payme/shared';
import { sqlState, type Db } from '../db/db.js';
import type { AuditEntryInput } from '../audit/audit-log.js';
import { HttpError } from '../http/errors.js';
import { prepareAuditEntries } from './audit-batch.js';
import { finishPush } from './push-tail.js';
import { eventAppliedEntry, eventDuplicateEntry, eventQuarantinedEntry } from './push-records.js';
import { checkBatch, eventContent, planChain, type ChainPlan, type StoredLinks } from './chain-check.js';
import { loadProjectionState } from './load-state.js';
import { checkEvent, type CheckedEvent, type FoldVerdict } from './project-events.js';
import { foldCheckingPaymentReuse } from './payment-reuse.js';
import { parsePushRequest, type PushRequest, type PushedEvent } from './push-request.js';
import { appliedEvents, rollupRowsFor } from '../reports/rollup-step.js';
import { jsonDepthExceeds, storableText, unstorablePath, event_depth_max } from './storable-json.js';

export interface PushCaller {
  business_id: string;
  till_id: string;
}

export interface IngestDeps {
  db: Db;
  clock: Clock;
  /** `bench_skip_rollups`: the server-ingest benchmark's switch (reports/rollup-step.ts). */
  config?: { bench_skip_rollups?: boolean };
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

/**
 * `lookupEventIds: false` skips looking up the fresh events' ids: a push whose ids are new (all
 * but a handful) then saves a query over 200 ids, and one whose id is stored already fails its
 * insert on the unique index (23505) and runs again with the lookup, which answers as the rules say.
 */
async function storedLinks(tx: Db, caller: PushCaller, till: TillRow, events: readonly PushedEvent[], lookupEventIds = true): Promise<StoredLinks> {
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
  const sameEventElsewhere = new Map<string, string>();
  if (fresh.length > 0 && lookupEventIds) {
    // Copies ('duplicate' rows) are not the event itself: the original is what a resend is compared with.
    const rows = await tx.query<{ event_id: string; hash: string; till_id: string; envelope: Record<string, unknown> | null }>(
      `SELECT event_id::text AS event_id, hash, till_id::text AS till_id, envelope FROM till_events
        WHERE business_id = $1 AND event_id = ANY($2::uuid[]) AND status <> 'duplicate'`,
      [caller.business_id, fresh],
    );
    const pushed = new Map(events.map((event) => [event.event_id, event]));
    for (const row of rows) {
      hashByEventId.set(row.event_id, row.hash);
      const event = pushed.get(row.event_id);
      // A fenced clone moved to a new till re-sends events the other till already delivered (DESIGN §5).
      if (event !== undefined && row.till_id !== caller.till_id && row.envelope !== null && canonicalJson(eventContent(row.envelope)) === canonicalJson(eventContent(event.raw))) {
        sameEventElsewhere.set(row.event_id, row.till_id);
      }
    }
  }
  return { hashBySeq, hashByEventId, sameEventElsewhere };
}

/** The fate of each fresh event of a push: folded (applied / quarantined), or a copy of another till's. */
type ChainVerdict = FoldVerdict | { seq: number; event_id: string; status: 'duplicate'; copy_of: string; reason?: undefined };

function chainVerdicts(plan: ChainPlan, folded: readonly FoldVerdict[]): ChainVerdict[] {
  let next = 0;
  return plan.fresh.map((event) => {
    const copyOf = plan.copies.get(event.seq);
    if (copyOf !== undefined) return { seq: event.seq, event_id: event.event_id, status: 'duplicate', copy_of: copyOf };
    return folded[next++] as FoldVerdict;
  });
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
  const path = unstorablePath(event.raw);
  if (path !== null) {
    // The path may run through a key holding the very character that could not be stored.
    const unstorable = storableText(path);
    return { ok: false, storable: false, reason: { code: 'unstorable_text', message: `${unstorable}: contains a NUL character or broken UTF-16`, field: unstorable } };
  }
  return { ...checkEvent(event.raw), storable: true };
}

function reasonText(verdict: ChainVerdict): string | undefined {
  if (!verdict.reason) return undefined;
  return `${verdict.reason.code}: ${verdict.reason.message}`.slice(0, 2_000);
}

/**
 * Two tills of one business may race to store the same event id or create the same customer; the
 * loser's unique violation means "someone else just did it": running the push again sees the
 * stored row and answers as the rules say (chain_conflict, customer_exists).
 */
const unique_violation_attempts_max = 4;

export async function ingestPush(deps: IngestDeps, caller: PushCaller, body: unknown): Promise<PushResponse & { changed: boolean }> {
  return ingestPrepared(deps, caller, preparePush(caller, body));
}

/** A push whose body passed `preparePush`: one transaction (retried on a racing unique insert). */
export async function ingestPrepared(deps: IngestDeps, caller: PushCaller, request: PushRequest, options: { batch_checked?: boolean } = {}): Promise<PushResponse & { changed: boolean }> {
  const checked = new Map(request.events.map((event) => [event.seq, checkPushedEvent(event)]));
  // Order, links and every hash, decided before the transaction; thrown inside it, after the
  // till and epoch checks, so the answer is the one the rules give in that order. A slice of a
  // push was checked as part of the whole (push-slices.ts).
  let batchProblem: unknown = null;
  try {
    if (options.batch_checked !== true) checkBatch(request.events);
  } catch (error) {
    batchProblem = error;
  }
  for (let attempt = 1; ; attempt += 1) {
    try {
      // The first attempt assumes the event ids are new (storedLinks); a retry looks them up.
      return await applyPush(deps, caller, request, checked, batchProblem, attempt > 1);
    } catch (error) {
      if (sqlState(error) === '23505' && attempt < unique_violation_attempts_max) continue;
      throw asConflict(error);
    }
  }
}

async function applyPush(
  deps: IngestDeps,
  caller: PushCaller,
  request: PushRequest,
  checked: ReadonlyMap<number, CheckedEvent & { storable: boolean }>,
  batchProblem: unknown,
  lookupEventIds: boolean,
): Promise<PushResponse & { changed: boolean }> {
  return deps.db.transaction(async (tx) => {
    const till = await lockTill(tx, caller);
    checkEpoch(till, request.epoch);
    if (batchProblem !== null) throw batchProblem;
    const plan = planChain(till, request.events, await storedLinks(tx, caller, till, request.events, lookupEventIds), { batchChecked: true });
    const results: PushResult[] = plan.duplicates.map((event) => ({ seq: event.seq, event_id: event.event_id, status: 'duplicate' }));
    const last = plan.fresh[plan.fresh.length - 1];
    if (last === undefined) return { acked_seq: till.acked_seq, head_hash: till.head_hash, results, changed: false };

    const now = deps.clock.now();
    const receivedAt = isoAt(now);
    const originals = plan.fresh.filter((event) => !plan.copies.has(event.seq));
    const inputs = originals.map((event) => ({ seq: event.seq, event_id: event.event_id, checked: checked.get(event.seq) as CheckedEvent }));
    const valid = inputs.flatMap((input) => (input.checked.ok ? [input.checked.event] : []));
    const scope = { business_id: caller.business_id, store_id: till.store_id, till_id: caller.till_id };
    const state = await loadProjectionState(tx, scope, valid);
    // One payment pays at most one sale: a reused payment id is refused, a reused typed code flagged.
    const fold = await foldCheckingPaymentReuse(tx, state, inputs, receivedAt);
    const verdicts = chainVerdicts(plan, fold.verdicts);
    const skipRollups = deps.config?.bench_skip_rollups === true;
    const rollups = await rollupRowsFor(tx, scope, appliedEvents(inputs, fold.verdicts), () => receivedAt, skipRollups);

    await storeEvents(tx, caller, request.epoch, plan.fresh, verdicts, checked, receivedAt, !skipRollups);
    // The till row is ours already; the shared rows (levels, balances, then the business) last.
    // What the till said about its outbox counts what is left once this push is acknowledged.
    const outboxDepth = request.outbox_depth === undefined ? null : Math.max(0, request.outbox_depth - request.events.length);
    await tx.query(
      `UPDATE tills SET acked_seq = $3, head_hash = $4, last_push_at = $5,
              outbox_depth = COALESCE($6, outbox_depth), outbox_reported_at = CASE WHEN $6::bigint IS NULL THEN outbox_reported_at ELSE $5 END,
              app_version = COALESCE($7, app_version)
        WHERE business_id = $1 AND id = $2`,
      [caller.business_id, caller.till_id, last.seq, last.hash, receivedAt, outboxDepth, request.app_version ?? null],
    );
    // Hashing work for the audit entries before the shared rows' locks are taken.
    const audit = prepareAuditEntries(caller.business_id, auditEntries(caller, plan.fresh, verdicts, receivedAt));
    const tillState = { till_id: caller.till_id, acked_seq: last.seq, head_hash: last.hash, epoch: till.epoch };
    // Projections, then levels, anomalies, audit chain and feed: the shared rows' locks last and
    // short. This also COMMITs on PostgreSQL (push-tail.ts): no query may follow it here.
    await finishPush(tx, scope, fold.rows, receivedAt, now, audit, tillState, rollups);
    for (const verdict of verdicts) {
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
  verdicts: readonly ChainVerdict[],
  checked: ReadonlyMap<number, { storable: boolean }>,
  receivedAt: string,
  rolledUp: boolean,
): Promise<void> {
  const rows = fresh.map((event, index) => {
    const storable = checked.get(event.seq)?.storable ?? true;
    const type = event.raw['type'];
    const v = event.raw['v'];
    const verdict = verdicts[index];
    return {
      till_id: caller.till_id,
      seq: event.seq,
      event_id: event.event_id,
      type: typeof type === 'string' && storable && type.length <= 64 ? type : '(invalid)',
      v: typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 2_147_483_647 ? v : null,
      epoch,
      prev_hash: event.prev_hash,
      hash: event.hash,
      status: verdict?.status ?? 'quarantined',
      // Folded into the rollups in this transaction (reports/rollup-step.ts); with the bench's
      // switch off, left for the catch-up fold like a previous release's events.
      rolled_up: rolledUp && verdict?.status === 'applied',
      duplicate_of_till: verdict?.status === 'duplicate' ? verdict.copy_of : null,
      envelope: storable ? event.raw : null,
      // JSON.stringify escapes NUL and lone surrogates, so the text form is storable.
      envelope_text: storable ? null : JSON.stringify(event.raw),
      received_at: receivedAt,
    };
  });
  await tx.query(
    `INSERT INTO till_events (business_id, till_id, seq, event_id, type, v, epoch, prev_hash, hash, status, rolled_up, duplicate_of_till, envelope, envelope_text, received_at)
     SELECT $1, x.till_id, x.seq, x.event_id, x.type, x.v, x.epoch, x.prev_hash, x.hash, x.status, x.rolled_up, x.duplicate_of_till, x.envelope, x.envelope_text, x.received_at
       FROM json_to_recordset($2::json) AS x(till_id uuid, seq bigint, event_id uuid, type text, v integer, epoch integer,
            prev_hash text, hash text, status text, rolled_up boolean, duplicate_of_till uuid, envelope json, envelope_text text, received_at timestamptz)`,
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
         FROM json_to_recordset($2::json) AS x(till_id uuid, seq bigint, event_id uuid, reason_code text, reason text, field text, received_at timestamptz)`,
      [caller.business_id, JSON.stringify(quarantined)],
    );
  }
}

function auditEntries(caller: PushCaller, fresh: readonly PushedEvent[], verdicts: readonly ChainVerdict[], receivedAt: string): AuditEntryInput[] {
  return fresh.map((event, index) => {
    const verdict = verdicts[index];
    const audited = { seq: event.seq, event_id: event.event_id, hash: event.hash, envelope: event.raw };
    if (verdict?.status === 'duplicate') return eventDuplicateEntry(caller.till_id, audited, verdict.copy_of, receivedAt);
    if (verdict?.status === 'applied') return eventAppliedEntry(caller.till_id, audited, receivedAt);
    return eventQuarantinedEntry(caller.till_id, audited, verdict?.reason?.code ?? 'unknown', receivedAt);
  });
}
