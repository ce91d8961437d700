/**
 * The outbox: the till's journal (DESIGN §4/§5). Every command appends exactly one event in its
 * own transaction, with a gapless `seq` and a hash chain; the sync agent pushes unacknowledged
 * rows in seq order and records the server's acknowledgement.
 */
import {
  current_event_version,
  genesis_hash,
  isoAt,
  parseEvent,
  uuidv7,
  type EventEnvelope,
  type EventPayload,
  type EventType,
  type PaymeEvent,
} from '@payme/shared';
import { PaymeError } from '@payme/shared';
import { sql, type LedgerContext } from './context.js';
import { canonicalEnvelope, fastCanonicalJson, sha256HexNative } from './event-hash.js';
import { requireIdentity } from './identity.js';

export interface AppendedEvent {
  /** The local journal seq (chain seq + chain_base). */
  seq: number;
  event_id: string;
  hash: string;
  occurred_at: string;
  /** The event as appended (chain seq), what the projector applies. */
  event: PaymeEvent;
  /** The payload's canonical JSON, the one serialisation the envelope, its hash and the sale row share. */
  payload_json: string;
}

export interface NewEvent<T extends EventType> {
  type: T;
  payload: EventPayload<T>;
  actor_id: string;
  approver_id?: string | undefined;
  command_id: string;
}

/**
 * Where this till's chain starts in the local journal: 0, or the local seq after which a moved
 * clone's new till begins (DESIGN §5; see migration 6). Chain seq n is local seq base + n.
 */
export function chainBase(ctx: LedgerContext): number {
  return (sql(ctx, 'SELECT chain_base FROM sync_state WHERE id = 1').get() as { chain_base: number }).chain_base;
}

/** The journal's last row in local seqs, with the hash the next event of this till chains to. */
export function localHead(ctx: LedgerContext): { seq: number; hash: string; base: number } {
  const row = sql(ctx, 'SELECT s.chain_base AS base, o.seq, o.hash FROM sync_state s LEFT JOIN (SELECT seq, hash FROM outbox ORDER BY seq DESC LIMIT 1) o WHERE s.id = 1').get() as {
    base: number;
    seq: number | null;
    hash: string | null;
  };
  const seq = row.seq ?? 0;
  return { seq, hash: seq > row.base && row.hash !== null ? row.hash : genesis_hash, base: row.base };
}

/** The head of this till's chain, in its own seqs (what the server compares with). */
export function chainHead(ctx: LedgerContext): { seq: number; hash: string } {
  const head = localHead(ctx);
  return { seq: head.seq - head.base, hash: head.hash };
}

/**
 * Whether `appendEvent` re-validates every event with the shared schema before writing it. The
 * builders assemble events only from validated input and rows, and the full zod parse of a sale
 * event cost ~35 µs of its ~0.3 ms domain time, so it runs only with `PAYME_LEDGER_CHECK_EVENTS=1`
 * (the electron test config sets it, and the property test also parses every event the
 * production path writes), not on every sale at the till.
 */
export const event_schema_checks = {
  enabled: process.env['PAYME_LEDGER_CHECK_EVENTS'] === '1',
};

/**
 * Builds and appends the next event. Must run inside the command's transaction. The payload is
 * serialised once: its canonical JSON makes the hashed envelope, the stored envelope and (for a
 * sale) the sale row. Under `event_schema_checks` the event is validated with the shared schema
 * before it is written.
 */
export function appendEvent<T extends EventType>(ctx: LedgerContext, event: NewEvent<T>): AppendedEvent {
  const identity = requireIdentity(ctx);
  const head = localHead(ctx);
  const unhashed = {
    event_id: uuidv7(ctx.clock, ctx.random),
    till_id: identity.till_id,
    seq: head.seq + 1 - head.base,
    type: event.type,
    v: current_event_version,
    occurred_at: isoAt(ctx.clock.now()),
    actor_id: event.actor_id,
    ...(event.approver_id === undefined ? {} : { approver_id: event.approver_id }),
    prev_hash: head.hash,
  };
  const payload_json = fastCanonicalJson(event.payload);
  const hash = sha256HexNative(canonicalEnvelope(unhashed, payload_json));
  const envelope = { ...unhashed, payload: event.payload, hash } as PaymeEvent;
  if (event_schema_checks.enabled) parseEvent(envelope);
  const seq = head.seq + 1;
  sql(
    ctx,
    `INSERT INTO outbox (seq, event_id, type, occurred_at, command_id, prev_hash, hash, envelope)
     VALUES (@seq, @event_id, @type, @occurred_at, @command_id, @prev_hash, @hash, @envelope)`,
  ).run({
    seq,
    event_id: unhashed.event_id,
    type: event.type,
    occurred_at: unhashed.occurred_at,
    command_id: event.command_id,
    prev_hash: head.hash,
    hash,
    envelope: canonicalEnvelope(unhashed, payload_json, hash),
  });
  return { seq, event_id: unhashed.event_id, hash, occurred_at: unhashed.occurred_at, event: envelope, payload_json };
}

