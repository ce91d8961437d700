/**
 * The records a push leaves behind, built in one place for every way a push finishes (DESIGN §5):
 * a plain push (`payme_push_tail`, 006_audit_append.sql), a push that moved credit (push-tail.ts)
 * and quarantine replay (quarantine/replay.ts). Each feed change is the shape shared's
 * `feed_records` gives its kind (the till's ledger parses it with that schema); each audit entry
 * the one `verifyAudit` reads.
 *
 * The plain push builds its `stock_level` changes inside its SQL call, so that the level it
 * returns is not read back into this process under the business's locks; push-records.test.ts
 * checks that record against `stockLevelChange` field for field.
 */
import type { FeedRecord } from '@payme/shared';
import type { AuditEntryInput } from '../audit/audit-log.js';
import type { FeedChangeInput } from '../feed/changes.js';
import type { FeedCustomer } from './write-projections.js';

/** A till's place in its chain after a push: the `till_state` change's record (shared's `feed_records`). */
export type TillState = Required<Pick<FeedRecord<'till_state'>, 'till_id' | 'acked_seq' | 'head_hash' | 'epoch'>>;

export function customerChange(customer: FeedCustomer): FeedChangeInput {
  return { kind: 'customer', entity_id: customer.id, data: customer };
}

export function stockLevelChange(storeId: string, productId: string, onHand: number): FeedChangeInput {
  return { kind: 'stock_level', entity_id: `${storeId}:${productId}`, data: { store_id: storeId, product_id: productId, on_hand: onHand } satisfies FeedRecord<'stock_level'> };
}

export function creditBalanceChange(customerId: string, balanceCents: number): FeedChangeInput {
  return { kind: 'credit_balance', entity_id: customerId, data: { customer_id: customerId, balance_cents: balanceCents } satisfies FeedRecord<'credit_balance'> };
}

/** Last of a push's changes, so a reader that stops mid-push never sees an acked_seq ahead of the levels it covers. */
export function tillStateChange(tillState: TillState): FeedChangeInput {
  return { kind: 'till_state', entity_id: tillState.till_id, data: tillState };
}

/** What a push wrote to rows other pushes share, as the feed tells it: customers, then levels, then balances. */
export function writtenChanges(
  storeId: string,
  written: { customers: readonly FeedCustomer[]; stock_levels: ReadonlyMap<string, number>; balances: ReadonlyMap<string, number> },
): FeedChangeInput[] {
  return [
    ...written.customers.map(customerChange),
    ...[...written.stock_levels].map(([productId, onHand]) => stockLevelChange(storeId, productId, onHand)),
    ...[...written.balances].map(([customerId, balance]) => creditBalanceChange(customerId, balance)),
  ];
}

/** One stored event as its audit entry describes it. */
export interface AuditedEvent {
  seq: number;
  event_id: string;
  hash: string;
  /** The envelope as stored; null when it was kept as text (unstorable). */
  envelope: Record<string, unknown> | null;
}

/**
 * The audit entry of an applied event: the actor the envelope names (its cashier), else the till.
 * `replayed` marks one applied by quarantine replay rather than by its push.
 */
export function eventAppliedEntry(tillId: string, event: AuditedEvent, at: string, replayed = false): AuditEntryInput {
  const type = event.envelope?.['type'];
  return {
    kind: 'event_applied',
    actor: envelopeActor(tillId, event.envelope),
    subject: event.event_id,
    data: { till_id: tillId, seq: event.seq, type: typeof type === 'string' ? type : null, hash: event.hash, ...(replayed ? { replayed: true } : {}) },
    occurred_at: at,
  };
}

/** A quarantined event's entry names the till: its envelope's actor is not a checked fact. */
export function eventQuarantinedEntry(tillId: string, event: AuditedEvent, reasonCode: string, at: string): AuditEntryInput {
  return tillEntry('event_quarantined', tillId, event, { reason: reasonCode }, at);
}

/** A copy of an event another till delivered first (a fenced clone moved to a new till). */
export function eventDuplicateEntry(tillId: string, event: AuditedEvent, duplicateOfTill: string, at: string): AuditEntryInput {
  return tillEntry('event_duplicate', tillId, event, { duplicate_of_till: duplicateOfTill }, at);
}

function tillEntry(kind: string, tillId: string, event: AuditedEvent, more: Record<string, unknown>, at: string): AuditEntryInput {
  return { kind, actor: `till:${tillId}`, subject: event.event_id, data: { till_id: tillId, seq: event.seq, hash: event.hash, ...more }, occurred_at: at };
}

function envelopeActor(tillId: string, envelope: Record<string, unknown> | null): string {
  const actor = envelope?.['actor_id'];
  return typeof actor === 'string' ? actor : `till:${tillId}`;
}