/** Events with chain seq >= `fromSeq`, at most `limit`, as stored (a `seq_gap` asks to resend from there). */
export function eventsFrom(ctx: LedgerContext, fromSeq: number, limit: number): EventEnvelope[] {
  return readEvents(ctx, chainBase(ctx) + Math.max(0, fromSeq - 1), limit);
}

export function feedCursor(ctx: LedgerContext): string {
  return (sql(ctx, 'SELECT cursor FROM sync_state WHERE id = 1').get() as { cursor: string | null }).cursor ?? '0';
}

/** Events after local seq `afterSeq` (all of them by default), in order, as stored. */
export function readEvents(ctx: LedgerContext, afterSeq = 0, limit = Number.MAX_SAFE_INTEGER): EventEnvelope[] {
  const rows = sql(ctx, 'SELECT envelope FROM outbox WHERE seq > ? ORDER BY seq LIMIT ?').all(afterSeq, limit) as { envelope: string }[];
  return rows.map((row) => JSON.parse(row.envelope) as EventEnvelope);
}

/** The acknowledged local seq (the journal row up to which the server holds this till's events). */
export function ackedLocalSeq(ctx: LedgerContext): number {
  return (sql(ctx, 'SELECT acked_seq FROM sync_state WHERE id = 1').get() as { acked_seq: number }).acked_seq;
}

/** The highest seq of this till's chain the server acknowledged (0 before the first). */
export function ackedSeq(ctx: LedgerContext): number {
  return Math.max(0, ackedLocalSeq(ctx) - chainBase(ctx));
}

/** Unacknowledged events in seq order, at most `limit` (the push batch size). */
export function pendingEvents(ctx: LedgerContext, limit: number): PaymeEvent[] {
  return readEvents(ctx, ackedLocalSeq(ctx), limit) as PaymeEvent[];
}

export function unsyncedCount(ctx: LedgerContext): number {
  return (sql(ctx, 'SELECT count(*) AS n FROM outbox WHERE seq > (SELECT acked_seq FROM sync_state WHERE id = 1)').get() as { n: number })
    .n;
}

/**
 * The server's feed says it holds less of this till than it acknowledged before (it was restored
 * from an older backup, DESIGN §13): the events after `acked_seq` are unacknowledged again, so the
 * push loop sends them again from the journal, which keeps every event (nothing is compacted).
 * A resend of what the server does hold is answered `duplicate`, and that answer's acked_seq puts
 * the acknowledgement back where the server really is. Inside the caller's transaction.
 */
export function lowerAckTo(ctx: LedgerContext, acked_seq: number): void {
  const local = acked_seq + chainBase(ctx);
  if (local >= ackedLocalSeq(ctx)) return;
  const row = acked_seq === 0 ? undefined : (sql(ctx, 'SELECT hash FROM outbox WHERE seq = ?').get(local) as { hash: string } | undefined);
  sql(ctx, 'UPDATE sync_state SET acked_seq = ?, acked_hash = ? WHERE id = 1').run(local, row?.hash ?? null);
}

/**
 * Records the server's acknowledgement inside the caller's transaction. The acked seq never goes
 * backwards, never beyond what this till wrote, and its hash must be this till's own at that seq:
 * anything else means the histories diverged (DESIGN §5), which recovery handles, not this.
 */
export function recordAck(ctx: LedgerContext, acked_seq: number, head_hash: string | null): void {
  if (!Number.isSafeInteger(acked_seq) || acked_seq < 0) {
    throw new PaymeError('invalid_input', 'acked_seq: must be a whole number of at least 0', 'acked_seq');
  }
  const base = chainBase(ctx);
  if (acked_seq + base < ackedLocalSeq(ctx)) return; // a stale response: the server already told us more.
  const row = acked_seq === 0 ? undefined : (sql(ctx, 'SELECT hash FROM outbox WHERE seq = ?').get(acked_seq + base) as { hash: string } | undefined);
  if (acked_seq > 0 && row === undefined) {
    throw new PaymeError('chain_conflict', `the server acknowledged seq ${acked_seq}, which this till never wrote`, 'acked_seq', {
      seq: acked_seq,
    });
  }
  if (head_hash !== null && row !== undefined && row.hash !== head_hash) {
    throw new PaymeError('chain_conflict', `the server's hash at seq ${acked_seq} differs from this till's`, 'head_hash', {
      seq: acked_seq,
    });
  }
  sql(ctx, 'UPDATE sync_state SET acked_seq = ?, acked_hash = ? WHERE id = 1').run(acked_seq + base, row?.hash ?? null);
}
